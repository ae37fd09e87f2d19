import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { okResponse } from '../shared.schemas.js';
import { resetStaffTotp } from './reset-staff-totp.js';
import { listRoleTotp, setRoleTotp } from './role-totp.js';
import { sendStaffPasswordLink } from './send-password-link.js';
import {
  passwordLinkResponse,
  roleTotpBody,
  roleTotpParams,
  roleTotpResponse,
  staffUserParams,
} from './staff.schemas.js';

const security = [{ bearer: [] }];
const tags = ['staff'];

/** Admins: staff password links, TOTP resets, and which roles must sign in with TOTP (docs/auth.md). */
export const staffSecurityRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const actor = (req: Parameters<typeof staffPrincipal>[0]) => ({ staffId: staffPrincipal(req).staffId, ip: req.ip });
  app.post(
    '/api/staff/users/:id/password-link',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'E-mail the staff member a one-time link to set a new password (the administrator never sets it)',
        security,
        params: staffUserParams,
        response: { 200: passwordLinkResponse },
      },
    },
    async (req) => sendStaffPasswordLink(db, { staffId: req.params.id, publicUrl: deps.config.publicUrl }, actor(req)),
  );
  app.post(
    '/api/staff/users/:id/totp/reset',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: "Clear a staff member's two-factor sign-in (a lost phone); their sessions end",
        security,
        params: staffUserParams,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await resetStaffTotp(db, req.params.id, actor(req));
      return { ok: true as const };
    },
  );
  app.get(
    '/api/staff/security/roles',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Which roles must sign in with a TOTP code',
        security,
        response: { 200: roleTotpResponse },
      },
    },
    async () => ({ roles: await listRoleTotp(db) }),
  );
  app.put(
    '/api/staff/security/roles/:role',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Require TOTP for a role, or not (admin and finance always)',
        security,
        params: roleTotpParams,
        body: roleTotpBody,
        response: { 200: roleTotpResponse },
      },
    },
    async (req) => ({ roles: await setRoleTotp(db, { role: req.params.role, ...req.body }, actor(req)) }),
  );
};
