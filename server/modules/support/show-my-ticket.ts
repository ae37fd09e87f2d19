import { and, eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import type { Db } from '../../db/client.js';
import { regions, supportCategories, supportTickets } from '../../db/schema/index.js';
import { estimateWait } from './estimate-wait.js';
import { subscriberThread, ticketSummary } from './ticket-views.js';

/**
 * A subscriber's own ticket with its thread (no staff notes), the expected wait while the first
 * answer has not come, and the hotline. Opening it marks the staff's answers read.
 */
export async function showMyTicket(db: Db, opts: { accountId: number; ticketId: number }) {
  const [row] = await db
    .update(supportTickets)
    .set({ unreadSubscriber: 0 })
    .where(and(eq(supportTickets.id, opts.ticketId), eq(supportTickets.accountId, opts.accountId)))
    .returning();
  if (!row) throw new AppError('ticket_not_found');
  const [ctx] = await db
    .select({ category: supportCategories, hotline: regions.supportPhone })
    .from(supportCategories)
    .innerJoin(regions, eq(regions.id, row.regionId))
    .where(eq(supportCategories.id, row.categoryId));
  const waiting = row.firstResponseAt === null && row.status !== 'closed';
  const reopenUntil =
    row.status === 'closed' && row.resolvedAt
      ? new Date(row.resolvedAt.getTime() + SUPPORT_LIMITS.reopenDays * 86_400_000)
      : null;
  return {
    ...ticketSummary(row),
    category: { nameRu: ctx!.category.nameRu, nameEn: ctx!.category.nameEn, isClaim: ctx!.category.isClaim },
    canReopen: reopenUntil !== null && reopenUntil > new Date(),
    hotline: ctx!.hotline,
    expectedWait: waiting
      ? await estimateWait(db, {
          regionId: row.regionId,
          categoryId: row.categoryId,
          slaMinutes: ctx!.category.firstResponseMinutes,
          ticket: { id: row.id, createdAt: row.createdAt },
        })
      : null,
    messages: await subscriberThread(db, row.id),
  };
}
