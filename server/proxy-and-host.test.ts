import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { Database } from './db/client.js';
import { PORTAL_ME_LIMIT } from './modules/network/find-portal-subscriber.js';
import { createTestDatabase } from './test/db.js';

/**
 * Issue 26, item 9: TRUST_PROXY takes addresses and CIDRs only; a proxy nobody declared is reported
 * once; the dev outbox answers only to this machine's name (DNS rebinding); the captive portal's
 * "who am I" is throttled per address.
 */
interface Built {
  app: FastifyInstance;
  database: Database;
  lines: string[];
}
async function build(env: Record<string, string>): Promise<Built> {
  const database = await createTestDatabase();
  const lines: string[] = [];
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DEMO_SEED: '0', ...env });
  const app = await buildApp({
    config,
    database,
    logger: { level: 'warn', stream: { write: (l: string) => lines.push(l) } },
  });
  return { app, database, lines };
}

let open: Built;
let behindProxy: Built;
beforeAll(async () => {
  open = await build({});
  behindProxy = await build({ TRUST_PROXY: '10.0.0.1, 2001:db8::/32' });
}, 180_000);
afterAll(async () => {
  for (const b of [open, behindProxy]) {
    await b?.app.close();
    await b?.database.close();
  }
});

describe('TRUST_PROXY', () => {
  it('takes addresses and CIDRs, and refuses `true` and anything else at start with what to write', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '127.0.0.1, ::1,10.0.0.0/8 ,2001:db8::/32' }).trustProxy,
    ).toEqual(['127.0.0.1', '::1', '10.0.0.0/8', '2001:db8::/32']);
    for (const bad of ['true', '*', 'loopback', '10.0.0.0/33', '::1/129', 'proxy.internal', '10.0.0.1,junk', '1.2.3']) {
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad }), bad).toThrow(
        /TRUST_PROXY: .* is not an address or CIDR/,
      );
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY=127\.0\.0\.1,::1/);
    }
  });

  it('believes X-Forwarded-For only from the listed proxies', async () => {
    // Through the declared proxy, each client is itself: 70 clients, none throttled.
    for (let i = 0; i < 70; i++) {
      const r = await behindProxy.app.inject({
        url: '/api/portal/me',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      expect(r.statusCode).toBe(200);
    }
    // From anyone else the header is ignored: one address, so the limit applies to all of them at once.
    const codes: number[] = [];
    for (let i = 0; i < PORTAL_ME_LIMIT.limit; i++) {
      const r = await behindProxy.app.inject({
        url: '/api/portal/me',
        remoteAddress: '192.0.2.50',
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      codes.push(r.statusCode);
    }
    expect(codes.at(-1)).toBe(429);
    // With TRUST_PROXY set, a forwarded request is no misconfiguration.
    expect(behindProxy.lines.filter((l) => l.includes('misconfiguration'))).toEqual([]);
  });

  it('unset, a request that came through a proxy is reported once, naming the peer', async () => {
    for (let i = 0; i < 3; i++)
      await open.app.inject({
        url: '/api/health',
        remoteAddress: '10.9.9.9',
        headers: { 'x-forwarded-for': '1.2.3.4' },
      });
    const said = open.lines.filter((l) => l.includes('misconfiguration'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({ level: 40, peer: '10.9.9.9' });
    expect(said[0]).toContain('TRUST_PROXY');
  });
});

describe('the dev outbox and DNS rebinding', () => {
  it('answers a loopback browser only when Host names this machine', async () => {
    const get = (host: string) =>
      open.app.inject({ url: '/api/dev/outbox', remoteAddress: '127.0.0.1', headers: { host } });
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'localhost'])
      expect((await get(host)).statusCode, host).toBe(200);
    // A page of evil.example whose name was pointed at 127.0.0.1 comes from the loopback with its own Host.
    for (const host of ['evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io:3000']) {
      const r = await get(host);
      expect(r.statusCode, host).toBe(404);
      expect(r.json().error.code).toBe('route_not_found');
    }
    const page = await open.app.inject({
      url: '/dev/outbox',
      remoteAddress: '127.0.0.1',
      headers: { host: 'evil.example' },
    });
    expect(page.statusCode).toBe(404);
  });
});

describe('/api/portal/me', () => {
  it('answers an address 60 times a minute, then asks it to wait; other addresses are not affected', async () => {
    const ask = (ip: string) => open.app.inject({ url: '/api/portal/me', remoteAddress: ip });
    for (let i = 1; i < PORTAL_ME_LIMIT.limit; i++) expect((await ask('100.64.1.1')).statusCode).toBe(200);
    const refused = await ask('100.64.1.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await ask('100.64.1.2')).statusCode).toBe(200);
  });
});
