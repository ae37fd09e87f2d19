import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { queryRows } from '../../db/client.js';
import { defineJob } from '../../jobs/queue.js';
import { outboxDeliveries } from '../../metrics/metrics.js';

export const DELIVERY_ATTEMPTS = 5;

/**
 * Sends one outbox message by its channel. A failure is retried by the queue with backoff; after the
 * last attempt the message is marked failed with the gateway's error. Without a configured channel
 * (development) the message is kept as sent to the dev sink and shown at /dev/outbox.
 */
export const deliverJob = defineJob({
  name: 'notifications.deliver',
  payload: z.object({ outboxId: z.number().int() }),
  maxAttempts: DELIVERY_ATTEMPTS,
  async handler({ outboxId }, { db, deps, attempt }) {
    const [m] = await queryRows<{ channel: string; address: string; subject: string; body: string; state: string }>(
      db,
      sql`select channel, address, subject, body, state from outbox where id = ${outboxId}`,
    );
    if (!m || m.state !== 'queued') return;
    const sender = m.channel === 'email' ? deps.notifier.email : deps.notifier.sms;
    try {
      if (sender && m.channel === 'email')
        await deps.notifier.email!.send({ to: m.address, subject: m.subject, text: m.body });
      else if (sender) await deps.notifier.sms!.send({ to: m.address, text: m.body });
      else if (deps.config.NODE_ENV === 'production') throw new Error(`${m.channel} delivery is not configured`);
      await db.execute(
        sql`update outbox set state = 'sent', sent_at = now(), attempts = attempts + 1, last_error = ${sender ? null : 'dev sink: channel not configured'}
            where id = ${outboxId}`,
      );
      outboxDeliveries.inc({ channel: m.channel, outcome: 'sent' });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const final = attempt >= DELIVERY_ATTEMPTS;
      outboxDeliveries.inc({ channel: m.channel, outcome: final ? 'failed' : 'retry' });
      await db.execute(
        sql`update outbox set attempts = attempts + 1, last_error = ${error}, state = ${final ? 'failed' : 'queued'} where id = ${outboxId}`,
      );
      throw e;
    }
  },
});
