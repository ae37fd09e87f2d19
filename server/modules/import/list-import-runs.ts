import { sql } from 'drizzle-orm';

import { AppError, type Lang } from '../../../common/errors.js';
import { importReasonText } from '../../../common/import.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ImportKind, ImportSeverity, ImportState, PasswordDelivery } from '../../db/schema/index.js';
import type { ImportReport } from './report.js';

interface RunRow {
  id: number;
  source: string;
  kind: ImportKind;
  dryRun: boolean;
  state: ImportState;
  phase: string;
  permille: number;
  done: number;
  total: number;
  error: string | null;
  report: ImportReport | null;
  filesRunId: number | null;
  createdAt: string;
  finishedAt: string | null;
}

const RUN = sql`select id, source, kind, dry_run as "dryRun", state, phase, permille, done, total, error, report,
                       files_run_id as "filesRunId", created_at::text as "createdAt", finished_at::text as "finishedAt"
                from import_runs`;

/** The latest runs, newest first (the back office's list and the progress it polls). */
export async function listImportRuns(db: Db): Promise<{ runs: RunRow[] }> {
  return { runs: await queryRows<RunRow>(db, sql`${RUN} order by id desc limit 50`) };
}

export async function getImportRun(db: Db, id: number): Promise<RunRow & { mapping: string | null }> {
  const [run] = await queryRows<RunRow>(db, sql`${RUN} where id = ${id}`);
  if (!run) throw new AppError('import_not_found');
  const [m] = await queryRows<{ mapping: string | null }>(db, sql`select mapping from import_runs where id = ${id}`);
  return { ...run, mapping: m?.mapping ?? null };
}

/** The run's refused rows, conflicts and warnings, in the source's order (file, then line or id). */
export async function listImportProblems(
  db: Db,
  id: number,
  q: { severity?: ImportSeverity; page: number; pageSize: number },
  lang: Lang,
) {
  await getImportRun(db, id);
  const where = q.severity ? sql`run_id = ${id} and severity = ${q.severity}` : sql`run_id = ${id}`;
  const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from import_problems where ${where}`);
  const rows = await queryRows<{
    severity: ImportSeverity;
    ref: string;
    sourceId: string | null;
    reason: string;
    detail: string | null;
  }>(
    db,
    sql`select severity, ref, source_id as "sourceId", reason, detail from import_problems where ${where}
        ${PROBLEM_ORDER} limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`,
  );
  return {
    problems: rows.map((r) => ({ ...r, message: importReasonText(r.reason, lang) })),
    total: n?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** "subscribers.csv:9" before "subscribers.csv:10", "users.uid=2" before "users.uid=10". */
export const PROBLEM_ORDER = sql`order by regexp_replace(ref, '[:=].*$', ''),
  nullif(substring(ref from '[:=]([0-9]{1,15})$'), '')::int8 nulls last, ref, id`;

interface BatchRow {
  id: number;
  source: string;
  delivery: PasswordDelivery;
  state: ImportState;
  done: number;
  total: number;
  skipped: number;
  hasPdf: boolean;
  error: string | null;
  createdAt: string;
}

export async function getPasswordBatch(db: Db, id: number): Promise<BatchRow> {
  const [b] = await queryRows<BatchRow>(
    db,
    sql`select id, source, delivery, state, done, total, skipped, pdf is not null as "hasPdf", error,
               created_at::text as "createdAt"
        from import_password_batches where id = ${id}`,
  );
  if (!b) throw new AppError('import_not_found');
  return b;
}

/** The PDF of a batch of letters, while it is kept (a day). */
export async function getLettersPdf(db: Db, id: number): Promise<Buffer> {
  const [b] = await queryRows<{ pdf: Buffer | Uint8Array | null }>(
    db,
    sql`select pdf from import_password_batches where id = ${id}`,
  );
  if (!b?.pdf) throw new AppError('import_not_found');
  return Buffer.from(b.pdf);
}

/** Letters and uploaded files are personal data: PDFs go after a day, uploads a week after their last run. */
export async function purgeImportFiles(db: Db): Promise<void> {
  await db.execute(
    sql`update import_password_batches set pdf = null where pdf is not null and created_at < now() - interval '1 day'`,
  );
  await db.execute(
    sql`delete from import_files f where f.created_at < now() - interval '7 days'
          and not exists (select 1 from import_runs r where r.files_run_id = f.run_id
                            and (r.state in ('queued', 'running') or r.created_at > now() - interval '7 days'))`,
  );
}
