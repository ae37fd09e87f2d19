import { and, eq, inArray, isNull, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { SUPPORT_LIMITS } from '../../../common/support.js';
import { type Db, queryRows } from '../../db/client.js';
import { supportAttachments, supportTickets } from '../../db/schema/index.js';
import type { AttachmentOwner } from './upload-limits.js';

export type TicketRow = typeof supportTickets.$inferSelect;

/**
 * Locks a ticket for a change. A subscriber reaches only tickets of the account of their session
 * (`accountId`); anything else — another's ticket, no such ticket — is the same "not found".
 */
export async function lockTicket(tx: Db, id: number, accountId?: number): Promise<TicketRow> {
  const [t] = await tx
    .select()
    .from(supportTickets)
    .where(
      and(eq(supportTickets.id, id), accountId === undefined ? undefined : eq(supportTickets.accountId, accountId)),
    )
    .for('update');
  if (!t) throw new AppError('ticket_not_found');
  return t;
}

/**
 * Attaches the uploader's own pending uploads to a message. Ids that are someone else's, already
 * sent, or unknown are all "not found", and nothing is attached (the caller's transaction rolls back).
 */
export async function linkAttachments(
  tx: Db,
  opts: { ids: number[]; owner: AttachmentOwner; messageId: number; ticketId: number },
): Promise<void> {
  const ids = [...new Set(opts.ids)];
  if (ids.length === 0) return;
  if (ids.length > SUPPORT_LIMITS.attachmentsPerMessage) {
    throw new AppError('too_many_attachments', { max: SUPPORT_LIMITS.attachmentsPerMessage });
  }
  const owner =
    'accountId' in opts.owner
      ? eq(supportAttachments.ownerAccountId, opts.owner.accountId)
      : eq(supportAttachments.ownerStaffId, opts.owner.staffId);
  // A ticket holds at most SUPPORT_LIMITS.ticketBytes of files. The caller holds the ticket's row lock
  // (lockTicket, or the ticket is its own new row), so two messages cannot both fit the last megabytes.
  const [usage] = await queryRows<{ used: number; adding: number }>(
    tx,
    sql`select (select coalesce(sum(size), 0)::int8 from support_attachments where ticket_id = ${opts.ticketId}) as used,
               (select coalesce(sum(size), 0)::int8 from support_attachments
                 where id = any(${`{${ids.join(',')}}`}::int8[]) and message_id is null) as adding`,
  );
  if (Number(usage!.used) + Number(usage!.adding) > SUPPORT_LIMITS.ticketBytes)
    throw new AppError('ticket_files_quota', { max: SUPPORT_LIMITS.ticketBytes / 1024 / 1024 });
  const linked = await tx
    .update(supportAttachments)
    .set({ messageId: opts.messageId, ticketId: opts.ticketId })
    .where(and(inArray(supportAttachments.id, ids), owner, isNull(supportAttachments.messageId)))
    .returning({ id: supportAttachments.id });
  if (linked.length !== ids.length) throw new AppError('attachment_not_found');
}

/** The message text as stored: trimmed, not empty (unless files carry the message), within the limit. */
export function messageText(text: string, hasFiles: boolean): string {
  const body = text.replace(/\r\n?/g, '\n').trim();
  if (!body && !hasFiles) throw new AppError('message_empty');
  if (body.length > SUPPORT_LIMITS.messageChars) {
    throw new AppError('validation_failed', { details: `text: at most ${SUPPORT_LIMITS.messageChars} characters` });
  }
  return body;
}
