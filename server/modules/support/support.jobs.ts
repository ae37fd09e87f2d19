import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { FileStore } from './file-store.js';
import { purgeUploads } from './purge-uploads.js';

/** Hourly: uploads never sent with a message are removed after a day (rows, then files). */
export const purgeUploadsJob = defineJob({
  name: 'support.purge-uploads',
  payload: z.object({}),
  handler: async (_p, ctx) => {
    await purgeUploads(ctx.db, new FileStore(ctx.deps.config.supportFilesDir));
  },
});
export const purgeUploadsTask = oncePerSlot(purgeUploadsJob, 3600);
