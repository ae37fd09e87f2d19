import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { importReasonText } from '../../../common/import.js';
import { formatRubles } from '../../../common/money.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ImportKind, PasswordDelivery } from '../../db/schema/index.js';
import { createImportRun, csvFilesByName } from './create-import-run.js';
import { createPasswordBatch, issueImportPasswords } from './issue-passwords.js';
import { parseMapping } from './mapping.js';
import { openMysqlSource } from './mysql-source.js';
import { abillsReader } from './read-abills.js';
import { csvReader } from './read-csv.js';
import { ubillingReader } from './read-ubilling.js';
import type { ImportReport } from './report.js';
import { type ImportPhase, type ImportProgress, runImport } from './run-import.js';
import type { SourceReader } from './source.js';

/** What `abonent import <kind>` needs (server/cli.ts reads the options and the secrets). */
export interface ImportCommand {
  kind: ImportKind;
  /** CSV: the directory with subscribers.csv…; databases: the connection URL. */
  location: string;
  abillsSecret?: string;
  source?: string;
  dryRun: boolean;
  mappingFile?: string;
  problemsFile?: string;
  json: boolean;
  secret: string;
  keys: SecretKeys;
  out: (line: string) => void;
  /** Where the progress bar goes (stderr). */
  err: NodeJS.WriteStream;
}

const PHASES: Record<ImportPhase, string> = {
  reading: 'reading the source',
  staging_subscribers: 'reading subscribers',
  staging_payments: 'reading payments',
  checking: 'checking',
  writing_catalog: 'writing regions, tariffs, NAS, pools',
  writing_subscribers: 'writing subscribers',
  writing_payments: 'writing payment history',
  done: 'done',
};

/** A progress bar on a terminal (redrawn in place); one line per phase and tenth when piped. */
export function progressPrinter(err: NodeJS.WriteStream) {
  let lastPhase = '';
  let lastTenth = -1;
  return (p: ImportProgress) => {
    const pct = Math.floor(p.permille / 10);
    const rows = p.total > 1 ? ` ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}` : '';
    if (err.isTTY) {
      const width = 30;
      const fill = Math.round((p.permille / 1000) * width);
      err.write(
        `\r[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${PHASES[p.phase]}${rows}\x1b[K`,
      );
      if (p.phase === 'done') err.write('\n');
      return;
    }
    const tenth = Math.floor((p.permille * 10) / 1000);
    if (p.phase !== lastPhase || tenth !== lastTenth) {
      err.write(`${String(pct).padStart(3)}% ${PHASES[p.phase]}${rows}\n`);
      lastPhase = p.phase;
      lastTenth = tenth;
    }
  };
}

async function openReader(c: ImportCommand): Promise<SourceReader> {
  if (c.kind === 'csv') {
    if (!existsSync(c.location))
      throw new AppError('import_csv_invalid', { file: c.location, details: 'no such directory' });
    const files: Record<string, Buffer> = {};
    for (const name of readdirSync(c.location))
      if (name.toLowerCase().endsWith('.csv')) files[name.toLowerCase()] = readFileSync(join(c.location, name));
    return csvReader(csvFilesByName(files));
  }
  const src = await openMysqlSource(c.location);
  if (c.kind === 'ubilling') return ubillingReader(src);
  if (!c.abillsSecret) throw new AppError('import_secret_required');
  return abillsReader(src, c.abillsSecret);
}

/**
 * `abonent import csv|ubilling|abills`: the same run as the back office's, in this process, with a
 * progress bar. The mapping file is read when it exists and written back completed (docs/import.md).
 */
export async function importCommand(db: Db, c: ImportCommand): Promise<ImportReport> {
  const source = c.source ?? c.kind;
  const mappingFile = c.mappingFile ?? `import-mapping-${source}.yaml`;
  const given = existsSync(mappingFile) ? readFileSync(mappingFile, 'utf8') : null;
  const mapping = given ? parseMapping(given) : null;
  const reader = await openReader(c);
  const { id } = await createImportRun(db, { kind: c.kind, source, dryRun: c.dryRun, startedBy: 'cli' }, c.keys);
  const report = await runImport(db, {
    runId: id,
    reader,
    mapping,
    secret: c.secret,
    actor: { type: 'cli', id: null },
    onProgress: c.json ? undefined : progressPrinter(c.err),
  });
  const [run] = await queryRows<{ mapping: string }>(db, sql`select mapping from import_runs where id = ${id}`);
  writeFileSync(mappingFile, run!.mapping);
  const problems = await queryRows<{
    severity: string;
    ref: string;
    source_id: string | null;
    reason: string;
    detail: string | null;
  }>(db, sql`select severity, ref, source_id, reason, detail from import_problems where run_id = ${id} order by id`);
  if (c.problemsFile)
    writeFileSync(
      c.problemsFile,
      `\uFEFFseverity;ref;source_id;reason;explanation;detail\n${problems
        .map((p) =>
          [p.severity, p.ref, p.source_id ?? '', p.reason, importReasonText(p.reason, 'en'), p.detail ?? '']
            .map((v) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
            .join(';'),
        )
        .join('\n')}\n`,
    );
  if (c.json) {
    c.out(JSON.stringify({ run: id, dry_run: c.dryRun, mapping_file: mappingFile, ...report }));
    return report;
  }
  const s = report.subscribers;
  c.out(`${c.dryRun ? 'dry run' : 'import'} #${id} from ${source} (${c.kind})`);
  c.out(
    `subscribers: ${s.read} read, ${s.toImport} ${c.dryRun ? 'to import' : 'imported'}, ${s.alreadyImported} imported before, ${s.refused} refused`,
  );
  c.out(
    `  active ${s.active}, blocked for debt ${s.blocked}, suspended ${s.suspended}, closed ${s.closed}; ` +
      `${s.withLogin} PPPoE logins, ${s.withIp} static IPs, ${s.withoutPhone} without a phone`,
  );
  c.out(
    `money to open: ${formatRubles(report.money.opening, 'en')} (${formatRubles(report.money.credits, 'en')} on accounts, ` +
      `${formatRubles(report.money.debts, 'en')} debts of ${report.money.debtors} subscribers)`,
  );
  const p = report.payments;
  c.out(
    `payments: ${p.read} read, ${p.toImport} as history (${formatRubles(p.amount, 'en')}), ${p.alreadyImported} before, ${p.refused} not imported`,
  );
  const cat = report.catalog;
  c.out(
    `new: ${cat.regions.length} regions, ${cat.tariffs.length} tariffs, ${cat.addons.length} services, ${cat.nas.length} NAS, ` +
      `${cat.pools.reduce((a, x) => a + x.addresses, 0)} pool addresses`,
  );
  const shown = problems.slice(0, 1000);
  for (const x of shown)
    c.out(`${x.severity.padEnd(8)} ${x.ref}: ${importReasonText(x.reason, 'en')}${x.detail ? ` (${x.detail})` : ''}`);
  if (problems.length > shown.length)
    c.out(`… ${problems.length - shown.length} more: --problems <file.csv> writes them all`);
  c.out(`mapping: ${mappingFile}${c.dryRun ? ' (edit it, then run without --dry-run)' : ''}`);
  return report;
}

/** `abonent import passwords`: cabinet passwords for a source's imported subscribers. */
export async function passwordsCommand(
  db: Db,
  c: {
    source: string;
    delivery: PasswordDelivery;
    outFile?: string;
    portalUrl: string;
    out: (l: string) => void;
    err: NodeJS.WriteStream;
  },
): Promise<void> {
  const { id } = await createPasswordBatch(db, { source: c.source, delivery: c.delivery, staffId: null });
  const r = await issueImportPasswords(db, {
    batchId: id,
    portalUrl: c.portalUrl,
    actor: { type: 'cli', id: null },
    onProgress: (done, total) => c.err.write(`\r${done} / ${total} passwords${done === total ? '\n' : ''}`),
  });
  if (r.pdf) {
    const file = c.outFile ?? `letters-${c.source}-${id}.pdf`;
    writeFileSync(file, r.pdf);
    c.out(`${r.issued} letters: ${file}`);
  } else c.out(`${r.issued} passwords queued by ${c.delivery}`);
  if (r.skipped)
    c.out(
      `${r.skipped} subscribers without ${c.delivery === 'sms' ? 'a phone' : 'an e-mail'} (or beyond this batch) still have none`,
    );
}
