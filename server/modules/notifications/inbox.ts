import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { outbox } from '../../db/schema/index.js';

const mine = (accountId: number) => and(eq(outbox.accountId, accountId), eq(outbox.channel, 'inbox'));

export async function listInbox(db: Db, accountId: number, opts: { before?: number; limit: number }) {
  const rows = await db
    .select()
    .from(outbox)
    .where(and(mine(accountId), opts.before ? lt(outbox.id, opts.before) : undefined))
    .orderBy(desc(outbox.id))
    .limit(opts.limit);
  return rows.map((r) => ({
    id: r.id,
    subject: r.subject,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
    read: r.readAt !== null,
  }));
}

export async function unreadCount(db: Db, accountId: number): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(and(mine(accountId), isNull(outbox.readAt)));
  return Number(r?.n ?? 0);
}

/** Marks one of the subscriber's own messages read; another's is "not found". */
export async function markRead(db: Db, accountId: number, id: number): Promise<void> {
  const rows = await db
    .update(outbox)
    .set({ readAt: sql`coalesce(${outbox.readAt}, now())` })
    .where(and(mine(accountId), eq(outbox.id, id)))
    .returning({ id: outbox.id });
  if (rows.length === 0) throw new AppError('not_found');
}

export async function markAllRead(db: Db, accountId: number): Promise<void> {
  await db
    .update(outbox)
    .set({ readAt: sql`now()` })
    .where(and(mine(accountId), isNull(outbox.readAt)));
}

/** Development only: the e-mails and SMS that would have left the machine. */
export async function devOutbox(db: Db, limit = 50) {
  const rows = await db
    .select()
    .from(outbox)
    .where(sql`${outbox.channel} <> 'inbox'`)
    .orderBy(desc(outbox.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    address: r.address,
    subject: r.subject,
    body: r.body,
    state: r.state,
    createdAt: r.createdAt.toISOString(),
  }));
}
