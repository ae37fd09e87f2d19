import { eq } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import type { Db } from '../../db/client.js';
import { accounts, regions, supportMessages, supportTickets } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { currentOutageOf } from '../outages/view-outages.js';
import { findRegionCategory } from './list-categories.js';
import { publishSupportEvent } from './live.js';
import { linkAttachments, messageText } from './ticket-access.js';

/**
 * A subscriber writes to support: a ticket in a category of their region with its first message and
 * files. SLA due times are fixed now from the category; a claim (претензия) is registered at once
 * with its number and the day by which it must be answered (30 days, 126-ФЗ art. 55 p. 7). A ticket
 * written during an outage of the subscriber's area is linked to it.
 */
export async function createTicket(
  db: Db,
  opts: { accountId: number; categoryId: number; subject: string; text: string; attachmentIds: number[] },
) {
  return inTransaction(db, async (tx) => {
    const [acc] = await tx
      .select({ regionId: accounts.regionId, timeZone: regions.timeZone })
      .from(accounts)
      .innerJoin(regions, eq(regions.id, accounts.regionId))
      .where(eq(accounts.id, opts.accountId));
    if (!acc) throw new AppError('account_not_found', { account: opts.accountId });
    const category = await findRegionCategory(tx, acc.regionId, opts.categoryId);
    if (!category) throw new AppError('support_category_not_found');
    const body = messageText(opts.text, opts.attachmentIds.length > 0);
    const subject = opts.subject.replace(/\s+/g, ' ').trim().slice(0, SUPPORT_LIMITS.subjectChars) || category.nameRu;

    const now = new Date();
    // Written during an outage of the subscriber's area: linked to it, so support sees why (docs/outages.md).
    const outageId = await currentOutageOf(tx, opts.accountId);
    const [ticket] = await tx
      .insert(supportTickets)
      .values({
        accountId: opts.accountId,
        regionId: acc.regionId,
        categoryId: category.id,
        subject,
        firstResponseDueAt: new Date(now.getTime() + category.firstResponseMinutes * 60_000),
        resolutionDueAt: new Date(now.getTime() + category.resolutionHours * 3_600_000),
        claimDueOn: category.isClaim ? addDays(todayIn(acc.timeZone, now), SUPPORT_LIMITS.claimAnswerDays) : null,
        unreadStaff: 1,
        outageId,
        createdAt: now,
        lastMessageAt: now,
        updatedAt: now,
      })
      .returning();
    let t = ticket!;
    if (category.isClaim) {
      // Registered at once (the law allows until the next working day): the number is the ticket's.
      const number = `П-${todayIn(acc.timeZone, now).slice(0, 4)}-${String(t.id).padStart(6, '0')}`;
      const [registered] = await tx
        .update(supportTickets)
        .set({ claimNumber: number })
        .where(eq(supportTickets.id, t.id))
        .returning();
      t = registered!;
    }
    const [message] = await tx
      .insert(supportMessages)
      .values({ ticketId: t.id, authorType: 'subscriber', body, createdAt: now })
      .returning({ id: supportMessages.id });
    await linkAttachments(tx, {
      ids: opts.attachmentIds,
      owner: { accountId: opts.accountId },
      messageId: message!.id,
      ticketId: t.id,
    });
    await publishSupportEvent(tx, {
      ticketId: t.id,
      accountId: opts.accountId,
      regionId: acc.regionId,
      kind: 'created',
      subscriber: true,
    });
    return t;
  });
}
