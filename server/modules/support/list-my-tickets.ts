import { and, desc, eq, lt, sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { supportCategories, supportTickets } from '../../db/schema/index.js';
import { ticketSummary } from './ticket-views.js';

/** The subscriber's tickets, newest first, with unread answers per ticket and in total. */
export async function listMyTickets(db: Db, opts: { accountId: number; before?: number; limit: number }) {
  const rows = await db
    .select({ t: supportTickets, nameRu: supportCategories.nameRu, nameEn: supportCategories.nameEn })
    .from(supportTickets)
    .innerJoin(supportCategories, eq(supportCategories.id, supportTickets.categoryId))
    .where(
      and(eq(supportTickets.accountId, opts.accountId), opts.before ? lt(supportTickets.id, opts.before) : undefined),
    )
    .orderBy(desc(supportTickets.id))
    .limit(opts.limit);
  return {
    tickets: rows.map((r) => ({
      ...ticketSummary(r.t),
      category: { nameRu: r.nameRu, nameEn: r.nameEn },
      unread: r.t.unreadSubscriber,
    })),
    unread: await myUnread(db, opts.accountId),
  };
}

/** Answers from support the subscriber has not opened yet, over all their tickets. */
export async function myUnread(db: Db, accountId: number): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`coalesce(sum(${supportTickets.unreadSubscriber}), 0)::int` })
    .from(supportTickets)
    .where(eq(supportTickets.accountId, accountId));
  return Number(r?.n ?? 0);
}
