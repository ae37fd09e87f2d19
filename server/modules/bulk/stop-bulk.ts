import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { BulkState } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { operationVisible } from './view-bulk.js';

/**
 * Asks an operation to stop (docs/bulk.md "Stopping"). One not started yet stops at once; a running
 * one becomes `stopping` and its runner stops before the next batch (the batch under way finishes: a
 * batch is all or nothing). The accounts not reached stay pending in the report. Audited.
 */
export async function stopBulk(
  db: Db,
  opts: { id: number; scope: RegionScope; staffId: number; ip?: string | null },
): Promise<{ state: BulkState }> {
  return inTransaction(db, async (tx) => {
    const [op] = await queryRows<{ state: BulkState }>(
      tx,
      sql`select o.state from bulk_operations o where o.id = ${opts.id} and ${operationVisible(opts.scope)} for update`,
    );
    if (!op) throw new AppError('bulk_not_found');
    if (!['queued', 'running', 'stopping'].includes(op.state)) throw new AppError('bulk_finished');
    const [row] = await queryRows<{ state: BulkState }>(
      tx,
      sql`update bulk_operations set
            stop_requested_at = coalesce(stop_requested_at, now()),
            stop_requested_by = coalesce(stop_requested_by, ${opts.staffId}),
            state = case when state = 'queued' then 'stopped' else 'stopping' end,
            finished_at = case when state = 'queued' then now() else finished_at end
          where id = ${opts.id} returning state`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      ip: opts.ip ?? null,
      action: 'bulk.stop_requested',
      entity: 'bulk_operation',
      entityId: opts.id,
      before: { state: op.state },
      after: { state: row!.state },
    });
    return { state: row!.state };
  });
}
