import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { supportMessages, supportTickets, type TicketStatus } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { notify } from '../notifications/notify.js';
import { publishSupportEvent } from './live.js';
import { linkAttachments, lockTicket, messageText } from './ticket-access.js';

export type MessageAuthor =
  | { type: 'subscriber'; accountId: number }
  | { type: 'staff'; staffId: number; internal: boolean; setStatus?: Exclude<TicketStatus, 'new'>; ip?: string };

/**
 * A message in a ticket's thread.
 * - Subscriber: only in their own ticket, not in a closed one (reopen first); a ticket waiting for
 *   them goes back to "in progress".
 * - Staff answer: the first one sets the first-response time; a new ticket goes "in progress"; an
 *   answer may set the next status at once (e.g. "waiting for subscriber"); the subscriber is told in
 *   the cabinet inbox and by the channel they chose.
 * - Staff note (`internal`): seen by staff only, changes no status, tells nobody outside.
 */
export async function addMessage(
  db: Db,
  config: Pick<Config, 'publicUrl'>,
  opts: { ticketId: number; author: MessageAuthor; text: string; attachmentIds: number[] },
) {
  return inTransaction(db, async (tx) => {
    const a = opts.author;
    const t = await lockTicket(tx, opts.ticketId, a.type === 'subscriber' ? a.accountId : undefined);
    const body = messageText(opts.text, opts.attachmentIds.length > 0);
    const internal = a.type === 'staff' && a.internal;
    if (a.type === 'subscriber' && t.status === 'closed') throw new AppError('ticket_closed');
    const now = new Date();
    const [message] = await tx
      .insert(supportMessages)
      .values({
        ticketId: t.id,
        authorType: a.type,
        staffId: a.type === 'staff' ? a.staffId : null,
        internal,
        body,
        createdAt: now,
      })
      .returning();
    await linkAttachments(tx, {
      ids: opts.attachmentIds,
      owner: a.type === 'staff' ? { staffId: a.staffId } : { accountId: a.accountId },
      messageId: message!.id,
      ticketId: t.id,
    });

    const change: Partial<typeof supportTickets.$inferInsert> = { updatedAt: now };
    if (a.type === 'subscriber') {
      change.unreadStaff = sql`${supportTickets.unreadStaff} + 1` as unknown as number;
      change.lastMessageAt = now;
      if (t.status === 'waiting') change.status = 'in_progress';
    } else if (!internal) {
      change.unreadSubscriber = sql`${supportTickets.unreadSubscriber} + 1` as unknown as number;
      change.lastMessageAt = now;
      if (!t.firstResponseAt) change.firstResponseAt = now;
      const next = a.setStatus ?? (t.status === 'new' || t.status === 'closed' ? 'in_progress' : t.status);
      Object.assign(change, statusChange(t.status, next, 'staff', now));
      if (t.assigneeId === null) change.assigneeId = a.staffId;
    }
    const [updated] = await tx.update(supportTickets).set(change).where(eq(supportTickets.id, t.id)).returning();

    if (a.type === 'staff') {
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: a.staffId,
        action: internal ? 'support.note' : 'support.reply',
        entity: 'support_ticket',
        entityId: t.id,
        before: { status: t.status },
        after: { status: updated!.status, messageId: message!.id },
        ip: a.ip,
      });
      if (!internal) {
        await notify(tx, {
          accountId: t.accountId,
          template: 'support_reply',
          params: {
            ticket: t.id,
            subject: t.subject,
            link: `${config.publicUrl}/cabinet/feedback/${t.id}`,
            answer: body,
          },
          // A messenger chat gets the answer itself, its files and a reply button.
          meta: { ticketId: t.id, messageId: message!.id },
        });
      }
    }
    await publishSupportEvent(tx, {
      ticketId: t.id,
      accountId: t.accountId,
      regionId: t.regionId,
      kind: internal ? 'note' : 'message',
      subscriber: !internal,
    });
    return { ticket: updated!, messageId: message!.id };
  });
}

/**
 * The status flow: new → in progress → waiting for subscriber → closed; waiting and in progress go
 * both ways; a closed ticket is reopened into "in progress" (or "new" if nobody has answered yet).
 * Returns the columns to set, or throws for a move that is not allowed.
 */
export function statusChange(
  from: TicketStatus,
  to: TicketStatus,
  by: 'subscriber' | 'staff',
  now: Date,
): Partial<typeof supportTickets.$inferInsert> {
  if (from === to) return {};
  const allowed =
    by === 'staff'
      ? to !== 'new'
      : (to === 'closed' && from !== 'closed') || (from === 'closed' && (to === 'in_progress' || to === 'new'));
  if (!allowed) throw new AppError('ticket_status_invalid', { from: STATUS_WORDS[from], to: STATUS_WORDS[to] });
  if (to === 'closed') return { status: to, resolvedAt: now, closedBy: by };
  if (from === 'closed') {
    return {
      status: to,
      resolvedAt: null,
      closedBy: null,
      reopenCount: sql`${supportTickets.reopenCount} + 1` as unknown as number,
    };
  }
  return { status: to };
}

const STATUS_WORDS: Record<TicketStatus, { ru: string; en: string }> = {
  new: { ru: 'новое', en: 'new' },
  in_progress: { ru: 'в работе', en: 'in progress' },
  waiting: { ru: 'ждёт ответа абонента', en: 'waiting for subscriber' },
  closed: { ru: 'закрыто', en: 'closed' },
};
