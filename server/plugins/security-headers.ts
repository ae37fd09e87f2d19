import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmetMiddleware, { type HelmetOptions } from 'helmet';

/**
 * Security headers on every response (@fastify/helmet), decision docs/decisions/0013-security-headers.md:
 *
 * - Content-Security-Policy: everything from our own origin only; no inline script anywhere (the
 *   built app is files); `<style>` elements only with the response's nonce or a known hash. The web
 *   app's index.html asks for a nonce with the route option `helmet: { enableCSPNonces: true }` and
 *   puts `reply.cspNonce.style` on its tags; the app passes it to Mantine (`getStyleNonce`). Pages with
 *   fixed inline style (the test acquirer's card page, Swagger UI) allow it by sha256 hash instead.
 *   No page may be framed (`frame-ancestors 'none'`, and X-Frame-Options: DENY for old browsers).
 *   Forms post only to us.
 * - Strict-Transport-Security in production (TLS ends at the reverse proxy; browsers keep to https).
 * - X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, Cross-Origin-Opener-Policy:
 *   same-origin, Cross-Origin-Resource-Policy: same-origin, a Permissions-Policy that turns off
 *   what a billing portal never uses.
 * - API answers are never stored by caches on the way (Cache-Control: no-store unless a route set one).
 */
export const CSP_DIRECTIVES = {
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

async function securityHeaders(app: FastifyInstance, opts: { production: boolean }) {
  const options = {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CSP_DIRECTIVES, ...(opts.production ? { upgradeInsecureRequests: [] } : {}) },
    },
    hsts: opts.production ? ({ maxAge: 31_536_000, includeSubDomains: true } as const) : (false as const),
    xFrameOptions: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    crossOriginEmbedderPolicy: false as const,
  };
  // Routes with helmet options of their own (a page's nonces or hashes) go through @fastify/helmet;
  // every other route gets the same headers, computed once here: the plugin would build helmet's
  // middleware anew (parsing the policy) on every request, a fifth of a cached API read's time.
  await app.register(helmet, { ...options, global: false });
  const fixed = headersOf(options);
  app.addHook('onRequest', (req, reply, done) => {
    // @fastify/helmet moves a route's own `helmet` option into its config.
    if ((req.routeOptions.config as { helmet?: unknown }).helmet === undefined) {
      for (const name of fixed.removed) reply.raw.removeHeader(name);
      for (const [name, value] of fixed.set) reply.raw.setHeader(name, value);
    }
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
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
