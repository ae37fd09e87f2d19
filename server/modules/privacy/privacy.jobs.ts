import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { FileStore } from '../support/file-store.js';
import { removeErasedFiles } from '../support/remove-erased-files.js';
import { anonymizeSubscribers } from './anonymize-subscribers.js';

/**
 * Hourly: subscribers whose contracts ended more than PD_RETENTION_DAYS ago are anonymised
 * (docs/personal-data.md), 5000 per transaction until none is left; then the bytes of the support files
 * that anonymisation erased are deleted.
 */
export const anonymizeJob = defineJob({
  name: 'privacy.anonymize',
  payload: z.object({}),
  maxAttempts: 3,
  leaseSeconds: 3600,
  async handler(_p, { db, deps }) {
    while ((await anonymizeSubscribers(db, { retentionDays: deps.config.PD_RETENTION_DAYS })).length === 5000);
    await removeErasedFiles(db, new FileStore(deps.config.supportFilesDir));
  },
});

export const anonymizeTask = oncePerSlot(anonymizeJob, 3600);
