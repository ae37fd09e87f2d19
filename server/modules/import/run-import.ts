import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AuditActorType } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { uniqueViolation } from '../network/unique-violation.js';
import {
  applyCatalog,
  applyPaymentHistory,
  applySubscriberBatch,
  candidateBatches,
  reserveImportedNumbers,
} from './apply-import.js';
import { checkMappingRegions, checkNas, checkStaged, poolRanges } from './check-import.js';
import { completeMapping, type Mapping, renderMapping } from './mapping.js';
import {
  normalisePayment,
  normaliseSubscriber,
  type Problem,
  type StagePayment,
  type StageSubscriber,
} from './normalize.js';
import { buildReport, type ImportReport } from './report.js';
import type { SourceReader } from './source.js';
import { importStep, insertProblems, resetStage, stagePayments, stageSubscribers } from './stage.js';

export interface ImportProgress {
  phase: ImportPhase;
  /** The whole run, 0–1000. */
  permille: number;
  done: number;
  total: number;
}

export type ImportPhase =
  | 'reading'
  | 'staging_subscribers'
  | 'staging_payments'
  | 'checking'
  | 'writing_catalog'
  | 'writing_subscribers'
  | 'writing_payments'
  | 'done';

/** Where each phase starts and ends in the bar (per mille), for a dry run and a real one. */
const SPANS: Record<'dry' | 'real', Partial<Record<ImportPhase, [number, number]>>> = {
  dry: {
    reading: [0, 20],
    staging_subscribers: [20, 350],
    staging_payments: [350, 900],
    checking: [900, 1000],
  },
  real: {
    reading: [0, 10],
    staging_subscribers: [10, 200],
    staging_payments: [200, 450],
    checking: [450, 500],
    writing_catalog: [500, 520],
    writing_subscribers: [520, 850],
    writing_payments: [850, 1000],
  },
};

export interface RunImportOptions {
  runId: number;
  reader: SourceReader;
  /** The operator's mapping (null: defaults for everything). */
  mapping: Mapping | null;
  /** APP_SECRET: passwords, passports and NAS secrets are sealed with it. */
  secret: string;
  actor: { type: AuditActorType; id: string | number | null };
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Subscribers written per transaction. */
  batchSize?: number;
}

/**
 * One import run end to end (docs/import.md): read the source's catalogue and complete the mapping;
 * stage every subscriber and payment (normalised, passwords sealed, refusals noted); check in SQL; and,
 * for a real run, write the catalogue, the subscribers in batches (each batch one transaction) and the
 * payment history. Progress goes to import_runs (the back office polls it) and to `onProgress` (the
 * CLI's bar). Only one run is `running` at a time. Safe to run again: what a run wrote is linked and
 * skipped, so a run that died mid-way is simply started again.
 */
export async function runImport(db: Db, opts: RunImportOptions): Promise<ImportReport> {
  const [run] = await queryRows<{ source: string; dry_run: boolean }>(
    db,
    sql`select source, dry_run from import_runs where id = ${opts.runId}`,
  );
  if (!run) {
    await opts.reader.close();
    throw new AppError('import_not_found');
  }
  // A run that stopped giving signs of life (its process was killed) no longer holds the place.
  await db.execute(
    sql`update import_runs set state = 'failed', finished_at = now(), connection_enc = null,
          error = 'stopped: no progress for 10 minutes (the process ended mid-run); run it again'
        where state = 'running' and updated_at < now() - interval '10 minutes'`,
  );
  try {
    const started = await queryRows<{ id: number }>(
      db,
      sql`update import_runs set state = 'running', started_at = now(), updated_at = now(), finished_at = null, error = null,
            phase = 'reading', permille = 0, done = 0, total = 0
          where id = ${opts.runId} and state in ('queued', 'failed') returning id`,
    );
    if (!started[0]) throw new AppError('import_not_queued');
  } catch (e) {
    await opts.reader.close();
    if (uniqueViolation(e) === 'import_runs_one_running') throw new AppError('import_busy');
    throw e;
  }
  const progress = new Progress(db, opts.runId, run.dry_run ? 'dry' : 'real', opts.onProgress);
  try {
    const report = await execute(db, opts, run.source, run.dry_run, progress);
    await progress.flush('done', 1, 1);
    await db.execute(
      sql`update import_runs set state = 'done', phase = 'done', permille = 1000, finished_at = now(),
            report = ${JSON.stringify(report)}::jsonb, connection_enc = null
          where id = ${opts.runId}`,
    );
    return report;
  } catch (e) {
    const message = e instanceof AppError ? e.code : e instanceof Error ? e.message : String(e);
    await db.execute(
      sql`update import_runs set state = 'failed', finished_at = now(), error = ${message.slice(0, 2000)},
            connection_enc = null
          where id = ${opts.runId}`,
    );
    throw e;
  } finally {
    await resetStage(db).catch(() => {});
    await opts.reader.close();
  }
}

async function execute(
  db: Db,
  opts: RunImportOptions,
  source: string,
  dryRun: boolean,
  progress: Progress,
): Promise<ImportReport> {
  await progress.flush('reading', 0, 1);
  const catalog = await opts.reader.catalog();
  const counts = await opts.reader.counts();
  const existing = await queryRows<{ code: string; timeZone: string; contractPrefix: string }>(
    db,
    sql`select code, time_zone as "timeZone", contract_prefix as "contractPrefix" from regions order by id`,
  );
  const mapping = completeMapping({ source, catalog, existing: { regions: existing }, given: opts.mapping });
  await checkMappingRegions(db, mapping);
  await db.execute(sql`update import_runs set mapping = ${renderMapping(mapping, catalog)} where id = ${opts.runId}`);
  await db.execute(sql`delete from import_problems where run_id = ${opts.runId}`);
  await resetStage(db);

  const problems: Problem[] = (catalog.warnings ?? []).map((w) => ({
    severity: 'warning',
    ref: w.ref,
    sourceId: null,
    reason: w.reason as Problem['reason'],
    detail: w.detail,
  }));
  const { ranges, problems: poolProblems } = poolRanges(mapping);
  problems.push(...poolProblems, ...(await checkNas(db, mapping)));
  await insertProblems(db, opts.runId, problems);

  let seq = 0;
  for await (const batch of opts.reader.subscribers()) {
    opts.signal?.throwIfAborted();
    const rows: StageSubscriber[] = [];
    const found: Problem[] = [];
    for (const s of batch) {
      seq++;
      if (!s.sourceId.trim()) {
        found.push({ severity: 'refused', ref: s.ref, sourceId: null, reason: 'missing_id', detail: null });
        continue;
      }
      const n = normaliseSubscriber(s, seq, { mapping, secret: opts.secret });
      rows.push(n.row);
      found.push(...n.problems);
    }
    await importStep(db, async (tx) => {
      await stageSubscribers(tx, rows);
      await insertProblems(tx, opts.runId, found);
    });
    await progress.step('staging_subscribers', seq, counts.subscribers);
  }

  let pseq = 0;
  for await (const batch of opts.reader.payments()) {
    opts.signal?.throwIfAborted();
    const rows: StagePayment[] = [];
    const found: Problem[] = [];
    for (const p of batch) {
      pseq++;
      if (!p.sourceId.trim()) {
        found.push({ severity: 'refused', ref: p.ref, sourceId: null, reason: 'missing_id', detail: null });
        continue;
      }
      const n = normalisePayment(p, pseq);
      if (n.row) rows.push(n.row);
      if (n.problem) found.push(n.problem);
    }
    await importStep(db, async (tx) => {
      await stagePayments(tx, rows, mapping.timeZone);
      await insertProblems(tx, opts.runId, found);
    });
    await progress.step('staging_payments', pseq, counts.payments);
  }

  await progress.flush('checking', 0, 1);
  await db.execute(sql`analyze import_stage_subscribers`);
  await db.execute(sql`analyze import_stage_payments`);
  const report = await importStep(db, async (tx) => {
    await checkStaged(tx, { runId: opts.runId, source, pools: ranges });
    return buildReport(tx, { runId: opts.runId, source, mapping, pools: ranges, paymentsRead: pseq });
  });
  if (dryRun) return report;

  const ctx = { runId: opts.runId, source, mapping, pools: ranges, actor: opts.actor, secret: opts.secret };
  await progress.flush('writing_catalog', 0, 1);
  await importStep(db, async (tx) => {
    await applyCatalog(tx, ctx);
    await reserveImportedNumbers(tx);
  });
  await analyzeWritten(db);
  const batches = await candidateBatches(db, opts.batchSize ?? 5_000);
  const written = { accounts: 0, openingEntries: 0, amount: 0, blocked: 0, payments: 0 };
  let done = 0;
  const total = batches.reduce((a, b) => a + b.n, 0);
  for (const [i, b] of batches.entries()) {
    opts.signal?.throwIfAborted();
    // The tables grow from what they were (perhaps nothing) by the whole source: their statistics are
    // renewed after batch 1, 2, 4, 8… so the planner keeps using the indexes (a plan made for an empty
    // accounts table scans it whole, once per batch: quadratic).
    if (i > 0 && (i & (i - 1)) === 0) await analyzeWritten(db);
    const r = await importStep(db, (tx) => applySubscriberBatch(tx, ctx, b));
    written.accounts += r.accounts;
    written.openingEntries += r.entries;
    written.amount += r.amount;
    written.blocked += r.blocked;
    done += b.n;
    await progress.step('writing_subscribers', done, total);
  }
  await analyzeWritten(db);
  const [range] = await queryRows<{ lo: number | null; hi: number | null }>(
    db,
    sql`select min(seq) as lo, max(seq) as hi from import_stage_payments`,
  );
  if (range?.lo != null && range.hi != null) {
    const step = 100_000;
    for (let from = range.lo; from <= range.hi; from += step) {
      opts.signal?.throwIfAborted();
      written.payments += await importStep(db, (tx) => applyPaymentHistory(tx, ctx, { from, to: from + step - 1 }));
      await progress.step(
        'writing_payments',
        Math.min(range.hi, from + step - 1) - range.lo + 1,
        range.hi - range.lo + 1,
      );
    }
  }
  await recordAudit(db, {
    actorType: opts.actor.type,
    actorId: opts.actor.id,
    action: 'import.run',
    entity: 'import_run',
    entityId: opts.runId,
    after: { source, ...written },
  });
  return { ...report, written };
}

async function analyzeWritten(db: Db): Promise<void> {
  for (const t of [
    'subscribers',
    'contracts',
    'accounts',
    'subscriptions',
    'network_access',
    'ip_addresses',
    'import_links',
  ])
    await db.execute(sql.raw(`analyze ${t}`));
}

/** Progress kept in import_runs at most a few times a second, and told to the caller every step. */
class Progress {
  private last = 0;
  constructor(
    private readonly db: Db,
    private readonly runId: number,
    private readonly mode: 'dry' | 'real',
    private readonly onProgress?: (p: ImportProgress) => void,
  ) {}

  private compute(phase: ImportPhase, done: number, total: number): ImportProgress {
    const span = phase === 'done' ? [1000, 1000] : (SPANS[this.mode][phase] ?? [0, 0]);
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    return { phase, permille: Math.round(span[0]! + (span[1]! - span[0]!) * frac), done, total };
  }

  async step(phase: ImportPhase, done: number, total: number): Promise<void> {
    const p = this.compute(phase, done, total);
    this.onProgress?.(p);
    if (Date.now() - this.last < 250 && done < total) return;
    await this.write(p);
  }

  async flush(phase: ImportPhase, done: number, total: number): Promise<void> {
    const p = this.compute(phase, done, total);
    this.onProgress?.(p);
    await this.write(p);
  }

  private async write(p: ImportProgress): Promise<void> {
    this.last = Date.now();
    await this.db.execute(
      sql`update import_runs set phase = ${p.phase}, permille = ${p.permille}, done = ${p.done}, total = ${p.total},
            updated_at = now()
          where id = ${this.runId}`,
    );
  }
}
