import { and, asc, eq, inArray } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { staffUsers, supportAttachments, supportMessages } from '../../db/schema/index.js';
import type { TicketRow } from './ticket-access.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A ticket's thread. `audience: 'subscriber'` leaves out staff notes and their files at the query
 * (never filtered later); use subscriberThread for what a subscriber is sent.
 */
export async function loadThread(db: Db, ticketId: number, audience: 'subscriber' | 'staff') {
  const messages = await db
    .select({
      id: supportMessages.id,
      authorType: supportMessages.authorType,
      internal: supportMessages.internal,
      body: supportMessages.body,
      createdAt: supportMessages.createdAt,
      staffName: staffUsers.fullName,
    })
    .from(supportMessages)
    .leftJoin(staffUsers, eq(staffUsers.id, supportMessages.staffId))
    .where(
      and(
        eq(supportMessages.ticketId, ticketId),
        audience === 'subscriber' ? eq(supportMessages.internal, false) : undefined,
      ),
    )
    .orderBy(asc(supportMessages.id));
  const ids = messages.map((m) => m.id);
  const files = ids.length
    ? await db
        .select({
          id: supportAttachments.id,
          messageId: supportAttachments.messageId,
          fileName: supportAttachments.fileName,
          mime: supportAttachments.mime,
          size: supportAttachments.size,
        })
        .from(supportAttachments)
        .where(inArray(supportAttachments.messageId, ids))
        .orderBy(asc(supportAttachments.id))
    : [];
  return messages.map((m) => ({
    id: m.id,
    author: m.authorType,
    internal: m.internal,
    staffName: m.staffName,
    body: m.body,
    createdAt: m.createdAt.toISOString(),
    attachments: files
      .filter((f) => f.messageId === m.id)
      .map((f) => ({ id: f.id, fileName: f.fileName, mime: f.mime, size: f.size })),
  }));
}

/** The ticket fields both sides see. */
export function ticketSummary(t: TicketRow) {
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    categoryId: t.categoryId,
    claimNumber: t.claimNumber,
    claimDueOn: t.claimDueOn,
    createdAt: t.createdAt.toISOString(),
    firstResponseAt: iso(t.firstResponseAt),
    resolvedAt: iso(t.resolvedAt),
    lastMessageAt: t.lastMessageAt.toISOString(),
  };
}

/** SLA state now: a target is broken when its time passed without the answer / the closing. */
export function slaState(t: TicketRow, now = new Date()) {
  const firstBreached = (t.firstResponseAt ?? now) > t.firstResponseDueAt;
  const resolutionBreached = (t.resolvedAt ?? now) > t.resolutionDueAt;
  return {
    firstResponseDueAt: t.firstResponseDueAt.toISOString(),
    resolutionDueAt: t.resolutionDueAt.toISOString(),
    firstResponseBreached: firstBreached,
    resolutionBreached,
  };
}

/** What a subscriber is sent of a thread: no notes (left out by the query), no staff names. */
export async function subscriberThread(db: Db, ticketId: number) {
  const messages = await loadThread(db, ticketId, 'subscriber');
  return messages.map((m) => ({
    id: m.id,
    author: m.author,
    body: m.body,
    createdAt: m.createdAt,
    attachments: m.attachments,
  }));
}
