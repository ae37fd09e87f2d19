import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { STAFF_ROLES } from '../../db/schema/index.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { createStaffUser, listStaffUsers, updateStaffUser } from './staff-users.js';

const security = [{ bearer: [] }];
const staffUser = z.object({
  id: z.number(),
  email: z.string(),
  fullName: z.string(),
  role: z.enum(STAFF_ROLES),
  active: z.boolean(),
  totpEnabled: z.boolean(),
});

/** Admins manage staff accounts and roles. */
export const staffRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const actor = (req: Parameters<typeof staffPrincipal>[0]) => ({ staffId: staffPrincipal(req).staffId, ip: req.ip });
  app.get(
    '/api/staff/users',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['staff'],
        summary: 'Staff accounts',
        security,
        response: { 200: z.object({ users: z.array(staffUser) }) },
      },
    },
    async () => ({
      users: await listStaffUsers(db),
    }),
  );
  app.post(
    '/api/staff/users',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['staff'],
        summary: 'Create a staff account',
        security,
        body: z.object({
          email: z.string().trim().email().max(200),
          fullName: z.string().trim().min(2).max(200),
          role: z.enum(STAFF_ROLES),
          password: z.string().min(1).max(256),
        }),
        response: { 201: staffUser },
      },
    },
    async (req, reply) => reply.status(201).send(await createStaffUser(db, req.body, actor(req))),
  );
  app.patch(
    '/api/staff/users/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['staff'],
        summary: 'Change role or deactivate',
        security,
        params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }),
        body: z.object({ role: z.enum(STAFF_ROLES).optional(), active: z.boolean().optional() }),
        response: { 200: staffUser },
      },
    },
    async (req) => updateStaffUser(db, req.params.id, req.body, actor(req)),
  );
};
