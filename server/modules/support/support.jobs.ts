import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { FileStore } from './file-store.js';
import { purgeUploads } from './purge-uploads.js';
import { purgeUploadUsage } from './upload-limits.js';

/** Hourly: uploads never sent with a message are removed after a day (rows, then files); past days' usage is forgotten. */
export const purgeUploadsJob = defineJob({
  name: 'support.purge-uploads',
  payload: z.object({}),
  handler: async (_p, ctx) => {
    await purgeUploads(ctx.db, new FileStore(ctx.deps.config.supportFilesDir));
    await purgeUploadUsage(ctx.db);
  },
});
export const purgeUploadsTask = oncePerSlot(purgeUploadsJob, 3600);
