import { z } from 'zod';
import { defineJob, enqueue } from '../../jobs/queue.js';
import type { PeriodicTask } from '../../jobs/scheduler.js';
import { settlePendingCardRefunds } from './refund-card-payment.js';

/** Card refunds the provider has not answered yet (a timeout, a crash) are asked about again. */
export const cardRefundsJob = defineJob({
  name: 'finance.card-refunds',
  payload: z.object({}),
  async handler(_p, { db, deps }) {
    await settlePendingCardRefunds(db, deps);
  },
});

/** Every 5 minutes, once across all processes (the key is the time slot). */
export const cardRefundsTask: PeriodicTask = {
  name: 'finance.card-refunds',
  everySeconds: 300,
  tick: async (db, now) => {
    const slot = Math.floor(now.getTime() / 300_000);
    await enqueue(db, cardRefundsJob, {}, { key: `finance.card-refunds:${slot}` });
  },
};
