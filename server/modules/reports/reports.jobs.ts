import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { buildMonthRollups } from './build-month-rollups.js';

/**
 * Hourly: month rollups for the reports (docs/reports.md, "How reports stay fast"), made for every
 * month whose next month-start ledger checkpoint is ready and that has none or an outdated one. The
 * ledger's own job makes the checkpoints; a month whose rollup is missing is read from the ledger.
 */
export const reportRollupsJob = defineJob({
  name: 'reports.rollups',
  payload: z.object({}),
  maxAttempts: 3,
  leaseSeconds: 3600,
  async handler(_p, { db }) {
    const r = await buildMonthRollups(db);
    // Reports stay right (they read such months from the ledger), but someone must look: the job's
    // error is listed for admins with the dead jobs (docs/reports.md).
    if (r.refused.length)
      throw new Error(`month rollups disagree with the ledger checkpoints: ${r.refused.join(', ')}`);
  },
});

export const reportRollupsTask = oncePerSlot(reportRollupsJob, 3600);
