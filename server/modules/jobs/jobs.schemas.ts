import { z } from 'zod';

import { JOB_STATES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { idNumber } from '../shared.schemas.js';

export const jobState = component(
  'JobState',
  z.enum(JOB_STATES).describe('queued → running → done; dead: gave up after its attempts, waiting for an admin'),
);

export const jobsQuery = z.object({
  state: jobState.default('dead').describe('dead (default): parked jobs waiting for an admin'),
  name: z.string().trim().min(1).max(100).optional().describe('job name, e.g. notifications.deliver'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const jobView = z.object({
  id: z.number(),
  name: z.string().describe('the job, e.g. notifications.deliver, receipts.register'),
  key: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  state: jobState,
  attempts: z.number().describe('claims so far, including runs that died mid-way'),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  runAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof jobView>;

export const jobsList = z.object({
  jobs: z.array(jobView),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

export const jobIdParams = z.object({ jobId: idNumber });
