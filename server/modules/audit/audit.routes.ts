import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { isoDay } from '../../../common/schemas.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff } from '../../plugins/auth.js';
import { listAudit } from './list-audit.js';

const day = isoDay;

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
        querystring: z.object({
          entity: z.string().max(50).optional(),
          entityId: z.string().max(50).optional(),
          actor: z.string().max(50).optional(),
          from: day.optional(),
          to: day.optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actorType: z.string(),
                actorId: z.string().nullable(),
                action: z.string(),
                entity: z.string(),
                entityId: z.string().nullable(),
                before: z.unknown(),
                after: z.unknown(),
                ip: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ entries: await listAudit(deps.database.db, req.query) }),
  );
};
