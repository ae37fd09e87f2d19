import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { queryRows } from '../../db/client.js';
import { SmppThrottledError } from '../../integrations/sms/smpp-client.js';
import { defineJob, JobDeferred } from '../../jobs/queue.js';
import { outboxDeliveries } from '../../metrics/metrics.js';
import { deliverToMessenger, type MessengerRow } from './deliver-to-messenger.js';

export const DELIVERY_ATTEMPTS = 5;

/**
 * Sends one outbox message by its channel. An SMSC that throttles (ESME_RTHROTTLED, ESME_RMSGQFUL) is
 * waited out by the SMPP client; past its budget the job goes back to the queue without using an attempt.
 * A failure is retried by the queue with backoff; after the
 * last attempt (or at once, for a text no SMS can carry) the message is marked failed with the
 * gateway's error. An SMS goes out in parts: each accepted part is recorded with the SMSC's
 * message_id, so a retry after a dropped connection sends only the missing parts, and the delivery
 * receipts (record-sms-receipt.ts) can settle the message. A messenger message (Telegram) goes through
 * deliver-to-messenger.ts: flood control waits without using a try, and a message that cannot be
 * delivered hands the notice to SMS. Without a configured channel (development)
 * the message is kept as sent to the dev sink and shown at /dev/outbox.
 */
export const deliverJob = defineJob({
  name: 'notifications.deliver',
  // `deferred`: how many times a messenger's flood control (429 retry_after) has put this message off.
  payload: z.object({ outboxId: z.number().int(), deferred: z.number().int().min(0).optional() }),
  maxAttempts: DELIVERY_ATTEMPTS,
  // Several messages in flight at once: the SMPP client keeps to the SMSC's window and rate (SMPP_WINDOW,
  // SMPP_SEND_RATE), so a billing day's notices go out as fast as the SMSC takes them.
  concurrency: 16,
  async handler({ outboxId, deferred }, { db, deps, attempt, jobId }) {
    const [m] = await queryRows<
      Omit<MessengerRow, 'channel'> & {
        channel: string;
        subject: string;
        state: string;
        sent_parts: number[] | null;
      }
    >(
      db,
      sql`select id, account_id, channel, address, template, lang, subject, body, state, notice_id, meta,
                 (select array_agg(seq) from sms_parts p where p.outbox_id = o.id) as sent_parts
          from outbox o where id = ${outboxId}`,
    );
    if (!m || m.state !== 'queued') return;
    if (m.channel === 'telegram') {
      const ctx = { db, deps, attempt, jobId, maxAttempts: DELIVERY_ATTEMPTS, deferred: deferred ?? 0 };
      return deliverToMessenger(ctx, { ...m, channel: m.channel });
    }
    const sms = deps.notifier.sms;
    const email = deps.notifier.email;
    const sender = m.channel === 'email' ? email : sms;
    try {
      if (m.channel === 'email' && email) await email.send({ to: m.address, subject: m.subject, text: m.body });
      else if (m.channel === 'sms' && sms) {
        await sms.send(
          { to: m.address, text: m.body, reference: outboxId },
          {
            skipParts: new Set(m.sent_parts ?? []),
            onPart: async (p) => {
              await db.execute(
                sql`insert into sms_parts (outbox_id, seq, total, message_id) values (${outboxId}, ${p.seq}, ${p.total}, ${p.messageId})
                    on conflict (outbox_id, seq) do nothing`,
              );
            },
          },
        );
      } else if (deps.config.NODE_ENV === 'production') throw new Error(`${m.channel} delivery is not configured`);
      await db.execute(
        sql`update outbox set state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = ${sender ? null : 'dev sink: channel not configured'}
            where id = ${outboxId} and state = 'queued'`,
      );
      outboxDeliveries.inc({ channel: m.channel, outcome: 'sent' });
    } catch (e) {
      if (e instanceof SmppThrottledError) {
        // The SMSC asked to slow down and took none of the remaining parts: later, without using a try.
        outboxDeliveries.inc({ channel: m.channel, outcome: 'throttled' });
        await db.execute(sql`update outbox set last_error = ${e.message} where id = ${outboxId} and state = 'queued'`);
        throw new JobDeferred(Math.max(1000, e.retryAfterMs), e.message);
      }
      const error = e instanceof Error ? e.message : String(e);
      const permanent = e instanceof Error && (e as { permanent?: boolean }).permanent === true;
      const final = permanent || attempt >= DELIVERY_ATTEMPTS;
      outboxDeliveries.inc({ channel: m.channel, outcome: final ? 'failed' : 'retry' });
      await db.execute(
        sql`update outbox set attempts = attempts + 1, last_error = ${error}, state = ${final ? 'failed' : 'queued'}
            where id = ${outboxId} and state = 'queued'`,
      );
      if (!permanent) throw e;
    }
  },
});
