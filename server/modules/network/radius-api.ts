import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';

import { type ErrorCode, errorMessage, ERRORS } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import { authorizeAccess } from './authorize-access.js';
import { decryptSecret } from './network-crypto.js';
import type { NetworkRuntime } from './network-runtime.js';
import type { RestAttributes } from './radius-attributes.js';
import { accountingRecord, postAuthRecord } from './record-radius.js';

/**
 * The HTTP API FreeRADIUS's rlm_rest calls (deploy/freeradius/mods-enabled/abonent; docs/network.md,
 * "The rlm_rest API"). It is a listener of its own (RADIUS_API_HOST:RADIUS_API_PORT, 127.0.0.1:3812 by
 * default), not part of the public API: the reverse proxy never exposes it, none of the web app's
 * cookies, sessions, caches or security headers apply, and its few thousand requests a second cost
 * only what they need. Every request carries HTTP basic `freeradius:<RADIUS_API_KEY>` (compared in
 * constant time) and, with RADIUS_API_ALLOW, comes from an allowed address — checked before the body is
 * read. Answers follow rlm_rest (the status is the module's result, the body is attributes); a refused
 * caller or malformed input gets a JSON error `{error:{code,message}}` and a 4xx, never a 5xx.
 */
export function buildRadiusApi(runtime: NetworkRuntime, config: Config, logger?: FastifyBaseLogger): FastifyInstance {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    // Thousands a second: no access log line per request (errors are still logged).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  const allowed = radiusCaller(config);

  const fail = (reply: FastifyReply, code: ErrorCode, details = '') =>
    reply.status(ERRORS[code].status).send({ error: { code, message: errorMessage(code, { details }, 'en') } });

  app.addHook('onRequest', async (req, reply) => {
    if (!allowed(req)) return fail(reply, 'radius_unauthorized');
  });
  app.setNotFoundHandler((_req, reply) => fail(reply, 'route_not_found'));
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return fail(reply, 'validation_failed', err.message ?? 'bad request');
    }
    req.log.error({ err }, 'radius api error');
    return fail(reply, 'internal');
  });

  const nasOf = (req: FastifyRequest): string | null => {
    const nas = (req.query as Record<string, unknown>).nas;
    return typeof nas === 'string' && isIP(nas) !== 0 ? nas : null;
  };

  app.post('/api/radius/authorize', async (req, reply) => {
    const nas = nasOf(req);
    const attrs = parseRestAttributes(req.body);
    if (!nas || !attrs) return fail(reply, 'validation_failed', nas ? 'body' : 'nas');
    const ctx = runtime.context!;
    if (!(await ctx.directory.whenReady())) {
      return reply.status(503).send({ 'reply:Reply-Message': { value: ['Not ready'], do_xlat: false } });
    }
    const { answer, record } = authorizeAccess(ctx, nas, attrs);
    if (record) await runtime.authWriter!.add(record);
    return reply.status(answer.status).send(answer.body);
  });

  app.post('/api/radius/post-auth', async (req, reply) => {
    const nas = nasOf(req);
    const attrs = parseRestAttributes(req.body);
    const q = req.query as Record<string, unknown>;
    const result = typeof q.result === 'string' ? q.result.slice(0, 16) : '';
    const auth = typeof q.auth === 'string' ? q.auth.slice(0, 32) : 'none';
    if (!nas || !attrs || !result) return fail(reply, 'validation_failed', !nas ? 'nas' : !attrs ? 'body' : 'result');
    const ctx = runtime.context!;
    await ctx.directory.whenReady();
    await runtime.authWriter!.add(postAuthRecord(ctx, { nas, result, auth }, attrs));
    return reply.status(204).send();
  });

  app.post('/api/radius/accounting', async (req, reply) => {
    const nas = nasOf(req);
    const attrs = parseRestAttributes(req.body);
    if (!nas || !attrs) return fail(reply, 'validation_failed', nas ? 'body' : 'nas');
    const ctx = runtime.context!;
    await ctx.directory.whenReady();
    const record = accountingRecord(ctx, nas, attrs);
    if (record) await runtime.acctWriter!.add(record);
    return reply.status(204).send();
  });

  app.get('/api/radius/clients/:ip', async (req, reply) => {
    const ip = (req.params as { ip: string }).ip;
    if (isIP(ip) === 0) return fail(reply, 'validation_failed', 'ip');
    const ctx = runtime.context!;
    await ctx.directory.whenReady();
    const nas = ctx.directory.nasAt(ip);
    if (!nas || !nas.active) return reply.status(404).send({});
    const v = (s: string) => ({ value: [s], do_xlat: false });
    return {
      [nas.address.includes(':') ? 'control:FreeRADIUS-Client-IPv6-Address' : 'control:FreeRADIUS-Client-IP-Address']:
        v(nas.address),
      'control:FreeRADIUS-Client-Secret': v(decryptSecret('nas-secret', nas.secretEnc, config.secret)),
      'control:FreeRADIUS-Client-Shortname': v(`nas-${nas.id}`),
      'control:FreeRADIUS-Client-NAS-Type': v('other'),
      'control:FreeRADIUS-Client-Virtual-Server': v('abonent'),
    };
  });

  return app;
}

/** A request's attributes as rlm_rest sends them, checked by hand (this path runs thousands a second). */
export function parseRestAttributes(body: unknown): RestAttributes | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  let n = 0;
  for (const key in body) {
    if (++n > 256 || key.length > 128) return null;
    const v = (body as Record<string, unknown>)[key] as { value?: unknown } | null;
    if (!v || typeof v !== 'object' || !Array.isArray(v.value) || v.value.length > 64) return null;
    for (const x of v.value as unknown[]) {
      const t = typeof x;
      if (!(x === null || t === 'number' || t === 'boolean' || (t === 'string' && (x as string).length <= 4096))) {
        return null;
      }
    }
  }
  return body as RestAttributes;
}

/** HTTP basic `freeradius:<RADIUS_API_KEY>` in constant time, and the caller's address when listed. */
function radiusCaller(config: Config): (req: FastifyRequest) => boolean {
  const expected = config.RADIUS_API_KEY ? Buffer.from(`freeradius:${config.RADIUS_API_KEY}`) : null;
  const allow = (config.RADIUS_API_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return (req) => {
    if (!expected) return false;
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6).trim(), 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return allow.length === 0 || allow.some((a) => addressMatches(req.ip, a));
  };
}

/** `a` is an address or an IPv4 CIDR. */
export function addressMatches(ip: string, a: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!a.includes('/')) return a === ip || a === v4;
  const [net, bits] = a.split('/');
  if (isIP(v4) !== 4 || isIP(net ?? '') !== 4) return false;
  const n = Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > 32) return false;
  const toInt = (s: string) => s.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - n);
  return Math.floor(toInt(v4) / size) === Math.floor(toInt(net!) / size);
}
