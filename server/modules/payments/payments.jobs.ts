import { z } from 'zod';

import { signTestAcquirer } from '../../integrations/acquiring/test-acquirer.js';
import { defineJob, enqueue } from '../../jobs/queue.js';
import { oncePerSlot, type PeriodicTask } from '../../jobs/scheduler.js';
import { reconcilePendingPayments } from './handle-notification.js';
import { announceAutopay, chargeDueAutopay } from './run-autopay.js';
import { expirePromisedPayments } from './settle-promised.js';
import { testAcquirerSecret } from './test-acquirer-secret.js';

/** The test acquirer's notification to our webhook, sent like a real bank would: over HTTP, signed, retried. */
export const testAcquirerNotifyJob = defineJob({
  name: 'payments.test-acquirer-notify',
  payload: z.object({ id: z.string(), event: z.string() }),
  maxAttempts: 8,
  async handler(payload, { deps }) {
    const body = JSON.stringify({ event: payload.event, object: { id: payload.id } });
    const res = await fetch(`${deps.config.publicUrl}/api/payments/webhooks/test-acquirer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signTestAcquirer(testAcquirerSecret(deps.config), body),
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  },
});

export const reconcilePaymentsJob = defineJob({
  name: 'payments.reconcile',
  payload: z.object({}),
  async handler(_p, { db, deps }) {
    await reconcilePendingPayments(db, deps);
  },
});

/** Every 5 minutes one reconciliation (keyed by the slot, so many processes enqueue it once). */
export const reconcilePaymentsTask = oncePerSlot(reconcilePaymentsJob, 300);

/** Hourly: announce upcoming autopay charges, then charge the due ones. */
export const autopayJob = defineJob({
  name: 'payments.autopay',
  payload: z.object({}),
  async handler(_p, { db, deps }) {
    await announceAutopay(db, deps);
    await chargeDueAutopay(db, deps);
  },
});

export const expirePromisedJob = defineJob({
  name: 'payments.expire-promised',
  payload: z.object({}),
  async handler(_p, { db }) {
    await expirePromisedPayments(db);
  },
});

export const autopayTask: PeriodicTask = {
  name: 'payments.autopay',
  everySeconds: 900,
  tick: async (db, now) => {
    const slot = Math.floor(now.getTime() / 900_000);
    await enqueue(db, autopayJob, {}, { key: `payments.autopay:${slot}` });
    await enqueue(db, expirePromisedJob, {}, { key: `payments.expire-promised:${slot}` });
  },
};
