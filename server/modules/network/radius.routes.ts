import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { AppError } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import type { AppDeps } from '../../deps.js';
import { authorizeAccess } from './authorize-access.js';
import { clientParams, nasQuery, postAuthQuery, restAnswer, restAttributes } from './network.schemas.js';
import { decryptSecret } from './network-crypto.js';
import { accountingRecord, postAuthRecord } from './record-radius.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes nothing the read caches hold: a successful call does not clear them. */
    cacheNeutral?: boolean;
  }
}

/**
 * Only FreeRADIUS may call these (docs/network.md, "Protecting the rlm_rest endpoints"): HTTP basic
 * authentication `freeradius:<RADIUS_API_KEY>`, compared in constant time, and — when RADIUS_API_ALLOW
 * is set — from one of those addresses. Checked in onRequest, before the body is read.
 */
export function requireRadius(config: Config): onRequestAsyncHookHandler {
  const expected = config.RADIUS_API_KEY ? Buffer.from(`freeradius:${config.RADIUS_API_KEY}`) : null;
  const allow = (config.RADIUS_API_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return async (req: FastifyRequest) => {
    if (!expected) throw new AppError('radius_unauthorized');
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6).trim(), 'base64') : Buffer.alloc(0);
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    if (!ok || (allow.length > 0 && !allow.some((a) => addressMatches(req.ip, a)))) {
      throw new AppError('radius_unauthorized');
    }
  };
}

/** `a` is an address or an IPv4 CIDR. */
function addressMatches(ip: string, a: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!a.includes('/')) return a === ip || a === v4;
  const [net, bits] = a.split('/');
  if (isIP(v4) !== 4 || isIP(net ?? '') !== 4) return false;
  const n = Number(bits);
  const toInt = (s: string) => s.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(v4) & mask) === (toInt(net!) & mask);
}

const tags = ['radius'];
const security = [{ basic: [] }];

/**
 * The endpoints FreeRADIUS's rlm_rest calls (deploy/freeradius/mods-enabled/abonent): authorize from
 * memory, post-auth and accounting written in batches. Answers follow rlm_rest's conventions (status
 * decides the module's result, the body is attributes), not the API's `{error}` shape, except for a
 * refused caller or malformed input.
 */
export const radiusRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const network = deps.network;
  const onRequest = requireRadius(deps.config);
  const config = { cacheNeutral: true };

  app.post(
    '/api/radius/authorize',
    {
      onRequest,
      config,
      schema: {
        tags,
        security,
        summary: 'rlm_rest authorize: who is this, may they connect, with which attributes',
        querystring: nasQuery,
        body: restAttributes,
        response: { 200: restAnswer, 401: restAnswer, 503: restAnswer },
      },
    },
    async (req, reply) => {
      const ctx = network.context;
      if (!ctx || !(await ctx.directory.whenReady())) {
        return reply.status(503).send({ 'reply:Reply-Message': { value: ['Not ready'], do_xlat: false } });
      }
      const answer = authorizeAccess(ctx, req.query.nas, req.body);
      return reply.status(answer.status).send(answer.body);
    },
  );

  app.post(
    '/api/radius/post-auth',
    {
      onRequest,
      config,
      schema: {
        tags,
        security,
        summary: 'rlm_rest post-auth: the outcome of an Access-Request (stored in batches)',
        querystring: postAuthQuery,
        body: restAttributes,
        response: { 204: z.null().describe('stored') },
      },
    },
    async (req, reply) => {
      const ctx = network.context!;
      await ctx.directory.whenReady();
      await network.authWriter!.add(postAuthRecord(ctx, req.query, req.body));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/radius/accounting',
    {
      onRequest,
      config,
      schema: {
        tags,
        security,
        summary: 'rlm_rest accounting: Start, Interim-Update, Stop, Accounting-On/Off (stored before the answer)',
        querystring: nasQuery,
        body: restAttributes,
        response: { 204: z.null().describe('stored') },
      },
    },
    async (req, reply) => {
      const ctx = network.context!;
      await ctx.directory.whenReady();
      const record = accountingRecord(ctx, req.query.nas, req.body);
      if (record) await network.acctWriter!.add(record);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/radius/clients/:ip',
    {
      onRequest,
      config,
      schema: {
        tags,
        security,
        summary: 'FreeRADIUS dynamic clients: the shared secret of a NAS by its address (404: not registered)',
        params: clientParams,
        response: { 200: restAnswer, 404: restAnswer },
      },
    },
    async (req, reply) => {
      const ctx = network.context!;
      await ctx.directory.whenReady();
      const nas = ctx.directory.nasAt(req.params.ip);
      if (!nas || !nas.active) return reply.status(404).send({});
      const v = (s: string) => ({ value: [s], do_xlat: false as const });
      return {
        [nas.address.includes(':') ? 'control:FreeRADIUS-Client-IPv6-Address' : 'control:FreeRADIUS-Client-IP-Address']:
          v(nas.address),
        'control:FreeRADIUS-Client-Secret': v(decryptSecret('nas-secret', nas.secretEnc, deps.config.secret)),
        'control:FreeRADIUS-Client-Shortname': v(`nas-${nas.id}`),
        'control:FreeRADIUS-Client-NAS-Type': v('other'),
        'control:FreeRADIUS-Client-Virtual-Server': v('abonent'),
      };
    },
  );
};
