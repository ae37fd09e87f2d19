import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { recordAudit } from '../audit/record-audit.js';
import type { JobView } from './jobs.schemas.js';
import { jobColumns, toJobView } from './list-jobs.js';

/**
 * An admin gives a dead job another round: queued now with its attempts counted from zero (so it gets
 * its full number again); the last error stays visible until the next run replaces it. Only dead
 * jobs: a queued or running one is still in the queue's hands. Audited.
 */
export async function retryJob(db: Db, jobId: number, staffId: number, ip?: string | null): Promise<JobView> {
  return db.transaction(async (tx) => {
    const [before] = await queryRows<{ id: number; state: string; attempts: number; name: string }>(
      tx,
      sql`select id, state, attempts, name from jobs where id = ${jobId} for update`,
    );
    if (!before) throw new AppError('job_not_found');
    if (before.state !== 'dead') throw new AppError('job_not_retryable');
    const [row] = await queryRows<Parameters<typeof toJobView>[0]>(
      tx,
      sql`update jobs set state = 'queued', attempts = 0, run_at = now(), finished_at = null, locked_by = null, locked_until = null
          where id = ${jobId} returning ${jobColumns}`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: staffId,
      action: 'job.retry',
      entity: 'job',
      entityId: jobId,
      before: { name: before.name, state: before.state, attempts: before.attempts },
      after: { state: 'queued', attempts: 0 },
      ip: ip ?? null,
    });
    return toJobView(row!);
  });
}
