import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { setStaffRegions } from './set-staff-regions.js';
import {
  createStaffBody,
  staffRegionsBody,
  staffUser,
  staffUserParams,
  staffUsersResponse,
  updateStaffBody,
} from './staff.schemas.js';
import { createStaffUser, listStaffUsers, updateStaffUser, view } from './staff-users.js';

const security = [{ bearer: [] }];

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
        response: { 200: staffUsersResponse },
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
        body: createStaffBody,
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
        params: staffUserParams,
        body: updateStaffBody,
        response: { 200: staffUser },
      },
    },
    async (req) => updateStaffUser(db, req.params.id, req.body, actor(req)),
  );
  app.put(
    '/api/staff/users/:id/regions',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['staff'],
        summary: "Set the regions whose subscribers the user sees ('all' or a list); audited",
        security,
        params: staffUserParams,
        body: staffRegionsBody,
        response: { 200: staffUser },
      },
    },
    async (req) => view(await setStaffRegions(db, { id: req.params.id, regions: req.body.regions, actor: actor(req) })),
  );
};
