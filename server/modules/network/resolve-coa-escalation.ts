import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

/**
 * Staff mark an item of «Не применено на NAS» resolved (they disconnected the subscriber on the NAS by
 * hand, or found the session gone). Audited.
 */
export async function resolveCoaEscalation(db: Db, id: number, ctx: { staffId: number; ip?: string }): Promise<void> {
  await inTransaction(db, async (tx) => {
    const [row] = await queryRows<{ account_id: number; session_id: number }>(
      tx,
      sql`update coa_escalations set resolved_at = now(), resolution = 'staff', resolved_by = ${ctx.staffId}
          where id = ${id} and resolved_at is null
          returning account_id, session_id`,
    );
    if (!row) throw new AppError('coa_escalation_not_found');
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'network.escalation.resolve',
      entity: 'account',
      entityId: Number(row.account_id),
      after: { escalationId: id, sessionId: Number(row.session_id) },
      ip: ctx.ip,
    });
  });
}
