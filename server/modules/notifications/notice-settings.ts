import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { NOTICE_CHANNELS, NOTICE_TYPES, type NoticeChannel, type NoticeType } from '../../../common/notice-types.js';
import { type Db, queryRows } from '../../db/client.js';
import type { Messenger } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';

interface Person {
  subscriber_id: number;
  email: string | null;
  phone: string | null;
  notify_email: number;
  notify_sms: number;
}

async function personOf(db: Db, accountId: number): Promise<Person> {
  const [p] = await queryRows<Person>(
    db,
    sql`select s.id as subscriber_id, s.email, s.phone, s.notify_email, s.notify_sms
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        where a.id = ${accountId}`,
  );
  if (!p) throw new AppError('account_not_found', { account: accountId });
  return p;
}

/** A type nobody chose for yet: e-mail and SMS as the profile says, and every linked messenger. */
export function defaultChannels(p: { notify_email: number; notify_sms: number }): NoticeChannel[] {
  return NOTICE_CHANNELS.filter((c) =>
    c === 'email' ? p.notify_email === 1 : c === 'sms' ? p.notify_sms === 1 : true,
  );
}

/** The channels chosen for every notice type (a stored choice, or the defaults). */
export async function channelsByType(db: Db, subscriberId: number, defaults: NoticeChannel[]) {
  const rows = await queryRows<{ notice_type: string; channels: string[] }>(
    db,
    sql`select notice_type, channels from notice_preferences where subscriber_id = ${subscriberId}`,
  );
  const chosen = new Map(rows.map((r) => [r.notice_type, r.channels]));
  return Object.fromEntries(
    NOTICE_TYPES.map((t) => [t, NOTICE_CHANNELS.filter((c) => (chosen.get(t) ?? defaults).includes(c))]),
  ) as Record<NoticeType, NoticeChannel[]>;
}

/**
 * The notification settings page: per notice type the chosen channels; which channels can work now
 * (an e-mail and a phone on file, a linked messenger chat and whether its bot is blocked); and the
 * latest deliveries outside the inbox with their state — an SMS sent because a messenger message was
 * not delivered is marked as the fallback.
 */
export async function getNoticeSettings(db: Db, opts: { accountId: number; messengers: Messenger[] }) {
  const p = await personOf(db, opts.accountId);
  const chats = await queryRows<{ messenger: Messenger; linked: number; blocked: number }>(
    db,
    sql`select c.messenger, count(*)::int as linked, count(c.blocked_at)::int as blocked
        from messenger_links l join messenger_chats c on c.id = l.chat_row_id
        where l.account_id = ${opts.accountId} group by c.messenger`,
  );
  const recent = await queryRows<{
    id: number;
    channel: string;
    subject: string;
    state: string;
    created_at: Date | string;
    fallback_of: number | null;
    last_error: string | null;
  }>(
    db,
    sql`select id, channel, subject, state, created_at, fallback_of, last_error from outbox
        where account_id = ${opts.accountId} and channel in ('email', 'sms', 'telegram')
        order by id desc limit 10`,
  );
  const types = await channelsByType(db, p.subscriber_id, defaultChannels(p));
  return {
    types: NOTICE_TYPES.map((type) => ({ type, channels: types[type] })),
    channels: {
      email: { ready: p.email !== null && p.email !== '' },
      sms: { ready: p.phone !== null && p.phone !== '' },
      telegram: {
        configured: opts.messengers.includes('telegram'),
        linked: chats.find((c) => c.messenger === 'telegram')?.linked ?? 0,
        blocked: chats.find((c) => c.messenger === 'telegram')?.blocked ?? 0,
      },
    },
    recent: recent.map((r) => ({
      id: r.id,
      channel: r.channel as 'email' | 'sms' | 'telegram',
      subject: r.subject,
      state: r.state as 'queued' | 'sent' | 'failed' | 'delivered' | 'undelivered',
      createdAt: new Date(r.created_at).toISOString(),
      fallback: r.fallback_of !== null,
      // Telegram's words of a refusal ("bot was blocked by the user") are what the person can act on.
      problem: r.state === 'failed' || r.state === 'undelivered' ? (r.last_error ?? null) : null,
    })),
  };
}

/** Saves the choice for the types given (the others keep theirs). */
export async function setNoticeSettings(
  db: Db,
  opts: { accountId: number; types: { type: NoticeType; channels: NoticeChannel[] }[] },
) {
  const p = await personOf(db, opts.accountId);
  await inTransaction(db, (tx) => setNoticeSettingsFor(tx, p.subscriber_id, opts.types));
}

/**
 * The profile's "e-mail" / "SMS" switches act on every type at once: on adds the channel to each type,
 * off takes it away from each; the profile flag keeps the same answer for types chosen later.
 */
export async function setChannelForAllTypes(db: Db, subscriberId: number, channel: 'email' | 'sms', on: boolean) {
  const p = await queryRows<Person>(
    db,
    sql`select id as subscriber_id, email, phone, notify_email, notify_sms from subscribers where id = ${subscriberId}`,
  );
  if (!p[0]) return;
  const types = await channelsByType(db, subscriberId, defaultChannels(p[0]));
  await setNoticeSettingsFor(
    db,
    subscriberId,
    NOTICE_TYPES.map((type) => ({
      type,
      channels: on ? [...new Set([...types[type], channel])] : types[type].filter((c) => c !== channel),
    })),
  );
}

async function setNoticeSettingsFor(
  db: Db,
  subscriberId: number,
  types: { type: NoticeType; channels: NoticeChannel[] }[],
) {
  for (const t of types) {
    const channels = NOTICE_CHANNELS.filter((c) => t.channels.includes(c));
    await db.execute(
      sql`insert into notice_preferences (subscriber_id, notice_type, channels, updated_at)
          values (${subscriberId}, ${t.type}, ${`{${channels.join(',')}}`}::text[], now())
          on conflict (subscriber_id, notice_type) do update set channels = excluded.channels, updated_at = now()`,
    );
  }
}
