import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { compensationDays } from '../../../common/outages.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { loadOutage } from './load-outage.js';

/**
 * Closes an outage with its real end (now, or a moment between its start and now): the banner goes,
 * new tickets are no longer linked, and the compensation it suggests (compensationDays) is offered in
 * the back office as a bulk operation over its subscribers (docs/outages.md "Closing").
 */
export async function closeOutage(
  db: Db,
  opts: { id: number; endedAt?: string; scope: RegionScope; staffId: number; ip?: string | null; now?: Date },
): Promise<{ suggestedDays: number }> {
  return inTransaction(db, async (tx) => {
    const o = await loadOutage(tx, opts.id, opts.scope, { lock: true });
    if (o.state !== 'open') throw new AppError('outage_closed');
    const now = opts.now ?? new Date();
    const ended = opts.endedAt ? new Date(opts.endedAt) : now;
    if (ended < new Date(o.starts_at) || ended.getTime() > now.getTime() + 60_000)
      throw new AppError('outage_bad_times');
    await tx.execute(
      sql`update outages set state = 'closed', ended_at = ${ended.toISOString()}::timestamptz, closed_by = ${opts.staffId},
            updated_at = now() where id = ${o.id}`,
    );
    const suggestedDays = compensationDays(o.starts_at, ended);
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      ip: opts.ip ?? null,
      action: 'outage.closed',
      entity: 'outage',
      entityId: o.id,
      after: { endedAt: ended.toISOString(), suggestedDays },
    });
    return { suggestedDays };
  });
}

/** A compensation operation made for this outage (bulk/create-bulk.ts): the outage shows it. */
export async function attachCompensation(db: Db, outageId: number, operationId: number): Promise<void> {
  await db.execute(
    sql`update outages set compensation_id = ${operationId}, updated_at = now()
        where id = ${outageId} and compensation_id is null`,
  );
}
