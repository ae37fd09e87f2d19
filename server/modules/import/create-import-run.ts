import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { open, seal, type SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ImportKind } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { parseMapping } from './mapping.js';
import { openMysqlSource } from './mysql-source.js';
import { abillsReader } from './read-abills.js';
import { CSV_FILES, type CsvFileName, csvReader } from './read-csv.js';
import { ubillingReader } from './read-ubilling.js';
import type { SourceReader } from './source.js';

export interface DatabaseSource {
  /** mysql://user:password@host:port/database */
  url: string;
  /** ABillS: $conf{secretkey} from libexec/config.pl (passwords are ENCODE()d with it). */
  abillsSecret?: string | null;
}

export interface NewImportRun {
  kind: ImportKind;
  /** The source's name: links and history are keyed by it (default: the kind). */
  source?: string;
  dryRun: boolean;
  /** CSV: the files by name (subscribers.csv…); or the run whose files to read again. */
  files?: Partial<Record<string, Buffer>>;
  filesRunId?: number;
  database?: DatabaseSource;
  /** The operator's mapping (YAML); checked now, so a mistake is told before anything runs. */
  mapping?: string | null;
  staffId?: number | null;
  startedBy: 'cli' | 'staff';
}

/**
 * A new import run, queued (docs/import.md): CSV files are kept with it (the real run reads the dry run's
 * files again), a database source's connection is sealed with APP_SECRET and cleared when the run ends.
 */
export async function createImportRun(db: Db, input: NewImportRun, keys: SecretKeys): Promise<{ id: number }> {
  const source = (input.source ?? input.kind).trim();
  if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(source))
    throw new AppError('validation_failed', { details: 'source: lowercase letters, digits, . _ -, up to 40' });
  if (input.mapping) parseMapping(input.mapping);
  // The CLI reads its files itself and hands runImport the reader; the back office keeps the upload.
  if (input.startedBy === 'staff' && input.kind === 'csv' && !input.files?.['subscribers.csv'] && !input.filesRunId)
    throw new AppError('import_csv_invalid', { file: 'subscribers.csv', details: 'missing' });
  if (input.startedBy === 'staff' && input.kind !== 'csv' && !input.database?.url)
    throw new AppError('import_source_unreachable', { details: 'no connection URL' });
  if (input.startedBy === 'staff' && input.kind === 'abills' && !input.database?.abillsSecret)
    throw new AppError('import_secret_required');
  return inTransaction(db, async (tx) => {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into import_runs (source, kind, dry_run, mapping, connection_enc, files_run_id, staff_id, started_by)
          values (${source}, ${input.kind}, ${input.dryRun}, ${input.mapping ?? null},
                  ${input.database ? seal(JSON.stringify(input.database), 'import-source', keys) : null},
                  ${input.filesRunId ?? null}, ${input.staffId ?? null}, ${input.startedBy})
          returning id`,
    );
    const id = row!.id;
    if (input.kind === 'csv' && !input.filesRunId && input.files) {
      for (const [name, data] of Object.entries(input.files ?? {})) {
        if (!data) continue;
        await tx.execute(sql`insert into import_files (run_id, name, data) values (${id}, ${name}, ${data})`);
      }
      await tx.execute(sql`update import_runs set files_run_id = ${id} where id = ${id}`);
    }
    return { id };
  });
}

/** The files of a CSV upload, by the names the reader knows (anything else was not kept). */
export function csvFilesByName(files: Partial<Record<string, Buffer>>): Partial<Record<CsvFileName, Buffer>> {
  const out: Partial<Record<CsvFileName, Buffer>> = {};
  for (const name of CSV_FILES) {
    const data = files[`${name}.csv`];
    if (data) out[name] = data;
  }
  return out;
}

/** Opens the run's source: its CSV files, or a read-only connection to its database. */
export async function openRunReader(db: Db, runId: number, keys: SecretKeys): Promise<SourceReader> {
  const [run] = await queryRows<{ kind: ImportKind; connection_enc: string | null; files_run_id: number | null }>(
    db,
    sql`select kind, connection_enc, files_run_id from import_runs where id = ${runId}`,
  );
  if (!run) throw new AppError('import_not_found');
  if (run.kind === 'csv') {
    const files = await queryRows<{ name: string; data: Buffer | Uint8Array }>(
      db,
      sql`select name, data from import_files where run_id = ${run.files_run_id ?? runId}`,
    );
    return csvReader(csvFilesByName(Object.fromEntries(files.map((f) => [f.name, Buffer.from(f.data)]))));
  }
  if (!run.connection_enc)
    throw new AppError('import_source_unreachable', { details: 'the connection is no longer kept: start again' });
  const conn = JSON.parse(open(run.connection_enc, 'import-source', keys)) as DatabaseSource;
  const mysql = await openMysqlSource(conn.url);
  return run.kind === 'ubilling' ? ubillingReader(mysql) : abillsReader(mysql, conn.abillsSecret ?? '');
}
