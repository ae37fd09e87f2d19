import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import helmetMiddleware, { type HelmetOptions } from 'helmet';

import { hooksOf } from './route-hooks.js';

/**
 * Security headers on every response (computed by helmet), decision docs/decisions/0013-security-headers.md:
 *
 * - Content-Security-Policy: everything from our own origin only; no inline script anywhere (the
 *   built app is files); `<style>` elements only with the response's nonce or a known hash. The web
 *   app's index.html asks for a nonce with the route option `pagePolicy: { cspNonces: true }` and
 *   puts `reply.cspNonce.style` on its tags; the app passes it to Mantine (`getStyleNonce`). Pages with
 *   fixed inline style allow it by sha256 hash instead (`pagePolicy: { styleSrc }` on the test
 *   acquirer's card page; Swagger UI rewrites its own CSP, server/plugins/openapi.ts).
 *   No page may be framed (`frame-ancestors 'none'`, and X-Frame-Options: DENY for old browsers).
 *   Forms post only to us.
 * - Strict-Transport-Security in production (TLS ends at the reverse proxy; browsers keep to https).
 * - X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, Cross-Origin-Opener-Policy:
 *   same-origin, Cross-Origin-Resource-Policy: same-origin, a Permissions-Policy that turns off
 *   what a billing portal never uses.
 * - JSON answers under /api/ carry the smaller set that matters for an API (`apiHeaders` below), with
 *   Cache-Control: no-store unless a route set its own.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** A page's own policy on top of the site-wide one (route option `pagePolicy`). */
export interface PagePolicy {
  /** A fresh script and style nonce per answer, in the CSP and in `reply.cspNonce` (the built app). */
  cspNonces?: true;
  /** Extra style sources for a page whose inline style is fixed text (its sha256). */
  styleSrc?: string[];
}

declare module 'fastify' {
  interface RouteShorthandOptions {
    pagePolicy?: PagePolicy;
  }
  interface FastifyReply {
    cspNonce: { script: string; style: string };
  }
}

const SCRIPT_NONCE = 'ABONENT-SCRIPT-NONCE';
const STYLE_NONCE = 'ABONENT-STYLE-NONCE';

async function securityHeaders(app: FastifyInstance, opts: { production: boolean }) {
  const options = (directives: typeof CSP_DIRECTIVES) => ({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, ...(opts.production ? { upgradeInsecureRequests: [] } : {}) },
    },
    hsts: opts.production ? ({ maxAge: 31_536_000, includeSubDomains: true } as const) : (false as const),
    xFrameOptions: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    crossOriginEmbedderPolicy: false as const,
  });
  // helmet's headers are computed once, not per request: building its middleware parses the whole
  // policy, and @fastify/helmet (used before) also ran an async hook on every request, routes without
  // options of their own included, which cost a cached API read a third of its speed (docs/scale.md).
  const page = headersOf(options(CSP_DIRECTIVES));
  page.set.push(['permissions-policy', PERMISSIONS_POLICY]);
  const api = apiHeaders(opts.production);
  app.addHook('onRequest', (req, reply, done) => {
    // An API answer's headers go on the reply, not the raw response: Node then checks each header once,
    // as it writes them, instead of once when set and again when Fastify's own are merged in. A route
    // that takes over the response (an event stream) passes reply.getHeaders() on itself.
    if (isApiAnswer(req.url)) for (const [name, value] of api) reply.header(name, value);
    else {
      for (const name of page.removed) reply.raw.removeHeader(name);
      for (const [name, value] of page.set) reply.raw.setHeader(name, value);
    }
    done();
  });

  // A page with a policy of its own gets a route hook that replaces the CSP after the one above.
  app.decorateReply('cspNonce', null as unknown as FastifyReply['cspNonce']);
  app.addHook('onRoute', (route) => {
    const policy = route.pagePolicy;
    if (!policy) return;
    const csp = pageCsp(options, policy);
    const own: onRequestHookHandler = policy.cspNonces
      ? function pageNonces(_req, reply, done) {
          const nonce = { script: randomBytes(16).toString('hex'), style: randomBytes(16).toString('hex') };
          reply.cspNonce = nonce;
          reply.raw.setHeader(
            'content-security-policy',
            csp.replace(SCRIPT_NONCE, nonce.script).replace(STYLE_NONCE, nonce.style),
          );
          done();
        }
      : function fixedPageCsp(_req, reply, done) {
          reply.raw.setHeader('content-security-policy', csp);
          done();
        };
    route.onRequest = [...hooksOf(route.onRequest), own];
  });
}

/** The CSP of a page with its own policy; nonces stay placeholders, filled per answer. */
function pageCsp(options: (d: typeof CSP_DIRECTIVES) => HelmetOptions, policy: PagePolicy): string {
  const nonces = policy.cspNonces;
  const directives = {
    ...CSP_DIRECTIVES,
    scriptSrc: [...CSP_DIRECTIVES.scriptSrc, ...(nonces ? [`'nonce-${SCRIPT_NONCE}'`] : [])],
    styleSrc: [...CSP_DIRECTIVES.styleSrc, ...(policy.styleSrc ?? []), ...(nonces ? [`'nonce-${STYLE_NONCE}'`] : [])],
  };
  const csp = headersOf(options(directives)).set.find(([name]) => name.toLowerCase() === 'content-security-policy');
  if (!csp) throw new Error('helmet wrote no Content-Security-Policy');
  return csp[1];
}

/**
 * A JSON answer is never rendered as a document, so the headers that govern a page (what it may load,
 * open or use, where its links leak) do nothing there. An API answer carries what the OWASP REST
 * Security Cheat Sheet ("Security Headers") lists for one: it is never stored on the way (a route may
 * set its own Cache-Control, which replaces this one), never sniffed into HTML (which also makes
 * browsers' cross-origin read blocking refuse it to other sites' pages), never framed, and loads
 * nothing if a browser is tricked into opening it. Fewer headers make the most requested answers
 * lighter (bench:api, docs/scale.md).
 */
function apiHeaders(production: boolean): [string, string][] {
  return [
    ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
    ['x-frame-options', 'DENY'],
    ['x-content-type-options', 'nosniff'],
    ['cache-control', 'no-store'],
    ...(production ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
}

/** Swagger UI's pages under /api/docs are documents, whatever their prefix. */
function isApiAnswer(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

/** What helmet's middleware does to a response for these options, recorded once. */
function headersOf(options: HelmetOptions): { set: [string, string][]; removed: string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const res = {
    setHeader: (name: string, value: string) => void set.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
  };
  helmetMiddleware(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet refused its options');
  });
  return { set, removed };
}

export default fp(securityHeaders, { name: 'security-headers' });
