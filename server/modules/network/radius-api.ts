import { timingSafeEqual } from 'node:crypto';
import { type AddressInfo, isIP, type Server } from 'node:net';

import type { FastifyBaseLogger } from 'fastify';

import { type ErrorCode, errorMessage, ERRORS } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import { authorizeAccess } from './authorize-access.js';
import { closeLeanServer, createLeanServer, type LeanHandler, type LeanResponse } from './lean-http.js';
import { decryptSecret } from './network-crypto.js';
import type { NetworkRuntime } from './network-runtime.js';
import type { RestAttributes } from './radius-attributes.js';
import { accountingRecord, postAuthRecord } from './record-radius.js';

const BODY_LIMIT = 64 * 1024;
const NOT_READY: Answer = { status: 503, body: { 'reply:Reply-Message': { value: ['Not ready'], do_xlat: false } } };
const CLIENTS = '/api/radius/clients/';

type Query = URLSearchParams;
type Answer = { status: number; body?: object };
type Route = (attrs: RestAttributes, nas: string, q: Query) => Promise<Answer> | Answer;

/**
 * The HTTP API FreeRADIUS's rlm_rest calls (deploy/freeradius/mods-enabled/abonent; docs/network.md,
 * "The rlm_rest API"). It is a listener of its own (RADIUS_API_HOST:RADIUS_API_PORT, 127.0.0.1:3812 by
 * default), not part of the public API: the reverse proxy never exposes it, none of the web app's
 * cookies, sessions, caches or security headers apply. It is neither Fastify nor `node:http` but a small
 * HTTP/1.1 server on `net` (lean-http.ts): every Access-Request of an ISP passes here, and a framework's
 * pipeline, then Node's request and response objects, were most of the answer's CPU (decision 0015).
 * Every request carries HTTP basic `freeradius:<RADIUS_API_KEY>` (compared in constant time) and, with
 * RADIUS_API_ALLOW, comes from an allowed address — checked before the body is read. Answers follow rlm_rest (the status is the module's result, the body is attributes);
 * a refused caller or malformed input gets a JSON error `{error:{code,message}}` and a 4xx, never a 5xx.
 */
export class RadiusApi {
  private server: Server | null = null;
  private readonly allowed: (authorization: string | undefined, ip: string) => boolean;
  private readonly routes: Record<string, Route>;

  constructor(
    private readonly runtime: NetworkRuntime,
    private readonly config: Config,
    private readonly logger?: FastifyBaseLogger,
  ) {
    this.allowed = radiusCaller(config);
    this.routes = {
      '/api/radius/authorize': (attrs, nas) => this.authorize(attrs, nas),
      '/api/radius/post-auth': (attrs, nas, q) => this.postAuth(attrs, nas, q),
      '/api/radius/accounting': (attrs, nas) => this.accounting(attrs, nas),
    };
  }

  /** The HTTP side (lean-http.ts): who may call and which route, before the body is read. */
  readonly http: LeanHandler = {
    bodyLimit: BODY_LIMIT,
    head: (req) => {
      if (!this.allowed(req.authorization, req.remoteAddress)) return respond(errorAnswer('radius_unauthorized'));
      if (req.method === 'GET' && req.path.startsWith(CLIENTS)) return undefined;
      if (req.method !== 'POST' || !this.routes[req.path]) return respond(errorAnswer('route_not_found'));
      if (!(req.contentType ?? '').startsWith('application/json')) {
        return respond(errorAnswer('validation_failed', 'content-type'));
      }
      return undefined;
    },
    body: (req, body) => {
      if (req.method === 'GET') return answered(this.client(req.path));
      const query = new URLSearchParams(req.query);
      const nas = query.get('nas');
      if (!nas || isIP(nas) === 0) return respond(errorAnswer('validation_failed', 'nas'));
      const attrs = parseRestAttributes(parseJson(body));
      if (!attrs) return respond(errorAnswer('validation_failed', 'body'));
      return answered(this.routes[req.path]!(attrs, nas, query));
    },
    fault: (err) => {
      this.logger?.error({ err }, 'radius api error');
      return respond(errorAnswer('internal'));
    },
    refuse: (status, why) =>
      status === 413
        ? respond(errorAnswer('payload_too_large'))
        : { ...respond(errorAnswer('validation_failed', why)), status },
  };

  /** Listens on host:port; returns the base URL (`http://127.0.0.1:3812`). */
  async listen(o: { host: string; port: number }): Promise<string> {
    // rlm_rest keeps its connections for a minute (pool idle_timeout = 60): closing them sooner would
    // make FreeRADIUS reconnect under load.
    const server = createLeanServer(this.http, { keepAliveMs: 72_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** Stops taking connections; idle ones close at once, busy ones after their answer. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await closeLeanServer(server);
  }

  private authorize(attrs: RestAttributes, nas: string): Promise<Answer> | Answer {
    const ctx = this.runtime.context!;
    if (!ctx.directory.loaded) {
      return ctx.directory.whenReady().then((ready) => (ready ? this.decide(ctx, attrs, nas) : NOT_READY));
    }
    return this.decide(ctx, attrs, nas);
  }

  private decide(ctx: NonNullable<NetworkRuntime['context']>, attrs: RestAttributes, nas: string): Answer {
    const { answer, record } = authorizeAccess(ctx, nas, attrs);
    // The outcome is logged, not waited for (docs/network.md, "Post-auth log"): writing it before
    // answering cost a database statement per handful of Access-Requests.
    if (record) this.runtime.authWriter!.log(record);
    return { status: answer.status, body: answer.body };
  }

  private async postAuth(attrs: RestAttributes, nas: string, q: Query): Promise<Answer> {
    const result = (q.get('result') ?? '').slice(0, 16);
    const auth = (q.get('auth') ?? 'none').slice(0, 32);
    if (!result) return errorAnswer('validation_failed', 'result');
    const ctx = this.runtime.context!;
    await ctx.directory.whenReady();
    this.runtime.authWriter!.log(postAuthRecord(ctx, { nas, result, auth }, attrs));
    return { status: 204 };
  }

  private async accounting(attrs: RestAttributes, nas: string): Promise<Answer> {
    const ctx = this.runtime.context!;
    await ctx.directory.whenReady();
    const record = accountingRecord(ctx, nas, attrs);
    if (record) await this.runtime.acctWriter!.add(record);
    return { status: 204 };
  }

  /** The NAS registry for sites-enabled/dynamic-clients: the secret and type of a NAS by its address. */
  private async client(path: string): Promise<Answer> {
    let ip: string;
    try {
      ip = decodeURIComponent(path.slice(CLIENTS.length));
    } catch {
      ip = '';
    }
    if (isIP(ip) === 0) return errorAnswer('validation_failed', 'ip');
    const ctx = this.runtime.context!;
    await ctx.directory.whenReady();
    const nas = ctx.directory.nasAt(ip);
    if (!nas || !nas.active) return { status: 404, body: {} };
    const v = (s: string) => ({ value: [s], do_xlat: false });
    return {
      status: 200,
      body: {
        [nas.address.includes(':') ? 'control:FreeRADIUS-Client-IPv6-Address' : 'control:FreeRADIUS-Client-IP-Address']:
          v(nas.address),
        'control:FreeRADIUS-Client-Secret': v(decryptSecret('nas-secret', nas.secretEnc, this.config.secrets)),
        'control:FreeRADIUS-Client-Shortname': v(`nas-${nas.id}`),
        'control:FreeRADIUS-Client-NAS-Type': v('other'),
        'control:FreeRADIUS-Client-Virtual-Server': v('abonent'),
      },
    };
  }
}

function errorAnswer(code: ErrorCode, details = ''): Answer {
  return { status: ERRORS[code].status, body: { error: { code, message: errorMessage(code, { details }, 'en') } } };
}

function respond(a: Answer): LeanResponse {
  return a.body === undefined ? { status: a.status } : { status: a.status, json: JSON.stringify(a.body) };
}

/** An answer known at once (authorize from memory) is sent in the same tick. */
function answered(a: Promise<Answer> | Answer): LeanResponse | Promise<LeanResponse> {
  return a instanceof Promise ? a.then(respond) : respond(a);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** A request's attributes as rlm_rest sends them, checked by hand (this path runs thousands a second). */
export function parseRestAttributes(body: unknown): RestAttributes | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  let n = 0;
  for (const key in body) {
    // No attribute has these names; refusing them keeps a parsed body from ever reaching a prototype.
    if (++n > 256 || key.length > 128 || key === '__proto__' || key === 'constructor') return null;
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
function radiusCaller(config: Config): (authorization: string | undefined, ip: string) => boolean {
  const expected = config.RADIUS_API_KEY ? Buffer.from(`freeradius:${config.RADIUS_API_KEY}`) : null;
  const allow = (config.RADIUS_API_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return (header = '', ip) => {
    if (!expected) return false;
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6).trim(), 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    return allow.length === 0 || allow.some((a) => addressMatches(ip, a));
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
