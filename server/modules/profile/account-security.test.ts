import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { nextTotpCode, signedInSubscriber } from '../../test/sign-in.js';
import { currentTotp, newTotpSecret } from '../auth/totp.js';

/**
 * Issue 26, item 5: a stolen subscriber session must not become a stolen account. Messages are read
 * from the outbox (what would be sent), in the order written.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(() => t.close());

let ipSeq = 1;
const freshIp = () => `10.55.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;
const UA = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
};

async function outbox(accountId: number) {
  return queryRows<{ template: string; channel: string; address: string | null; body: string }>(
    t.database.db,
    sql`select template, channel, address, body from outbox where account_id = ${accountId} order by id`,
  );
}
async function sentCode(address: string) {
  const [m] = await queryRows<{ body: string }>(
    t.database.db,
    sql`select body from outbox where address = ${address} and template = 'contact_code' order by id desc limit 1`,
  );
  return /(\d{6})/.exec(m!.body)![1]!;
}

describe('changing the phone or e-mail', () => {
  it('needs the current password, counted like a sign-in', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const start = (payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/me/contacts/start',
        headers: s.auth,
        remoteAddress: freshIp(),
        payload,
      });
    expect((await start({ kind: 'email', value: 'thief@example.net' })).statusCode).toBe(400);
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push((await start({ kind: 'email', value: 'thief@example.net', password: `guess-${i}` })).json());
    expect(answers.map((a) => a.error.code)).toEqual([
      'wrong_current_password',
      'wrong_current_password',
      'wrong_current_password',
      'wrong_current_password',
      'rate_limited',
    ]);
    const codes = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from outbox where address = 'thief@example.net'`,
    );
    expect(codes[0]!.n).toBe(0);
  });

  it('tells the old contact, and holds recovery to the new one for 24 hours, explaining why', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { email: 'owner@example.net', phone: '79110000001' });
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/start',
      headers: s.auth,
      remoteAddress: freshIp(),
      payload: { kind: 'email', value: 'new-owner@example.net', password: s.password },
    });
    expect(started.statusCode).toBe(200);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/confirm',
      headers: s.auth,
      payload: { kind: 'email', code: await sentCode('new-owner@example.net') },
    });
    expect(confirmed.json()).toMatchObject({ email: 'new-owner@example.net' });
    expect(Date.parse(confirmed.json().recoveryHeldUntil.email) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const told = (await outbox(s.account.id)).filter((m) => m.template === 'contact_changed');
    expect(told.map((m) => [m.channel, m.address])).toEqual([
      ['inbox', null],
      ['email', 'owner@example.net'],
    ]);
    expect(told[1]!.body).toContain('ne•••@example.net');

    const recover = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/recovery/start',
        remoteAddress: freshIp(),
        payload: { regionId: s.account.regionId, phone: '79110000001', account: s.account.number, channel: 'email' },
      });
    const held = await recover();
    expect(held.json()).toEqual({ status: 'sent_if_exists', channel: 'email' });
    const toNew = await queryRows<{ template: string; body: string }>(
      t.database.db,
      sql`select template, body from outbox where address = 'new-owner@example.net' order by id`,
    );
    expect(toNew.map((m) => m.template)).toEqual(['contact_code', 'recovery_held']);
    expect(toNew[1]!.body).toMatch(/менее суток назад/);
    // A day later the code goes out as usual.
    await t.database.db.execute(
      sql`update subscribers set email_changed_at = now() - interval '25 hours' where id = ${s.subscriber.id}`,
    );
    await recover();
    const [last] = await queryRows<{ template: string }>(
      t.database.db,
      sql`select template from outbox where address = 'new-owner@example.net' order by id desc limit 1`,
    );
    expect(last!.template).toBe('recovery_code');
  });

  it('a changed phone tells the old phone by SMS', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { phone: '79110000002' });
    await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/start',
      headers: s.auth,
      remoteAddress: freshIp(),
      payload: { kind: 'phone', value: '+7 911 000-00-03', password: s.password },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/me/contacts/confirm',
      headers: s.auth,
      payload: { kind: 'phone', code: await sentCode('79110000003') },
    });
    const told = (await outbox(s.account.id)).filter((m) => m.template === 'contact_changed' && m.channel === 'sms');
    expect(told.map((m) => m.address)).toEqual(['79110000002']);
    expect(told[0]!.body).toContain('+7 ••• •••-00-03');
  });
});

describe('sign-in from a new device', () => {
  it('tells the subscriber; a device that signed in before does not', async () => {
    const s = await signedInSubscriber(t.app, t.database.db); // the first sign-in: no notice
    expect((await outbox(s.account.id)).filter((m) => m.template === 'new_device_sign_in')).toEqual([]);
    const login = (extra: object = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.0.2.44',
        headers: { 'user-agent': UA.chrome },
        payload: { contract: s.contract.number, password: s.password, ...extra },
      });
    const fresh = await login();
    expect(fresh.statusCode).toBe(200);
    const notices = (await outbox(s.account.id)).filter((m) => m.template === 'new_device_sign_in');
    expect(notices.map((m) => m.channel)).toEqual(['inbox', 'email', 'sms']);
    expect(notices[0]!.body).toContain('Chrome, Windows');
    expect(notices[0]!.body).toContain('192.0.2.44');
    // The browser keeps the device cookie; the next sign-in from it is not news.
    const cookie = fresh.cookies.find((c) => c.name === 'abonent_device')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '192.0.2.44',
      headers: { cookie: `abonent_device=${cookie.value}` },
      payload: { contract: s.contract.number, password: s.password },
    });
    expect(again.statusCode).toBe(200);
    expect((await login({ deviceToken: fresh.json().deviceToken })).statusCode).toBe(200);
    expect((await outbox(s.account.id)).filter((m) => m.template === 'new_device_sign_in')).toHaveLength(3);
  });
});

describe('optional TOTP for subscribers', () => {
  it('is turned on with the password and a code, then asked at sign-in, each code once; off with both again', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const owner = { type: 'subscriber' as const, id: s.contract.id };
    const call = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: s.auth, remoteAddress: freshIp(), payload });
    const { secret, otpauthUrl } = (await call('/api/me/totp/setup', {})).json();
    expect(otpauthUrl).toContain(encodeURIComponent(s.contract.number));
    expect(
      (await call('/api/me/totp/enable', { password: 'wrong-pass-1', secret, code: currentTotp(secret) })).json().error
        .code,
    ).toBe('wrong_current_password');
    expect(
      (await call('/api/me/totp/enable', { password: s.password, secret, code: currentTotp(secret) })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/me/profile', headers: s.auth })).json().totpEnabled).toBe(
      true,
    );
    const login = (totp?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: freshIp(),
        payload: { contract: s.contract.number, password: s.password, ...(totp ? { totp } : {}) },
      });
    expect((await login()).json().error.code).toBe('totp_required');
    const code = await nextTotpCode(t.database.db, owner, secret);
    expect((await login(code)).statusCode).toBe(200);
    expect((await login(code)).json().error.code).toBe('totp_invalid');
    // Another app cannot replace it without a code from this one.
    const other = newTotpSecret();
    expect(
      (await call('/api/me/totp/enable', { password: s.password, secret: other, code: currentTotp(other) })).json()
        .error.code,
    ).toBe('totp_required');
    // The next unused code belongs to the next 30 s step: the clock (Date only, the server's as well, one
    // process) moves on 30 s instead of the test waiting up to 30 s for it.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 30_000, shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
    const off = await call('/api/me/totp/disable', {
      password: s.password,
      code: await nextTotpCode(t.database.db, owner, secret),
    });
    expect(off.statusCode).toBe(200);
    expect((await login()).statusCode).toBe(200);
    const told = (await outbox(s.account.id)).filter((m) => m.template === 'totp_changed' && m.channel === 'inbox');
    expect(told).toHaveLength(2);
  });
});
