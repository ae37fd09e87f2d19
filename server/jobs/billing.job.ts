import { z } from 'zod';

import { todayIn } from '../../common/dates.js';
import { regions } from '../db/schema/index.js';
import { runBilling } from '../modules/billing/run-billing.js';
import { defineJob, enqueue } from './queue.js';
import type { PeriodicTask } from './scheduler.js';

/** Runs (and catches up) one region's billing up to a day. */
export const billingRunJob = defineJob({
  name: 'billing.run',
  payload: z.object({ regionId: z.number().int(), until: z.string() }),
  maxAttempts: 10,
  leaseSeconds: 900,
  async handler({ regionId, until }, { db, deps }) {
    // Another runner of the region (a CLI run, another server) is waited for; if it takes longer than
    // this, the job fails with billing_busy and is retried later (the lease is 900 s).
    await runBilling(db, { regionId, until, batchSize: deps.config.BILLING_BATCH_ACCOUNTS, waitSeconds: 300 });
  },
});

/**
 * Every minute each app process looks at each region's local date; the first tick after local
 * midnight enqueues that day's run. The key `billing:<region>:<day>` makes the enqueue happen once
 * no matter how many processes tick.
 */
export const billingScheduler: PeriodicTask = {
  name: 'billing.schedule',
  everySeconds: 60,
  async tick(db, now) {
    const list = await db.select({ id: regions.id, code: regions.code, timeZone: regions.timeZone }).from(regions);
    for (const r of list) {
      const day = todayIn(r.timeZone, now);
      await enqueue(db, billingRunJob, { regionId: r.id, until: day }, { key: `billing:${r.code}:${day}` });
    }
  },
};
