import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../config.js';
import { resealSecrets } from '../../crypto/reseal-secrets.js';
import { queryRows } from '../../db/client.js';
import { buildApp, createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { hashPassword } from './passwords.js';
import { currentTotp, newTotpSecret } from './totp.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let ipSeq = 1;
const freshIp = () => `10.77.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

describe('current password at password change', () => {
  it('is throttled like sign-in: five wrong guesses lock the contract, for the sign-in form too', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        remoteAddress: freshIp(),
        headers: { ...s.auth, 'accept-language': 'en' },
        payload: { currentPassword, newPassword: 'Brand-new-pass-2026' },
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await change(`guess-${i}`));
    expect(answers.map((a) => a.json().error.code)).toEqual([
      'wrong_current_password',
      'wrong_current_password',
      'wrong_current_password',
      'wrong_current_password',
      'rate_limited',
      'rate_limited',
    ]);
    expect(Number(answers[5]!.headers['retry-after'])).toBeGreaterThan(60);
    // Even the right password waits now, here and at the sign-in form.
    expect((await change(s.password)).statusCode).toBe(429);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: freshIp(),
      payload: { contract: s.contract.number, password: s.password },
    });
    expect(login.statusCode).toBe(429);
  });
});

describe('sign out', () => {
  it('needs the CSRF header with a session cookie, so another site cannot sign anyone out', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: freshIp(),
      payload: { contract: s.contract.number, password: s.password },
    });
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    const real = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
    });
    expect(real.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('staff TOTP secrets at rest', () => {
  it('are stored encrypted, survive a rotation of APP_SECRET, and are resealed under the new one', async () => {
    const password = 'Staff-pass-2026-x';
    const staff = await buildStaff(t.database.db, { role: 'operator', passwordHash: await hashPassword(password) });
    const secret = newTotpSecret();
    const enable = await t.app.inject({
      method: 'POST',
      url: '/api/staff/me/totp/enable',
      headers: staff.auth,
      payload: { secret, code: currentTotp(secret) },
    });
    expect(enable.statusCode).toBe(200);
    const stored = async () =>
      (
        await queryRows<{ totp_secret: string }>(
          t.database.db,
          sql`select totp_secret from staff_users where id = ${staff.user.id}`,
        )
      )[0]!.totp_secret;
    const sealed = await stored();
    expect(sealed).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(sealed).not.toContain(secret);

    const signIn = (app = t.app) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: staff.user.email, password, totp: currentTotp(secret) },
      });
    expect((await signIn()).statusCode).toBe(200);

    // Rotation: a new APP_SECRET with the old one as previous still opens it…
    const rotated = { ...t.config, ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }) };
    rotated.secrets = { current: 'second-secret-of-this-isp-0002', previous: [t.config.secret] };
    const app2 = await buildApp({ config: rotated, database: t.database });
    try {
      expect((await signIn(app2)).statusCode).toBe(200);
      // …and reseal moves it under the new one, after which the old secret is no longer needed.
      const done = await resealSecrets(t.database.db, rotated.secrets);
      expect(done['staff TOTP secrets']).toBeGreaterThanOrEqual(1);
      expect(await stored()).not.toBe(sealed);
      rotated.secrets = { current: 'second-secret-of-this-isp-0002', previous: [] };
      expect((await signIn(app2)).statusCode).toBe(200);
    } finally {
      await app2.close();
    }
  });

  it('accepts a secret stored in clear before encryption and seals it at reseal', async () => {
    const password = 'Staff-pass-2026-y';
    const staff = await buildStaff(t.database.db, { role: 'support', passwordHash: await hashPassword(password) });
    const secret = newTotpSecret();
    await t.database.db.execute(sql`update staff_users set totp_secret = ${secret} where id = ${staff.user.id}`);
    const signIn = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: staff.user.email, password, totp: currentTotp(secret) },
      });
    expect((await signIn()).statusCode).toBe(200);
    // (The other test left a value under another key: it stays readable as a previous one.)
    await resealSecrets(t.database.db, { current: t.config.secret, previous: ['second-secret-of-this-isp-0002'] });
    const [row] = await queryRows<{ totp_secret: string }>(
      t.database.db,
      sql`select totp_secret from staff_users where id = ${staff.user.id}`,
    );
    expect(row!.totp_secret).toMatch(/^v2:/);
    expect((await signIn()).statusCode).toBe(200);
  });
});
