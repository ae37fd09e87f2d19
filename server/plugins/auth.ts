import { timingSafeEqual } from 'node:crypto';

import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler, preValidationHookHandler } from 'fastify';
import fp from 'fastify-plugin';

import { AppError } from '../../common/errors.js';
import type { ReadCache } from '../cache/read-cache.js';
import type { Db } from '../db/client.js';
import { STAFF_ROLES, type StaffRole } from '../db/schema/index.js';
import { cachedPrincipal, type LiveSession, type Principal, resolveSession } from '../modules/auth/sessions.js';

export const SESSION_COOKIE = 'abonent_session';
export const CSRF_COOKIE = 'abonent_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** How the principal was authenticated: cookie sessions need CSRF on unsafe methods. */
    authVia: 'cookie' | 'bearer' | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller from `Authorization: Bearer <token>` (mobile API) or the session cookie (web).
 * Cookie-authenticated unsafe requests must echo the CSRF cookie in the X-CSRF-Token header
 * (double-submit); bearer requests are immune to CSRF and skip it.
 */
async function authPlugin(
  app: FastifyInstance,
  opts: { db: Db; sessionCache?: ReadCache<string, LiveSession>; staffIdleSeconds?: number },
) {
  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);
  // onRequest, before the body is read: who is asking is known before anything about the request
  // is parsed or validated, so a caller without the right is refused (401/403) before a 400.
  app.addHook('onRequest', (req, _reply, done) => {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header?.startsWith('Bearer ')) {
      token = header.slice(7).trim();
      req.authVia = 'bearer';
    } else if (req.cookies?.[SESSION_COOKIE]) {
      token = req.cookies[SESSION_COOKIE];
      req.authVia = 'cookie';
    }
    if (!token) return done();
    // A cached session answers without a promise (most requests); otherwise it is looked up.
    const cached = opts.sessionCache && cachedPrincipal(token, opts.sessionCache);
    if (cached) {
      req.principal = cached;
      return done();
    }
    resolveSession(opts.db, token, opts.sessionCache, opts.staffIdleSeconds).then((principal) => {
      req.principal = principal;
      if (!principal) req.authVia = null;
      done();
    }, done);
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['errors'] });

/** The refusal of a cookie-authenticated unsafe request without the matching CSRF header, if it is one. */
function csrfRefusal(req: FastifyRequest): AppError | undefined {
  if (req.authVia !== 'cookie' || SAFE_METHODS.has(req.method)) return undefined;
  const cookie = req.cookies?.[CSRF_COOKIE];
  const header = req.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string' || header.length !== cookie.length) return new AppError('forbidden');
  if (!timingSafeEqual(Buffer.from(cookie), Buffer.from(header))) return new AppError('forbidden');
  return undefined;
}

function checkCsrf(req: FastifyRequest) {
  const refusal = csrfRefusal(req);
  if (refusal) throw refusal;
}

/** Where a requireStaff guard keeps the roles it lets in: route-policy.ts states them in the contract. */
export const GUARD_ROLES = Symbol('staffRoles');

/**
 * preValidation: staff only, and only the given roles (admin always passes). A staff member who must
 * first change an initial password or set up TOTP their role requires is refused everywhere but the
 * few routes that do that (requireStaffAccountSetup).
 */
export function requireStaff(...roles: StaffRole[]): preValidationAsyncHookHandler {
  const allowed: readonly StaffRole[] =
    roles.length === 0 ? STAFF_ROLES : STAFF_ROLES.filter((r) => r === 'admin' || roles.includes(r));
  const guard: preValidationAsyncHookHandler = async (req) => {
    const p = req.principal;
    if (!p) throw new AppError('unauthorized');
    if (p.type !== 'staff') throw new AppError('forbidden');
    if (p.mustChangePassword) throw new AppError('staff_password_change_required');
    if (p.totpSetupRequired) throw new AppError('totp_setup_required');
    if (!allowed.includes(p.role)) throw new AppError('forbidden');
    checkCsrf(req);
  };
  return Object.assign(guard, { [GUARD_ROLES]: allowed });
}

/** preValidation: any staff member, also one who must still change the password or set up TOTP (those routes). */
export function requireStaffAccountSetup(): preValidationAsyncHookHandler {
  const guard: preValidationAsyncHookHandler = async (req) => {
    const p = req.principal;
    if (!p) throw new AppError('unauthorized');
    if (p.type !== 'staff') throw new AppError('forbidden');
    checkCsrf(req);
  };
  return Object.assign(guard, { [GUARD_ROLES]: STAFF_ROLES });
}

/**
 * preValidation: a signed-in subscriber. While the initial password is in force, only the routes that
 * pass `{ allowMustChange: true }` (change password, sign out, who-am-I) are open.
 */
export function requireSubscriber(opts: { allowMustChange?: boolean } = {}): preValidationHookHandler {
  // Callback-style: the subscriber's routes are the most requested, and an async guard costs a promise
  // per request (bench:api, docs/scale.md).
  return (req, _reply, done) => {
    const p = req.principal;
    if (!p) return done(new AppError('unauthorized'));
    if (p.type !== 'subscriber') return done(new AppError('forbidden'));
    if (p.mustChangePassword && !opts.allowMustChange) return done(new AppError('password_change_required'));
    done(csrfRefusal(req));
  };
}

/** The signed-in subscriber's account id (call after requireSubscriber). */
export function subscriberAccountId(req: FastifyRequest): number {
  const p = req.principal;
  if (!p || p.type !== 'subscriber') throw new AppError('unauthorized');
  return p.accountId;
}

export function staffPrincipal(req: FastifyRequest): Extract<Principal, { type: 'staff' }> {
  const p = req.principal;
  if (!p || p.type !== 'staff') throw new AppError('unauthorized');
  return p;
}

/**
 * preValidation for routes open to anyone that still act on a cookie session (sign out): a request
 * carrying a live session cookie must prove it comes from our page, like every other change.
 */
export function requireCsrfForCookie(): preValidationAsyncHookHandler {
  return async (req) => {
    checkCsrf(req);
  };
}

/** preValidation: anyone signed in (subscriber, even before the forced password change, or staff). */
export function requireSignedIn(): preValidationAsyncHookHandler {
  return async (req) => {
    if (!req.principal) throw new AppError('unauthorized');
    checkCsrf(req);
  };
}
