import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEV_SECRET, loadConfig } from './config.js';
import { isEmptyDatabase } from './db/migrate.js';
import { listeningUrl, seedDemoIfAsked, startupBanner } from './first-start.js';
import { baseUrlOf } from './plugins/base-url.js';
import { createTestApp, type TestContext } from './test/app.js';

const SECRET = 'a-production-secret-of-32-chars!';

let dev: TestContext;
let prod: TestContext;
beforeAll(async () => {
  dev = await createTestApp({ NODE_ENV: 'development' });
  prod = await createTestApp({ NODE_ENV: 'production' });
}, 180_000); // two databases, migrated: slow on a loaded 2-core machine

afterAll(async () => {
  await dev?.close();
  await prod?.close();
});

describe('production configuration', () => {
  it('refuses to start without APP_SECRET and PUBLIC_URL, naming both', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/APP_SECRET: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET })).toThrow(/PUBLIC_URL/);
  });

  it('never loads demo data by default in production; development does unless DEMO_SEED=0', () => {
    const prod = loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET, PUBLIC_URL: 'https://lk.isp.ru/' });
    expect(prod.DEMO_SEED).toBe(false);
    expect(prod.publicUrl).toBe('https://lk.isp.ru');
    expect(
      loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET, PUBLIC_URL: 'https://x.ru', DEMO_SEED: '1' }).DEMO_SEED,
    ).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).DEMO_SEED).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DEMO_SEED: '0' }).DEMO_SEED).toBe(false);
  });

  it('development listens on 127.0.0.1; production on 0.0.0.0 unless HOST says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'development', HOST: '::1' }).NODE_ENV).toBe('development');
    expect(loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET, PUBLIC_URL: 'https://x.ru' }).HOST).toBe('0.0.0.0');
  });
});

// Issue 26, item 1: a unit file that forgets NODE_ENV, or development on a public address, fails closed.
describe('production is the default', () => {
  const PROD = { APP_SECRET: SECRET, PUBLIC_URL: 'https://lk.isp.ru' };

  it('NODE_ENV unset runs as production: no start without APP_SECRET and PUBLIC_URL, and it says why', () => {
    expect(() => loadConfig({})).toThrow(/APP_SECRET: required in production/);
    expect(() => loadConfig({})).toThrow(/NODE_ENV is unset, so this runs as production/);
    const c = loadConfig(PROD);
    expect(c.NODE_ENV).toBe('production');
    expect(c.DEMO_SEED).toBe(false);
    expect(c.HOST).toBe('0.0.0.0');
  });

  it('development on an address other machines reach runs as production', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0' })).toThrow(
      /NODE_ENV=development applies only on a loopback HOST/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', HOST: '192.0.2.10' })).toThrow(/APP_SECRET: required in production/);
    const c = loadConfig({ NODE_ENV: 'development', HOST: '0.0.0.0', ...PROD });
    expect(c.NODE_ENV).toBe('production');
    expect(c.DEMO_SEED).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', HOST: 'localhost' }).NODE_ENV).toBe('development');
  });

  it('refuses the development APP_SECRET in production', () => {
    expect(() => loadConfig({ ...PROD, APP_SECRET: DEV_SECRET })).toThrow(
      /APP_SECRET: the development value is public/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', ...PROD, APP_SECRET: DEV_SECRET })).toThrow(/development value/);
  });

  it('refuses the test acquirer in PAYMENT_PROVIDERS in production, and an unknown provider anywhere', () => {
    for (const spec of ['test_acquirer', 'msk=yookassa;*=test_acquirer', 'spb=yookassa,test_acquirer'])
      expect(() => loadConfig({ ...PROD, PAYMENT_PROVIDERS: spec })).toThrow(/test_acquirer is refused in production/);
    expect(loadConfig({ ...PROD, PAYMENT_PROVIDERS: 'msk=yookassa;*=yookassa' }).PAYMENT_PROVIDERS).toBe(
      'msk=yookassa;*=yookassa',
    );
    expect(loadConfig({ NODE_ENV: 'development', PAYMENT_PROVIDERS: 'test_acquirer' }).PAYMENT_PROVIDERS).toBe(
      'test_acquirer',
    );
    expect(() => loadConfig({ NODE_ENV: 'development', PAYMENT_PROVIDERS: 'yokassa' })).toThrow(
      /unknown provider "yokassa"/,
    );
  });

  it('a production app never builds the test acquirer nor routes its card page or webhook', async () => {
    expect(prod.app.deps.acquirers.test_acquirer).toBeUndefined();
    expect(dev.app.deps.acquirers.test_acquirer).toBeDefined();
    const routes = [
      { method: 'GET' as const, url: '/pay/test-acquirer/ta_1' },
      { method: 'POST' as const, url: '/pay/test-acquirer/ta_1', payload: 'pan=4111111111111111' },
      { method: 'POST' as const, url: '/pay/test-acquirer/ta_1/3ds', payload: 'code=123456' },
      { method: 'POST' as const, url: '/api/payments/webhooks/test-acquirer', payload: { object: { id: 'ta_1' } } },
    ];
    for (const r of routes) {
      const res = await prod.app.inject({
        ...r,
        headers: typeof r.payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      });
      expect(res.statusCode, r.url).toBe(404);
      expect(res.json().error.code, r.url).toBe('route_not_found');
      // In development the same routes exist (an unknown payment is "Not found" from the page itself).
      const there = await dev.app.inject({
        ...r,
        headers: typeof r.payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      });
      expect(there.body, r.url).not.toContain('route_not_found');
    }
  });
});

describe('first start of an empty production database', () => {
  it('loads no demo data and says to create the first administrator', async () => {
    const database = prod.database;
    {
      const config = loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET, PUBLIC_URL: 'https://lk.isp.ru' });
      const said: string[] = [];
      await seedDemoIfAsked(database, config, (s) => said.push(s));
      expect(said).toEqual([]);
      expect(await isEmptyDatabase(database)).toBe(true);
      const banner = (await startupBanner(database, config, config.publicUrl)).join('\n');
      expect(banner).toContain('No administrator yet');
      expect(banner).toContain('abonent staff create-admin --email');
      expect(banner).toContain('https://lk.isp.ru/staff/login');
      expect(banner).not.toMatch(/Demo logins|dev\/outbox|seed-demo/);
    }
  });

  it('the banner shows the address the server really listens on, PUBLIC_URL when set', () => {
    const dev = loadConfig({ NODE_ENV: 'development', PORT: '3000' });
    expect(listeningUrl(dev, { address: '127.0.0.1', family: 'IPv4', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(listeningUrl(dev, { address: '::', family: 'IPv6', port: 3001 })).toBe('http://localhost:3001');
    const prod = loadConfig({ NODE_ENV: 'production', APP_SECRET: SECRET, PUBLIC_URL: 'https://lk.isp.ru' });
    expect(listeningUrl(prod, { address: '0.0.0.0', family: 'IPv4', port: 3000 })).toBe('https://lk.isp.ru');
  });
});

describe('links back to us (card payment return)', () => {
  const req = (host: string) => ({ headers: { host }, protocol: 'http' }) as Parameters<typeof baseUrlOf>[0];
  it('use PUBLIC_URL when set, whatever the Host header says', () => {
    const config = { PUBLIC_URL: 'https://lk.isp.ru', publicUrl: 'https://lk.isp.ru' };
    expect(baseUrlOf(req('evil.example'), config)).toBe('https://lk.isp.ru');
    expect(baseUrlOf(req('127.0.0.1:3000'), config)).toBe('https://lk.isp.ru');
  });
  it('without PUBLIC_URL, keep the local address the browser used and ignore any other host', () => {
    const config = { PUBLIC_URL: undefined, publicUrl: 'http://localhost:3000' };
    expect(baseUrlOf(req('127.0.0.1:3000'), config)).toBe('http://127.0.0.1:3000');
    expect(baseUrlOf(req('localhost:3000'), config)).toBe('http://localhost:3000');
    expect(baseUrlOf(req('evil.example'), config)).toBe('http://localhost:3000');
  });
});

describe('security headers and development pages', () => {
  it('every answer forbids framing and sniffing and has a CSP without inline scripts', async () => {
    for (const url of ['/api/health', '/api/no-such-route', '/pay/test-acquirer/nope']) {
      const r = await dev.app.inject({ url });
      const csp = String(r.headers['content-security-policy']);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
    // A page may load only from us; a JSON answer may load nothing and is never stored on the way.
    const page = await dev.app.inject({ url: '/pay/test-acquirer/nope' });
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(page.headers['permissions-policy']).toContain('camera=()');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const api = await dev.app.inject({ url: '/api/health' });
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers['cache-control']).toBe('no-store');
    // Refusals carry the same set: an unknown route, a missing session, a malformed body.
    const refusals = [
      await dev.app.inject({ url: '/api/nope' }),
      await dev.app.inject({ url: '/api/me/overview' }),
      await dev.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: '{',
        headers: { 'content-type': 'application/json' },
      }),
    ];
    expect(refusals.map((r) => r.statusCode)).toEqual([404, 401, 400]);
    for (const r of refusals) {
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  it('production adds HSTS and upgrade-insecure-requests', async () => {
    for (const url of ['/api/health', '/pay/test-acquirer/nope'])
      expect((await prod.app.inject({ url })).headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const page = await prod.app.inject({ url: '/pay/test-acquirer/nope' });
    expect(String(page.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });

  it('the dev outbox answers only to this machine, never through a proxy, and does not exist in production', async () => {
    expect((await dev.app.inject({ url: '/api/dev/outbox', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await dev.app.inject({ url: '/dev/outbox', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    const remote = await dev.app.inject({ url: '/api/dev/outbox', remoteAddress: '192.0.2.7' });
    expect(remote.statusCode).toBe(404);
    expect(remote.json().error.code).toBe('route_not_found');
    const proxied = await dev.app.inject({
      url: '/dev/outbox',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '192.0.2.7' },
    });
    expect(proxied.statusCode).toBe(404);
    expect((await prod.app.inject({ url: '/api/dev/outbox' })).statusCode).toBe(404);
  });

  it('a signed-out page asks who is signed in and gets 200 with nobody', async () => {
    const r = await dev.app.inject({ url: '/api/auth/session' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ me: null });
  });
});
