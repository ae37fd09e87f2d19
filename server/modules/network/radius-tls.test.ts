import { readFileSync, rmSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../config.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildSubscriber } from '../../test/factories.js';
import { hasFreeRadius, radclient, startFreeRadius } from '../../test/freeradius.js';
import { buildNas, buildNetworkAccess, networkTestConfig } from '../../test/network-factories.js';
import { makeTestCertificates } from '../../test/tls-certs.js';

/**
 * Issue 25: the rlm_rest link carries clear PPPoE passwords and NAS secrets. Over TLS (RADIUS_API_TLS_CERT)
 * FreeRADIUS's rlm_rest checks the certificate against ABONENT_RADIUS_CA and its name against the URL;
 * plain HTTP is refused by the listener, and a non-loopback address without TLS is refused by the config.
 */
const SECRET = 'nas-secret-tls';
let t: TestContext;
let certs: ReturnType<typeof makeTestCertificates>;
let url: string;

beforeAll(async () => {
  certs = makeTestCertificates();
  t = await createTestApp(networkTestConfig({ RADIUS_CACHE_SECONDS: 0 }));
  const { region } = await buildSubscriber(t.database.db);
  await buildNas(t.database.db, {
    regionId: region.id,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: SECRET,
  });
  url = await t.app.deps.network.api()!.listen({
    host: '127.0.0.1',
    port: 0,
    tls: { cert: readFileSync(certs.cert), key: readFileSync(certs.key) },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

describe('the rlm_rest link over TLS', () => {
  it('refuses a non-loopback listener without TLS or an allow-list', () => {
    const base = { NODE_ENV: 'test', RADIUS_API_KEY: 'k'.repeat(20), RADIUS_API_HOST: '10.0.0.5' };
    expect(() => loadConfig(base)).toThrow(/RADIUS_API_HOST: 10\.0\.0\.5 is not a loopback address/);
    expect(loadConfig({ ...base, RADIUS_API_TLS_CERT: '/c.pem', RADIUS_API_TLS_KEY: '/k.pem' }).RADIUS_API_HOST).toBe(
      '10.0.0.5',
    );
    expect(loadConfig({ ...base, RADIUS_API_ALLOW: '10.0.0.9' }).RADIUS_API_ALLOW).toBe('10.0.0.9');
    expect(() => loadConfig({ ...base, RADIUS_API_TLS_CERT: '/c.pem', RADIUS_API_ALLOW: '10.0.0.9' })).toThrow(
      /set both/,
    );
    expect(loadConfig({ NODE_ENV: 'test', RADIUS_API_KEY: 'k'.repeat(20) }).RADIUS_API_HOST).toBe('127.0.0.1');
  });

  it('answers https only', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const plain = await fetch(url.replace('https:', 'http:') + '/api/radius/clients/127.0.0.1').catch((e: Error) => e);
    expect(plain).toBeInstanceOf(Error);
  });

  it.skipIf(!hasFreeRadius)(
    'FreeRADIUS authorizes through it, and refuses a certificate its CA did not sign',
    async () => {
      const s = await buildSubscriber(t.database.db, { balance: 50_000 });
      const a = await buildNetworkAccess(t.database.db, { accountId: s.account.id, appSecret: t.config.secret });
      const deadline = Date.now() + 10_000;
      while (!t.app.deps.network.directory!.byLoginName(a.login!) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const creds = { 'User-Name': a.login!, 'User-Password': a.password };
      const trusted = await startFreeRadius({ abonentUrl: url, apiKey: t.config.RADIUS_API_KEY!, caFile: certs.ca });
      try {
        expect((await radclient(trusted.authPort, 'auth', SECRET, creds)).code).toBe('Access-Accept');
      } finally {
        await trusted.stop();
      }
      const fooled = await startFreeRadius({
        abonentUrl: url,
        apiKey: t.config.RADIUS_API_KEY!,
        caFile: certs.otherCa,
      });
      try {
        // The NAS itself is unknown to it: no client lookup succeeds, so the request is not even answered.
        expect((await radclient(fooled.authPort, 'auth', SECRET, creds, { timeoutSeconds: 3 })).code).not.toBe(
          'Access-Accept',
        );
        expect(fooled.output()).toMatch(/SSL|certificate/i);
      } finally {
        await fooled.stop();
      }
    },
  );
});
