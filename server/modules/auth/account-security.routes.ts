import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import { queryRows } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff, requireStaffAccountSetup, requireSubscriber, staffPrincipal } from '../../plugins/auth.js';
import { okResponse } from '../shared.schemas.js';
import * as s from './auth.schemas.js';
import { changeStaffPassword } from './change-staff-password.js';
import { disableTotp } from './disable-totp.js';
import { enableTotp } from './enable-totp.js';
import { authSettings } from './limits.js';
import type { TotpOwner } from './second-factor.js';
import { newTotpSecret, totpUri } from './totp.js';

const security = [{ bearer: [] }];
const tags = ['auth'];

/**
 * A signed-in person's own account security: staff change their password and set up, move or turn off
 * TOTP (the routes a staff member who must first do so may use); subscribers turn optional TOTP on and
 * off. Every change needs the current password, and a current code where TOTP is on (docs/auth.md).
 */
export const accountSecurityRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const settings = authSettings(deps.config);
  const staffOwner = (req: Parameters<typeof staffPrincipal>[0]): TotpOwner => ({
    type: 'staff',
    id: staffPrincipal(req).staffId,
  });
  const subscriberOwner = (req: Parameters<typeof staffPrincipal>[0]): TotpOwner => {
    const p = req.principal;
    if (p?.type !== 'subscriber') throw new AppError('unauthorized');
    return { type: 'subscriber', id: p.contractId };
  };

  app.post(
    '/api/staff/me/password',
    {
      preValidation: requireStaffAccountSetup(),
      schema: {
        tags,
        summary: 'Change my password (required first after an administrator set it); ends my other sessions',
        security,
        body: s.changePasswordBody,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      const p = staffPrincipal(req);
      await changeStaffPassword(db, { staffId: p.staffId, sessionId: p.sessionId, ...req.body, ip: req.ip });
      return { ok: true as const };
    },
  );

  for (const who of ['staff', 'subscriber'] as const) {
    const base = who === 'staff' ? '/api/staff/me/totp' : '/api/me/totp';
    const owner = who === 'staff' ? staffOwner : subscriberOwner;
    // Setting up and enabling stay open to staff who must do it first; turning off does not.
    const setup = who === 'staff' ? requireStaffAccountSetup() : requireSubscriber();
    const signedIn = who === 'staff' ? requireStaff() : requireSubscriber();
    app.post(
      `${base}/setup`,
      {
        preValidation: setup,
        schema: {
          tags,
          summary: 'A new TOTP secret to add to an authenticator app (nothing changes until …/enable)',
          security,
          response: { 200: s.totpSetupResponse },
        },
      },
      async (req) => {
        const o = owner(req);
        const [r] = await queryRows<{ label: string }>(
          db,
          o.type === 'staff'
            ? sql`select email as label from staff_users where id = ${o.id}`
            : sql`select number as label from contracts where id = ${o.id}`,
        );
        const secret = newTotpSecret();
        return { secret, otpauthUrl: totpUri(r?.label ?? String(o.id), secret) };
      },
    );
    app.post(
      `${base}/enable`,
      {
        preValidation: setup,
        schema: {
          tags,
          summary:
            'Turn on two-factor sign-in, or move it to a new app: the password, a code of the new secret, and (when on) a code from the app in use',
          security,
          body: s.totpEnableBody,
          response: { 200: okResponse },
        },
      },
      async (req) => {
        await enableTotp(db, { owner: owner(req), ...req.body, ip: req.ip }, settings);
        return { ok: true as const };
      },
    );
    app.post(
      `${base}/disable`,
      {
        preValidation: signedIn,
        schema: {
          tags,
          summary: 'Turn two-factor sign-in off with the password and a current code (not for roles that require it)',
          security,
          body: s.totpDisableBody,
          response: { 200: okResponse },
        },
      },
      async (req) => {
        await disableTotp(db, { owner: owner(req), ...req.body, ip: req.ip }, settings);
        return { ok: true as const };
      },
    );
  }
};
