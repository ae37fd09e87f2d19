import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import * as s from './jobs.schemas.js';
import { listJobs } from './list-jobs.js';
import { retryJob } from './retry-job.js';

const security = [{ bearer: [] }];

/** Background jobs for admins: the dead ones (gave up after their attempts) and a retry. */
export const jobsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/staff/jobs',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs by state (dead by default), latest first',
        security,
        querystring: s.jobsQuery,
        response: { 200: s.jobsList },
      },
    },
    async (req) => listJobs(db, req.query),
  );
  app.post(
    '/api/staff/jobs/:jobId/retry',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['jobs'],
        summary: 'Queue a dead job again with its full number of attempts',
        security,
        params: s.jobIdParams,
        response: { 200: s.jobView },
      },
    },
    async (req) => retryJob(db, req.params.jobId, staffPrincipal(req).staffId, req.ip),
  );
};
