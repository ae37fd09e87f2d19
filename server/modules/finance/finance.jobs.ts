import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { settlePendingCardRefunds } from './refund-card-payment.js';

/** Card refunds the provider has not answered yet (a timeout, a crash) are asked about again. */
export const cardRefundsJob = defineJob({
  name: 'finance.card-refunds',
  payload: z.object({}),
  async handler(_p, { db, deps }) {
    await settlePendingCardRefunds(db, deps);
  },
});

/** Every 5 minutes, once across all processes. */
export const cardRefundsTask = oncePerSlot(cardRefundsJob, 300);
