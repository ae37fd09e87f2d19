import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import type { Db } from '../../db/client.js';
import { supportTickets, type TicketStatus } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { statusChange } from './add-message.js';
import { publishSupportEvent } from './live.js';
import { lockTicket } from './ticket-access.js';

/**
 * Moves a ticket along the status flow. A subscriber closes their own ticket or reopens it within
 * 30 days of closing (later they write a new one); staff set any status but "new" (audited).
 */
export async function changeStatus(
  db: Db,
  opts: {
    ticketId: number;
    to: TicketStatus;
    by: { type: 'subscriber'; accountId: number } | { type: 'staff'; staffId: number; ip?: string };
  },
) {
  return inTransaction(db, async (tx) => {
    const by = opts.by;
    const t = await lockTicket(tx, opts.ticketId, by.type === 'subscriber' ? by.accountId : undefined);
    let to = opts.to;
    if (t.status === 'closed' && to !== 'closed' && by.type === 'subscriber') {
      const closedDays = (Date.now() - (t.resolvedAt?.getTime() ?? Date.now())) / 86_400_000;
      if (closedDays > SUPPORT_LIMITS.reopenDays) {
        throw new AppError('ticket_reopen_expired', { days: SUPPORT_LIMITS.reopenDays });
      }
      to = t.firstResponseAt ? 'in_progress' : 'new';
    }
    const now = new Date();
    const change = statusChange(t.status, to, by.type, now);
    if (Object.keys(change).length === 0) return t;
    const [updated] = await tx
      .update(supportTickets)
      .set({ ...change, updatedAt: now })
      .where(eq(supportTickets.id, t.id))
      .returning();
    if (by.type === 'staff') {
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: by.staffId,
        action: 'support.status',
        entity: 'support_ticket',
        entityId: t.id,
        before: { status: t.status },
        after: { status: updated!.status },
        ip: by.ip,
      });
    }
    await publishSupportEvent(tx, {
      ticketId: t.id,
      accountId: t.accountId,
      regionId: t.regionId,
      kind: 'status',
      subscriber: true,
    });
    return updated!;
  });
}
