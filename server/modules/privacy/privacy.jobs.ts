import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { anonymizeSubscribers } from './anonymize-subscribers.js';

/**
 * Hourly: subscribers whose contracts ended more than PD_RETENTION_DAYS ago are anonymised
 * (docs/personal-data.md), 5000 per transaction until none is left.
 */
export const anonymizeJob = defineJob({
  name: 'privacy.anonymize',
  payload: z.object({}),
  maxAttempts: 3,
  leaseSeconds: 3600,
  async handler(_p, { db, deps }) {
    while ((await anonymizeSubscribers(db, { retentionDays: deps.config.PD_RETENTION_DAYS })).length === 5000);
  },
});

export const anonymizeTask = oncePerSlot(anonymizeJob, 3600);
