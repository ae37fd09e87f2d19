import { parseCookie, type SetCookie, stringifySetCookie } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Cookies without a hook (decision 0029): `req.cookies` is parsed from the Cookie header when first
 * read, and `reply.setCookie` writes its Set-Cookie header at once. @fastify/cookie, which this
 * replaces, parsed every request's header in an onRequest hook and wrote cookies from an onSend hook;
 * with an onSend hook in the app, Fastify runs that step for every answer, and most answers (a bearer
 * API call, a cached read) set none. Parsing and serialising are the `cookie` library's (jshttp).
 */

export type CookieOptions = Omit<SetCookie, 'name' | 'value'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's cookies by name (parsed on first read; empty when it sent none). */
    readonly cookies: Record<string, string | undefined>;
  }
  interface FastifyReply {
    /** Adds a Set-Cookie header to this answer (several calls add several headers). */
    setCookie(name: string, value: string, options?: CookieOptions): FastifyReply;
    /** Tells the browser to drop a cookie: empty, expired, on the same path and domain it was set with. */
    clearCookie(name: string, options?: Pick<CookieOptions, 'path' | 'domain'>): FastifyReply;
  }
}

const parsed = Symbol('parsed cookies');
type WithParsed = FastifyRequest & { [parsed]?: Record<string, string | undefined> };

async function cookiesPlugin(app: FastifyInstance) {
  app.decorateRequest(parsed, undefined);
  app.decorateRequest('cookies', {
    getter(this: WithParsed) {
      if (this[parsed] === undefined) {
        const header = this.headers.cookie;
        this[parsed] = header ? parseCookie(header) : {};
      }
      return this[parsed];
    },
  });
  app.decorateReply('setCookie', function setCookie(this: FastifyReply, name: string, value: string, options = {}) {
    // Fastify appends a second set-cookie header to the first instead of replacing it.
    return this.header('set-cookie', stringifySetCookie({ ...options, name, value }));
  });
  app.decorateReply('clearCookie', function clearCookie(this: FastifyReply, name: string, options = {}) {
    return this.setCookie(name, '', { path: '/', ...options, expires: new Date(0), maxAge: 0 });
  });
}

export default fp(cookiesPlugin, { name: 'cookies' });
