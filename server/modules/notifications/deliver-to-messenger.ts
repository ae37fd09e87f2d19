import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { Messenger } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { enqueue } from '../../jobs/queue.js';
import { outboxDeliveries } from '../../metrics/metrics.js';
import { TEXTS } from '../messengers/bot-texts.js';
import { MessengerError, type Screen } from '../messengers/messenger.js';
import { loadFiles } from '../messengers/ticket-from-chat.js';
import { deliverJob } from './deliver.job.js';
import { channelsByType, defaultChannels } from './notice-settings.js';
import { type OutboxMeta, writeMessage } from './notify.js';
import { NOTICE_TYPE_OF, type TemplateCode } from './templates.js';

export interface MessengerRow {
  id: number;
  account_id: number | null;
  channel: Messenger;
  address: string;
  template: TemplateCode;
  lang: Lang;
  body: string;
  notice_id: number | null;
  meta: OutboxMeta | null;
}

/** Flood-control waits one message may take before it counts as not delivered. */
const MAX_FLOOD_WAITS = 20;

/**
 * Delivers one messenger message of a notice (docs/notifications.md, "Telegram first, SMS as the
 * fallback"). Each attempt is the outbox row's: `sent` when the messenger took it; on flood control
 * (Telegram 429) the row waits `retry_after` in a new job and no attempt is used; a blocked bot (403)
 * or a chat that is gone (400) marks the chat and fails the row at once, as does a refusal (the
 * message itself is wrong); no answer retries with the queue's backoff up to the last attempt. A failed
 * row gives the notice to SMS when no other chat of the notice has it and SMS is chosen for its type.
 * A support answer comes as the answer's text with a reply button, then its files.
 */
export async function deliverToMessenger(
  ctx: { db: Db; deps: AppDeps; attempt: number; jobId: number; maxAttempts: number; deferred: number },
  m: MessengerRow,
): Promise<void> {
  const { db, deps } = ctx;
  const channel = deps.messengers.channels[m.channel];
  const [link] = await queryRows<{ chat_row_id: number }>(
    db,
    sql`select c.id as chat_row_id from messenger_chats c join messenger_links l on l.chat_row_id = c.id
        where c.messenger = ${m.channel} and c.chat_id = ${m.address} and l.account_id = ${m.account_id ?? 0}
          and c.blocked_at is null`,
  );
  if (!channel || !link) {
    // Unlinked or blocked since the notice was written, or the bot is no longer configured.
    await fail(
      db,
      m,
      !channel ? `${m.channel} is not configured` : 'the chat is no longer linked or the bot is blocked',
    );
    return;
  }
  try {
    const answerTo = m.template === 'support_reply' ? m.meta?.ticketId : undefined;
    const t = TEXTS[m.lang];
    const screen: Screen = {
      lines: [m.body],
      buttons: answerTo
        ? [
            [
              { label: t.reply, action: `tr:${answerTo}` },
              { label: t.tickets, action: `t:${answerTo}` },
            ],
          ]
        : [[{ label: t.menu, action: 'm' }]],
    };
    await channel.send(m.address, screen);
    await db.execute(
      sql`update outbox set state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = null
          where id = ${m.id} and state = 'queued'`,
    );
    outboxDeliveries.inc({ channel: m.channel, outcome: 'sent' });
  } catch (e) {
    if (!(e instanceof MessengerError)) throw e;
    if (e.failure === 'rate_limited' && ctx.deferred < MAX_FLOOD_WAITS) {
      // Telegram's flood control: again after retry_after, not a failed attempt.
      outboxDeliveries.inc({ channel: m.channel, outcome: 'throttled' });
      await db.execute(sql`update outbox set last_error = ${e.message} where id = ${m.id} and state = 'queued'`);
      await enqueue(
        db,
        deliverJob,
        { outboxId: m.id, deferred: ctx.deferred + 1 },
        { key: `deliver:${m.id}:after:${ctx.jobId}`, runAt: new Date(Date.now() + (e.retryAfterSeconds ?? 1) * 1000) },
      );
      return;
    }
    if (e.failure === 'blocked' || e.failure === 'chat_gone')
      await db.execute(sql`update messenger_chats set blocked_at = now() where id = ${link.chat_row_id}`);
    if (e.failure === 'unavailable' && ctx.attempt < ctx.maxAttempts) {
      outboxDeliveries.inc({ channel: m.channel, outcome: 'retry' });
      await db.execute(
        sql`update outbox set attempts = attempts + 1, last_error = ${e.message} where id = ${m.id} and state = 'queued'`,
      );
      throw e;
    }
    await fail(db, m, e.message);
    return;
  }
  // The answer's files after its text; a file Telegram refuses does not undo the text that arrived.
  if (m.meta?.messageId && m.account_id) {
    try {
      const ids = await queryRows<{ id: number }>(
        db,
        sql`select id from support_attachments where message_id = ${m.meta.messageId} order by id`,
      );
      const files = await loadFiles(
        { db, config: deps.config },
        m.account_id,
        ids.map((r) => r.id),
      );
      for (const f of files) await channel.sendFile(m.address, f);
    } catch (e) {
      await db.execute(sql`update outbox set last_error = ${`files: ${String(e)}`} where id = ${m.id}`);
    }
  }
}

/** The row failed: say why, and hand the notice to SMS when nothing else will deliver it. */
async function fail(db: Db, m: MessengerRow, error: string) {
  outboxDeliveries.inc({ channel: m.channel, outcome: 'failed' });
  await inTransaction(db, async (tx) => {
    const failed = await queryRows<{ id: number }>(
      tx,
      sql`update outbox set state = 'failed', attempts = attempts + 1, last_error = ${error}
          where id = ${m.id} and state = 'queued' returning id`,
    );
    if (failed.length > 0) await fallBackToSms(tx, m);
  });
}

/**
 * Writes the notice's SMS when none of its messenger messages is delivered or still on its way, SMS is
 * chosen for the notice's type, and the notice has no SMS yet. The notice's first row is locked while
 * deciding, so two chats failing at once write one SMS.
 */
async function fallBackToSms(tx: Db, m: MessengerRow) {
  if (m.notice_id === null || m.account_id === null) return;
  await tx.execute(sql`select id from outbox where id = ${m.notice_id} for update`);
  const [state] = await queryRows<{ alive: number; sms: number }>(
    tx,
    sql`select count(*) filter (where channel <> 'sms' and state in ('queued', 'sent', 'delivered'))::int as alive,
               count(*) filter (where channel = 'sms')::int as sms
        from outbox where account_id = ${m.account_id} and notice_id = ${m.notice_id}
          and channel in ('sms', 'telegram') and id <> ${m.id}`,
  );
  if (!state || state.alive > 0 || state.sms > 0) return;
  const [s] = await queryRows<{
    subscriber_id: number;
    phone: string | null;
    notify_email: number;
    notify_sms: number;
  }>(
    tx,
    sql`select s.id as subscriber_id, s.phone, s.notify_email, s.notify_sms
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        where a.id = ${m.account_id}`,
  );
  const type = NOTICE_TYPE_OF[m.template];
  if (!s?.phone || type === 'direct') return;
  const chosen = (await channelsByType(tx, s.subscriber_id, defaultChannels(s)))[type];
  if (!chosen.includes('sms')) return;
  await writeMessage(tx, {
    accountId: m.account_id,
    channel: 'sms',
    address: s.phone,
    template: m.template,
    lang: m.lang,
    params: m.meta?.params ?? {},
    noticeId: m.notice_id,
    meta: null,
    fallbackOf: m.id,
  });
}
