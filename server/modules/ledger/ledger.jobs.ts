import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { checkpointLedger } from './checkpoint-ledger.js';
import { ensureLedgerPartitions } from './ledger-partitions.js';

/**
 * Hourly ledger upkeep (docs/ledger-partitions.md): month partitions made three months ahead, and the
 * verified checkpoints brought up to date (a month start once a month, the day before yesterday once a
 * day, stale ones made again). Each step waits at most a few seconds for its short locks and is tried
 * again next hour if it could not get them.
 */
export const ledgerMaintainJob = defineJob({
  name: 'ledger.maintain',
  payload: z.object({}),
  maxAttempts: 3,
  leaseSeconds: 3600,
  async handler(_p, { db, signal }) {
    await ensureLedgerPartitions(db);
    signal.throwIfAborted();
    await checkpointLedger(db);
  },
});

export const ledgerMaintainTask = oncePerSlot(ledgerMaintainJob, 3600);
