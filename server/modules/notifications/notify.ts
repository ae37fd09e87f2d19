import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import type { NoticeChannel } from '../../../common/notice-types.js';
import { type Db, queryRows } from '../../db/client.js';
import type { Channel } from '../../db/schema/index.js';
import { enqueue } from '../../jobs/queue.js';
import { deliverJob } from './deliver.job.js';
import { channelsByType, defaultChannels } from './notice-settings.js';
import { NOTICE_TYPE_OF, render, type TemplateCode, type TemplateParam } from './templates.js';

/** What a messenger row keeps besides its text: the template's parameters (for an SMS fallback), a support answer's ids. */
export interface OutboxMeta {
  params?: Record<string, TemplateParam>;
  ticketId?: number;
  messageId?: number;
}

/**
 * Tells a subscriber something: always into the cabinet inbox, and by the channels the subscriber
 * chose for the notice's type (docs/notifications.md): e-mail when there is an address; a linked
 * messenger chat first — one message per chat whose bot is not blocked — with SMS only as the fallback
 * when none of them gets it (deliver-to-messenger.ts); SMS at once when no chat can take it. Rows and
 * delivery jobs are written in the caller's transaction, so a notice exists exactly when the change
 * that caused it does; the rows of one notice share `notice_id`.
 */
export async function notify(
  db: Db,
  opts: {
    accountId: number;
    template: TemplateCode;
    params: Record<string, TemplateParam>;
    channels?: Channel[];
    /** What a messenger message carries besides text (a support answer's ticket and message). */
    meta?: Omit<OutboxMeta, 'params'>;
  },
) {
  const [s] = await queryRows<{
    subscriber_id: number;
    email: string | null;
    phone: string | null;
    notify_email: number;
    notify_sms: number;
    lang: Lang;
  }>(
    db,
    sql`select s.id as subscriber_id, s.email, s.phone, s.notify_email, s.notify_sms, s.lang
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id where a.id = ${opts.accountId}`,
  );
  if (!s) return [];
  const type = NOTICE_TYPE_OF[opts.template];
  const chosen: NoticeChannel[] =
    type === 'direct' ? ['email', 'sms'] : (await channelsByType(db, s.subscriber_id, defaultChannels(s)))[type];
  const wanted = opts.channels ?? ['inbox', 'email', 'sms', 'telegram'];
  const wants = (c: NoticeChannel) => wanted.includes(c) && chosen.includes(c);
  const chats = wants('telegram')
    ? await queryRows<{ chat_id: string }>(
        db,
        sql`select c.chat_id from messenger_links l join messenger_chats c on c.id = l.chat_row_id
            where l.account_id = ${opts.accountId} and c.messenger = 'telegram' and c.blocked_at is null order by l.id`,
      )
    : [];
  const targets: { channel: Channel; address: string | null }[] = [];
  if (wanted.includes('inbox')) targets.push({ channel: 'inbox', address: null });
  if (wants('email') && s.email) targets.push({ channel: 'email', address: s.email });
  for (const c of chats) targets.push({ channel: 'telegram', address: c.chat_id });
  // SMS waits as the fallback while a messenger chat can take the notice (deliver-to-messenger.ts).
  if (wants('sms') && s.phone && chats.length === 0) targets.push({ channel: 'sms', address: s.phone });
  const ids: number[] = [];
  for (const t of targets)
    ids.push(
      await writeMessage(db, {
        accountId: opts.accountId,
        ...t,
        template: opts.template,
        lang: s.lang,
        params: opts.params,
        noticeId: ids[0] ?? null,
        meta: t.channel === 'telegram' ? { ...opts.meta, params: opts.params } : null,
      }),
    );
  return ids;
}

/** A message to one address regardless of preferences (codes: recovery, contact confirmation). */
export async function sendDirect(
  db: Db,
  opts: {
    accountId: number | null;
    channel: 'email' | 'sms';
    address: string;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, string | number>;
  },
): Promise<number> {
  return writeMessage(db, { ...opts, noticeId: null, meta: null });
}

/**
 * Many direct messages at once (a batch of cabinet passwords after an import): the outbox rows and their
 * delivery jobs in two statements, in the caller's transaction.
 */
export async function sendDirectMany(
  db: Db,
  messages: {
    accountId: number;
    channel: 'email' | 'sms';
    address: string;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, string | number>;
  }[],
): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => {
    const { subject, text } = render(m.template, m.lang, m.params);
    return {
      account_id: m.accountId,
      channel: m.channel,
      address: m.address,
      template: m.template,
      lang: m.lang,
      subject,
      body: text,
    };
  });
  const ids = await queryRows<{ id: number }>(
    db,
    sql`insert into outbox (account_id, channel, address, template, lang, subject, body, state)
        select account_id, channel, address, template, lang, subject, body, 'queued'
        from json_to_recordset(${JSON.stringify(rows)}::json)
          as x(account_id int8, channel text, address text, template text, lang text, subject text, body text)
        returning id`,
  );
  const list = ids.map((r) => r.id);
  // Each starts a notice of its own (see writeMessage).
  await db.execute(sql`update outbox set notice_id = id where id = any(${`{${list.join(',')}}`}::int8[])`);
  await db.execute(
    sql`insert into jobs (name, key, payload, max_attempts)
        select ${deliverJob.name}, 'deliver:' || id, jsonb_build_object('outboxId', id), ${deliverJob.maxAttempts ?? 5}
        from unnest(${`{${list.join(',')}}`}::int8[]) as t(id)
        on conflict (key) do nothing`,
  );
  return list;
}

/**
 * One outbox row and its delivery job. `noticeId` null: this row starts a notice (its id is the
 * notice's); `fallbackOf`: an SMS sent because that messenger message was not delivered.
 */
export async function writeMessage(
  db: Db,
  m: {
    accountId: number | null;
    channel: Channel;
    address: string | null;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, TemplateParam>;
    noticeId: number | null;
    meta: OutboxMeta | null;
    fallbackOf?: number;
  },
): Promise<number> {
  const { subject, text } = render(m.template, m.lang, m.params, { messenger: m.channel === 'telegram' });
  const inbox = m.channel === 'inbox';
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into outbox (account_id, channel, address, template, lang, subject, body, state, sent_at, notice_id, fallback_of, meta)
        values (${m.accountId}, ${m.channel}, ${m.address}, ${m.template}, ${m.lang}, ${subject}, ${text},
                ${inbox ? 'sent' : 'queued'}, ${inbox ? sql`now()` : null}, ${m.noticeId}, ${m.fallbackOf ?? null},
                ${m.meta ? JSON.stringify(m.meta) : null}::jsonb)
        returning id`,
  );
  if (m.noticeId === null) await db.execute(sql`update outbox set notice_id = id where id = ${row!.id}`);
  if (!inbox) await enqueue(db, deliverJob, { outboxId: row!.id }, { key: `deliver:${row!.id}` });
  return row!.id;
}
