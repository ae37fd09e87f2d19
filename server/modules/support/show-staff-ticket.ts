import { and, desc, eq, ne } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import {
  accounts,
  contracts,
  outages,
  regions,
  staffUsers,
  subscribers,
  supportCategories,
  supportTickets,
} from '../../db/schema/index.js';
import { listCannedReplies } from './canned-replies.js';
import { loadThread, slaState, ticketSummary } from './ticket-views.js';

/**
 * A ticket as staff see it: the whole thread with notes, SLA state, the claim deadline, the
 * subscriber (with a link to their card) and their recent tickets, and the region's ready answers.
 * Opening it marks the subscriber's messages read for staff.
 */
export async function showStaffTicket(db: Db, ticketId: number) {
  const [t] = await db
    .update(supportTickets)
    .set({ unreadStaff: 0 })
    .where(eq(supportTickets.id, ticketId))
    .returning();
  if (!t) throw new AppError('ticket_not_found');
  const [ctx] = await db
    .select({
      category: supportCategories,
      account: accounts.number,
      contract: contracts.number,
      fullName: subscribers.fullName,
      phone: subscribers.phone,
      email: subscribers.email,
      regionRu: regions.nameRu,
      regionEn: regions.nameEn,
    })
    .from(supportCategories)
    .innerJoin(accounts, eq(accounts.id, t.accountId))
    .innerJoin(contracts, eq(contracts.id, accounts.contractId))
    .innerJoin(subscribers, eq(subscribers.id, contracts.subscriberId))
    .innerJoin(regions, eq(regions.id, t.regionId))
    .where(eq(supportCategories.id, t.categoryId));
  const c = ctx!;
  const [assignee] = t.assigneeId
    ? await db
        .select({ id: staffUsers.id, fullName: staffUsers.fullName })
        .from(staffUsers)
        .where(eq(staffUsers.id, t.assigneeId))
    : [];
  const recent = await db
    .select()
    .from(supportTickets)
    .where(and(eq(supportTickets.accountId, t.accountId), ne(supportTickets.id, t.id)))
    .orderBy(desc(supportTickets.id))
    .limit(10);
  const canned = await listCannedReplies(db, { regionId: t.regionId });
  const [outage] = t.outageId
    ? await db
        .select({
          id: outages.id,
          title: outages.title,
          state: outages.state,
          startsAt: outages.startsAt,
          expectedEndAt: outages.expectedEndAt,
          endedAt: outages.endedAt,
        })
        .from(outages)
        .where(eq(outages.id, t.outageId))
    : [];
  return {
    ...ticketSummary(t),
    ...slaState(t),
    claimAnsweredAt: t.claimAnsweredAt?.toISOString() ?? null,
    reopenCount: t.reopenCount,
    category: {
      id: c.category.id,
      nameRu: c.category.nameRu,
      nameEn: c.category.nameEn,
      isClaim: c.category.isClaim,
      firstResponseMinutes: c.category.firstResponseMinutes,
      resolutionHours: c.category.resolutionHours,
    },
    region: { id: t.regionId, nameRu: c.regionRu, nameEn: c.regionEn },
    assignee: assignee ?? null,
    outage: outage
      ? {
          ...outage,
          startsAt: outage.startsAt.toISOString(),
          expectedEndAt: outage.expectedEndAt.toISOString(),
          endedAt: outage.endedAt?.toISOString() ?? null,
        }
      : null,
    subscriber: {
      accountId: t.accountId,
      account: c.account,
      contract: c.contract,
      fullName: c.fullName,
      phone: c.phone,
      email: c.email,
    },
    recentTickets: recent.map(ticketSummary),
    cannedReplies: canned.map((r) => ({ id: r.id, title: r.title, body: r.body })),
    messages: await loadThread(db, t.id, 'staff'),
  };
}
