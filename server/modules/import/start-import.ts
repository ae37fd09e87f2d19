import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PasswordDelivery } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { enqueue } from '../../jobs/queue.js';
import { recordAudit } from '../audit/record-audit.js';
import { createImportRun, type NewImportRun } from './create-import-run.js';
import { importPasswordsJob, importRunJob } from './import.jobs.js';
import { createPasswordBatch } from './issue-passwords.js';

/** A back-office run: made and put on the job queue in one transaction (docs/import.md, "Back office"). */
export async function startImport(
  db: Db,
  input: Omit<NewImportRun, 'startedBy'> & { staffId: number },
  keys: SecretKeys,
  ip?: string,
): Promise<{ id: number }> {
  return inTransaction(db, async (tx) => {
    const run = await createImportRun(tx, { ...input, startedBy: 'staff' }, keys);
    await enqueue(tx, importRunJob, { runId: run.id }, { key: `import:${run.id}` });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: input.dryRun ? 'import.dry_run' : 'import.start',
      entity: 'import_run',
      entityId: run.id,
      after: { kind: input.kind, source: input.source ?? input.kind, files: Object.keys(input.files ?? {}) },
      ip,
    });
    return run;
  });
}

/**
 * The real run after a dry run: the same source (a CSV upload is read again; a database's connection is
 * given again, it is not kept) with the mapping as the operator edited it (default: the dry run's).
 */
export async function applyImport(
  db: Db,
  dryRunId: number,
  body: { mapping?: string; url?: string; abillsSecret?: string },
  ctx: { staffId: number; ip?: string; keys: SecretKeys },
): Promise<{ id: number }> {
  const [dry] = await queryRows<{
    source: string;
    kind: 'csv' | 'ubilling' | 'abills';
    dry_run: boolean;
    state: string;
    mapping: string | null;
    files_run_id: number | null;
  }>(db, sql`select source, kind, dry_run, state, mapping, files_run_id from import_runs where id = ${dryRunId}`);
  if (!dry) throw new AppError('import_not_found');
  if (!dry.dry_run || dry.state !== 'done') throw new AppError('import_dry_run_required');
  return startImport(
    db,
    {
      kind: dry.kind,
      source: dry.source,
      dryRun: false,
      mapping: body.mapping ?? dry.mapping,
      filesRunId: dry.kind === 'csv' ? (dry.files_run_id ?? dryRunId) : undefined,
      database: dry.kind === 'csv' ? undefined : { url: body.url ?? '', abillsSecret: body.abillsSecret ?? null },
      staffId: ctx.staffId,
    },
    ctx.keys,
    ctx.ip,
  );
}

export async function startPasswordBatch(
  db: Db,
  input: { source: string; delivery: PasswordDelivery; staffId: number },
): Promise<{ id: number }> {
  return inTransaction(db, async (tx) => {
    const b = await createPasswordBatch(tx, input);
    await enqueue(tx, importPasswordsJob, { batchId: b.id }, { key: `import-passwords:${b.id}` });
    return b;
  });
}
