import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { failBulk, runBulk } from './run-bulk.js';

const ATTEMPTS = 5;

/**
 * Runs a bulk operation (run-bulk.ts). Keyed `bulk:<operation id>`, so it is queued once; a run that
 * dies is taken over when its lease expires and goes on from the first pending account; the lease is
 * renewed after every batch, so a long operation keeps it. After its last attempt fails the
 * operation is marked failed with the error.
 */
export const bulkRunJob = defineJob({
  name: 'bulk.run',
  payload: z.object({ operationId: z.number().int() }),
  maxAttempts: ATTEMPTS,
  leaseSeconds: 120,
  async handler({ operationId }, { db, attempt, signal, heartbeat }) {
    try {
      await runBulk(db, { operationId, signal, afterBatch: () => heartbeat() });
    } catch (e) {
      if (attempt >= ATTEMPTS && !signal.aborted)
        await failBulk(db, operationId, e instanceof Error ? e.message : String(e));
      throw e;
    }
  },
});
