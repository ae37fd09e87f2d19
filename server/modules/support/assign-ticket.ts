import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { supportTickets } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { staffUserSeesRegion } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { publishSupportEvent } from './live.js';
import { lockTicket } from './ticket-access.js';

/** Roles that handle tickets (docs/support.md, Roles). */
export const SUPPORT_ROLES = ['support', 'admin'] as const;

/**
 * Gives a ticket to a support staff member (or to nobody with null); "take" is assigning oneself.
 * A new ticket taken goes "in progress". Audited.
 */
export async function assignTicket(
  db: Db,
  opts: { ticketId: number; assigneeId: number | null; staffId: number; ip?: string },
) {
  return inTransaction(db, async (tx) => {
    const t = await lockTicket(tx, opts.ticketId);
    if (opts.assigneeId !== null) {
      // The assignee handles tickets and sees the ticket's region (server/policy/region-scope.ts).
      const [s] = await queryRows<{ id: number }>(
        tx,
        sql`select u.id from staff_users u
            where u.id = ${opts.assigneeId} and u.active and u.role in (${sql.join(
              SUPPORT_ROLES.map((r) => sql`${r}`),
              sql`, `,
            )}) and ${staffUserSeesRegion(t.regionId)}`,
      );
      if (!s) throw new AppError('assignee_invalid');
    }
    const [updated] = await tx
      .update(supportTickets)
      .set({
        assigneeId: opts.assigneeId,
        status: opts.assigneeId !== null && t.status === 'new' ? 'in_progress' : t.status,
        updatedAt: new Date(),
      })
      .where(eq(supportTickets.id, t.id))
      .returning();
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'support.assign',
      entity: 'support_ticket',
      entityId: t.id,
      before: { assigneeId: t.assigneeId, status: t.status },
      after: { assigneeId: updated!.assigneeId, status: updated!.status },
      ip: opts.ip,
    });
    await publishSupportEvent(tx, {
      ticketId: t.id,
      accountId: t.accountId,
      regionId: t.regionId,
      kind: 'assigned',
      subscriber: t.status !== updated!.status,
    });
    return updated!;
  });
}
