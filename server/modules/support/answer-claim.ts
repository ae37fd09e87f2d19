import { createHash } from 'node:crypto';

import { asc, eq, sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import {
  accounts,
  contracts,
  regions,
  staffUsers,
  subscribers,
  supportAttachments,
  supportMessages,
  supportTickets,
} from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { addMessage } from './add-message.js';
import type { FileStore } from './file-store.js';
import { renderClaimPdf } from './render-claim-pdf.js';

/**
 * Staff answer a claim: the answer is rendered as a PDF (number, dates, the claim, the decision, who
 * answered), posted in the thread as a staff answer with the PDF attached, and the claim is marked
 * answered. The ticket then waits for the subscriber (or is closed, if asked).
 */
export async function answerClaim(
  db: Db,
  deps: { config: Pick<Config, 'publicUrl'>; files: FileStore },
  opts: { ticketId: number; answer: string; close: boolean; staffId: number; ip?: string },
) {
  const [ctx] = await db
    .select({
      t: supportTickets,
      regionName: regions.nameRu,
      timeZone: regions.timeZone,
      supportPhone: regions.supportPhone,
      supportEmail: regions.supportEmail,
      subscriberName: subscribers.fullName,
      contract: contracts.number,
      account: accounts.number,
    })
    .from(supportTickets)
    .innerJoin(regions, eq(regions.id, supportTickets.regionId))
    .innerJoin(accounts, eq(accounts.id, supportTickets.accountId))
    .innerJoin(contracts, eq(contracts.id, accounts.contractId))
    .innerJoin(subscribers, eq(subscribers.id, contracts.subscriberId))
    .where(eq(supportTickets.id, opts.ticketId));
  if (!ctx) throw new AppError('ticket_not_found');
  if (!ctx.t.claimNumber) throw new AppError('not_a_claim');
  const answer = opts.answer.trim();
  if (!answer) throw new AppError('message_empty');
  const [first] = await db
    .select({ body: supportMessages.body })
    .from(supportMessages)
    .where(eq(supportMessages.ticketId, ctx.t.id))
    .orderBy(asc(supportMessages.id))
    .limit(1);
  const [staff] = await db
    .select({ name: staffUsers.fullName })
    .from(staffUsers)
    .where(eq(staffUsers.id, opts.staffId));
  const answeredOn = todayIn(ctx.timeZone);
  const pdf = await renderClaimPdf({
    claimNumber: ctx.t.claimNumber,
    registeredOn: todayIn(ctx.timeZone, ctx.t.createdAt),
    answeredOn,
    regionName: ctx.regionName,
    supportPhone: ctx.supportPhone,
    supportEmail: ctx.supportEmail,
    subscriberName: ctx.subscriberName,
    contractNumber: ctx.contract,
    accountNumber: ctx.account,
    claimText: first?.body ?? '',
    answer,
    staffName: staff?.name ?? '',
  });
  // The file is written before the transaction; if the transaction fails it is an unlinked upload,
  // removed by the daily clean-up like any other.
  const storageKey = await deps.files.put(pdf);
  const [upload] = await db
    .insert(supportAttachments)
    .values({
      ownerStaffId: opts.staffId,
      fileName: `Ответ на претензию ${ctx.t.claimNumber}.pdf`,
      mime: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      storageKey,
    })
    .returning({ id: supportAttachments.id });
  return inTransaction(db, async (tx) => {
    const result = await addMessage(tx, deps.config, {
      ticketId: ctx.t.id,
      author: {
        type: 'staff',
        staffId: opts.staffId,
        internal: false,
        setStatus: opts.close ? 'closed' : 'waiting',
        ip: opts.ip,
      },
      text: answer,
      attachmentIds: [upload!.id],
    });
    // The first answer is the one the deadline asked for; later ones add to it.
    const [t] = await tx
      .update(supportTickets)
      .set({ claimAnsweredAt: sql`coalesce(${supportTickets.claimAnsweredAt}, now())` })
      .where(eq(supportTickets.id, ctx.t.id))
      .returning();
    return { ticket: t!, messageId: result.messageId, attachmentId: upload!.id };
  });
}
