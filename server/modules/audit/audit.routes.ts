import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff } from '../../plugins/auth.js';
import { auditQuery, auditResponse } from './audit.schemas.js';
import { listAudit } from './list-audit.js';

/** Admins read the whole audit trail (who did what, before/after, when, from where). */
export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/staff/audit',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['audit'],
        summary: 'Audit trail of staff actions and money movements (admin)',
        security: [{ bearer: [] }],
        querystring: auditQuery,
        response: { 200: auditResponse },
      },
    },
    async (req) => ({ entries: await listAudit(deps.database.db, req.query) }),
  );
};
