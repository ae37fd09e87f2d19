import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

import cookiesPlugin from './cookies.js';

async function appWithCookies() {
  const app = Fastify();
  await app.register(cookiesPlugin);
  app.get('/read', (req) => ({ cookies: req.cookies }));
  app.get('/set', (_req, reply) =>
    reply
      .setCookie('session', 'tok en', { httpOnly: true, secure: true, sameSite: 'lax', path: '/' })
      .setCookie('csrf', 'abc', { sameSite: 'strict', path: '/' })
      .send({ ok: true }),
  );
  app.get('/clear', (_req, reply) => reply.clearCookie('session').clearCookie('csrf', { path: '/api' }).send({}));
  return app;
}

describe('cookies', () => {
  it('reads the Cookie header, decoded, and an empty set when none was sent', async () => {
    const app = await appWithCookies();
    const sent = await app.inject({ url: '/read', headers: { cookie: 'session=a%20b; lang=en' } });
    expect(sent.json()).toEqual({ cookies: { session: 'a b', lang: 'en' } });
    expect((await app.inject({ url: '/read' })).json()).toEqual({ cookies: {} });
  });

  it('writes one Set-Cookie header per cookie, with its attributes', async () => {
    const app = await appWithCookies();
    const res = await app.inject({ url: '/set' });
    expect(res.headers['set-cookie']).toEqual([
      'session=tok%20en; Path=/; HttpOnly; Secure; SameSite=Lax',
      'csrf=abc; Path=/; SameSite=Strict',
    ]);
    // What a browser keeps from them.
    expect(res.cookies.map((c) => [c.name, c.value, c.httpOnly ?? false])).toEqual([
      ['session', 'tok en', true],
      ['csrf', 'abc', false],
    ]);
  });

  it('clears a cookie: empty, expired now, on its path (/ unless told)', async () => {
    const app = await appWithCookies();
    const res = await app.inject({ url: '/clear' });
    expect(res.headers['set-cookie']).toEqual([
      'session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      'csrf=; Max-Age=0; Path=/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
  });

  it('an answer that sets no cookie carries no Set-Cookie header', async () => {
    const app = await appWithCookies();
    const res = await app.inject({ url: '/read', headers: { cookie: 'session=x' } });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a cookie value a header cannot carry instead of writing a broken header', async () => {
    const app = Fastify();
    await app.register(cookiesPlugin);
    app.get('/bad', (_req, reply) => reply.setCookie('bad name', 'x').send({}));
    expect((await app.inject({ url: '/bad' })).statusCode).toBe(500);
  });
});
