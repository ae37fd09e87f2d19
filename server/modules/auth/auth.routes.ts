import { randomBytes } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import {
  CSRF_COOKIE,
  requireCsrfForCookie,
  requireSignedIn,
  requireSubscriber,
  SESSION_COOKIE,
} from '../../plugins/auth.js';
import { okResponse } from '../shared.schemas.js';
import * as s from './auth.schemas.js';
import { changeSubscriberPassword } from './change-password.js';
import { completeStaffReset } from './complete-staff-reset.js';
import { DEVICE_COOKIE, DEVICE_TOKEN_DAYS } from './device-token.js';
import { authSettings } from './limits.js';
import { listSessions, revokeOwnSession, revokeSession } from './sessions.js';
import { signInStaff, signInSubscriber } from './sign-in.js';
import { whoAmI } from './who-am-i.js';

const security = [{ bearer: [] }];

/** Session cookie (httpOnly) + CSRF cookie (readable by the app, echoed in X-CSRF-Token). */
function setSessionCookies(reply: FastifyReply, token: string, expiresAt: Date): string {
  const csrfToken = randomBytes(24).toString('base64url');
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  });
  reply.setCookie(CSRF_COOKIE, csrfToken, {
    httpOnly: false,
    secure: true,
    sameSite: 'strict',
    path: '/',
    expires: expiresAt,
  });
  return csrfToken;
}

/** The device token (device-token.ts): httpOnly, sent only to the sign-in routes, kept 400 days. */
function setDeviceCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(DEVICE_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/api/auth',
    maxAge: DEVICE_TOKEN_DAYS * 86_400,
  });
}

const meta = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] });
/** The device token a browser keeps in its cookie, or an API client sends in the body. */
const deviceTokenOf = (req: FastifyRequest, body: { deviceToken?: string }) =>
  body.deviceToken ?? req.cookies?.[DEVICE_COOKIE];

export const authRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const settings = authSettings(deps.config);

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Subscriber sign-in with contract number and password (and the TOTP code when on: `totp_required` asks for it)',
        body: s.subscriberLoginBody,
        response: { 200: s.loginResponse },
      },
    },
    async (req, reply) => {
      const r = await signInSubscriber(
        db,
        { ...req.body, deviceToken: deviceTokenOf(req, req.body) },
        meta(req),
        settings,
      );
      const csrfToken = setSessionCookies(reply, r.token, r.expiresAt);
      setDeviceCookie(reply, r.deviceToken);
      return {
        token: r.token,
        csrfToken,
        expiresAt: r.expiresAt.toISOString(),
        deviceToken: r.deviceToken,
        mustChangePassword: r.mustChangePassword,
      };
    },
  );

  app.post(
    '/api/auth/staff/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff sign-in with e-mail, password and, when set up, a TOTP code (`totp_required` asks for it)',
        body: s.staffLoginBody,
        response: { 200: s.staffLoginResponse },
      },
    },
    async (req, reply) => {
      const r = await signInStaff(db, { ...req.body, deviceToken: deviceTokenOf(req, req.body) }, meta(req), settings);
      const csrfToken = setSessionCookies(reply, r.token, r.expiresAt);
      setDeviceCookie(reply, r.deviceToken);
      return {
        token: r.token,
        csrfToken,
        expiresAt: r.expiresAt.toISOString(),
        deviceToken: r.deviceToken,
        staff: r.staff,
      };
    },
  );

  app.post(
    '/api/auth/staff/reset',
    {
      schema: {
        tags: ['auth'],
        summary: "Set a staff member's new password from the one-time link an administrator sent; ends their sessions",
        body: s.staffResetBody,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await completeStaffReset(db, req.body, { ip: req.ip });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in subscriber or staff member',
        security,
        response: { 200: s.meResponse },
      },
    },
    async (req) => {
      if (!req.principal) throw new AppError('unauthorized');
      return whoAmI(db, req.principal);
    },
  );

  // For pages that may be open signed out (the web app asks this first): 200 either way, so a browser
  // console shows no failed request for someone who simply has not signed in.
  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, or nobody (200 either way)',
        security,
        response: { 200: s.sessionResponse },
      },
    },
    async (req) => ({ me: req.principal ? await whoAmI(db, req.principal) : null }),
  );

  app.post(
    '/api/auth/logout',
    {
      // A cross-site form must not be able to sign anyone out: cookie sessions need the CSRF header.
      preValidation: requireCsrfForCookie(),
      schema: { tags: ['auth'], summary: 'End this session', security, response: { 200: okResponse } },
    },
    async (req, reply) => {
      if (req.principal) await revokeSession(db, req.principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.post(
    '/api/auth/password',
    {
      preValidation: requireSubscriber({ allowMustChange: true }),
      schema: {
        tags: ['auth'],
        summary: 'Change the password (required after the first sign-in); ends other sessions',
        security,
        body: s.changePasswordBody,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      const p = req.principal!;
      if (p.type !== 'subscriber') throw new AppError('forbidden');
      await changeSubscriberPassword(db, { contractId: p.contractId, sessionId: p.sessionId, ...req.body, ip: req.ip });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/sessions',
    {
      preValidation: requireSignedIn(),
      schema: {
        tags: ['auth'],
        summary: 'My active sessions and devices',
        security,
        response: { 200: s.sessionsResponse },
      },
    },
    async (req) => ({ sessions: await listSessions(db, req.principal!) }),
  );
  app.delete(
    '/api/auth/sessions/:id',
    {
      preValidation: requireSignedIn(),
      schema: {
        tags: ['auth'],
        summary: 'End one of my sessions',
        security,
        params: s.sessionParams,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await revokeOwnSession(db, req.principal!, req.params.id);
      return { ok: true as const };
    },
  );
};
