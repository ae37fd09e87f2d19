import { timingSafeEqual } from 'node:crypto';
import { type AddressInfo, isIP, type Server } from 'node:net';

import type { FastifyBaseLogger } from 'fastify';

import { type ErrorCode, errorMessage, ERRORS } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import { radiusAccounting, radiusAuth, radiusRequestDuration } from '../../metrics/metrics.js';
import { authorizeAccess } from './authorize-access.js';
import { closeLeanServer, createLeanServer, type LeanHandler, type LeanResponse } from './lean-http.js';
import { decryptSecret } from './network-crypto.js';
import type { NetworkRuntime } from './network-runtime.js';
import type { RestAttributes } from './radius-attributes.js';
import { accountingRecord, postAuthRecord } from './record-radius.js';
import type { AuthRecord } from './write-radius-records.js';

const BODY_LIMIT = 64 * 1024;
const NOT_READY: Answer = { status: 503, body: { 'reply:Reply-Message': { value: ['Not ready'], do_xlat: false } } };
const CLIENTS = '/api/radius/clients/';

type Query = URLSearchParams;
type Answer = { status: number; body?: object };
type Route = (attrs: RestAttributes, nas: string, q: Query) => Promise<Answer> | Answer;

/** Label children made once (this path runs thousands of times a second). */
const timers = {
  '/api/radius/authorize': radiusRequestDuration.labels('authorize'),
  '/api/radius/post-auth': radiusRequestDuration.labels('post-auth'),
  '/api/radius/accounting': radiusRequestDuration.labels('accounting'),
  clients: radiusRequestDuration.labels('clients'),
} as const;
const outcomes = new Map<string, { inc(): void }>();

/** Counts an Access-Request's outcome: a debtor's or a suspended subscriber's accept is a redirect. */
function countOutcome(r: Pick<AuthRecord, 'result' | 'detail'>): void {
  const result =
    r.result === 'reject' ? 'reject' : r.detail === 'debtor' || r.detail === 'suspended' ? 'redirect' : 'accept';
  const key = `${result}|${r.detail}`;
  let c = outcomes.get(key);
  if (!c) outcomes.set(key, (c = radiusAuth.labels(result, r.detail.slice(0, 32))));
  c.inc();
}

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
      const started = performance.now();
      if (req.method === 'GET') return answered(this.client(req.path), timers.clients, started);
      const query = new URLSearchParams(req.query);
      const nas = query.get('nas');
      if (!nas || isIP(nas) === 0) return respond(errorAnswer('validation_failed', 'nas'));
      const attrs = parseRestAttributes(parseJson(body));
      if (!attrs) return respond(errorAnswer('validation_failed', 'body'));
      const timer = timers[req.path as keyof typeof timers];
      return answered(this.routes[req.path]!(attrs, nas, query), timer, started);
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

  /**
   * Listens on host:port, over TLS when given a certificate and key (PEM); returns the base URL
   * (`http://127.0.0.1:3812`, `https://…`).
   */
  async listen(o: {
    host: string;
    port: number;
    tls?: { cert: string | Buffer; key: string | Buffer };
  }): Promise<string> {
    // rlm_rest keeps its connections for a minute (pool idle_timeout = 60): closing them sooner would
    // make FreeRADIUS reconnect under load.
    const server = createLeanServer(this.http, { keepAliveMs: 72_000, tls: o.tls });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    return `${o.tls ? 'https' : 'http'}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
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
      return ctx.directory.whenReady().then((ready) => {
        if (ready) return this.decide(ctx, attrs, nas);
        radiusAuth.inc({ result: 'error', reason: 'not_ready' });
        return NOT_READY;
      });
    }
    return this.decide(ctx, attrs, nas);
  }

  private decide(ctx: NonNullable<NetworkRuntime['context']>, attrs: RestAttributes, nas: string): Answer {
    const { answer, record } = authorizeAccess(ctx, nas, attrs);
    // The outcome is logged, not waited for (docs/network.md, "Post-auth log"): writing it before
    // answering cost a database statement per handful of Access-Requests.
    if (record) {
      this.runtime.authWriter!.log(record);
      countOutcome(record);
    } else if (answer.status === 503) radiusAuth.inc({ result: 'error', reason: 'unavailable' });
    return { status: answer.status, body: answer.body };
  }

  private async postAuth(attrs: RestAttributes, nas: string, q: Query): Promise<Answer> {
    const result = (q.get('result') ?? '').slice(0, 16);
    const auth = (q.get('auth') || 'none').slice(0, 32);
    const cached = q.get('cached') === 'yes';
    if (!result) return errorAnswer('validation_failed', 'result');
    const ctx = this.runtime.context!;
    await ctx.directory.whenReady();
    const record = postAuthRecord(ctx, { nas, result, auth, cached }, attrs);
    this.runtime.authWriter!.log(record);
    countOutcome(record);
    return { status: 204 };
  }

  private async accounting(attrs: RestAttributes, nas: string): Promise<Answer> {
    const ctx = this.runtime.context!;
    await ctx.directory.whenReady();
    const record = accountingRecord(ctx, nas, attrs);
    radiusAccounting.inc({ status: record ? statusOf(attrs) : 'ignored' });
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
        // Blast-RADIUS: FreeRADIUS drops this NAS's Access-Requests that carry no Message-Authenticator.
        'control:FreeRADIUS-Client-Require-MA': v(nas.requireMessageAuthenticator ? 'yes' : 'no'),
        'control:FreeRADIUS-Client-Virtual-Server': v('abonent'),
      },
    };
  }
}

function errorAnswer(code: ErrorCode, details = ''): Answer {
  return { status: ERRORS[code].status, body: { error: { code, message: errorMessage(code, { details }, 'en') } } };
}

function respond(a: Answer): LeanResponse {
  return a.body === undefined ? { status: a.status } : { status: a.status, json: JSON.stringify(restWire(a.body)) };
}

/** Text FreeRADIUS's expansion leaves as it is: no `%` (an expansion) and no `\` (an escape). */
const LITERAL = /^[^%\\]*$/;

/**
 * The answer as rlm_rest reads it. An attribute with one value that expansion cannot change (a number,
 * or text without `%` or `\`) goes plain, `"reply:Framed-IP-Address": "10.0.0.5"`: rlm_rest expands a
 * plain string, which changes nothing here, and json-c builds no object and array for it, which was a
 * fifth of FreeRADIUS's time per request (bench:radius, docs/network.md). Anything else — a password, a
 * value a NAS or a subscriber chose, several values, an operator — keeps the long form with expansion
 * off, so a `%{…}` in it stays text.
 */
export function restWire(body: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(body)) {
    const long = attr as { value?: unknown[]; op?: string; do_xlat?: boolean };
    const only = Array.isArray(long?.value) && long.value.length === 1 && !long.op ? long.value[0] : undefined;
    const plain = typeof only === 'number' || (typeof only === 'string' && LITERAL.test(only));
    out[name] = plain ? only : attr;
  }
  return out;
}

/** An answer known at once (authorize from memory) is sent in the same tick; its time is observed. */
function answered(
  a: Promise<Answer> | Answer,
  timer: { observe(v: number): void },
  started: number,
): LeanResponse | Promise<LeanResponse> {
  if (!(a instanceof Promise)) {
    timer.observe((performance.now() - started) / 1000);
    return respond(a);
  }
  return a.then((x) => {
    timer.observe((performance.now() - started) / 1000);
    return respond(x);
  });
}

/** Acct-Status-Type as a metric label. */
function statusOf(attrs: RestAttributes): string {
  const raw = attrs['Acct-Status-Type']?.value?.[0];
  const v = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  return (
    (
      {
        Start: 'start',
        '1': 'start',
        Stop: 'stop',
        '2': 'stop',
        'Interim-Update': 'interim',
        Alive: 'interim',
        '3': 'interim',
        'Accounting-On': 'on',
        '7': 'on',
        'Accounting-Off': 'off',
        '8': 'off',
      } as Record<string, string>
    )[v] ?? 'ignored'
  );
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
