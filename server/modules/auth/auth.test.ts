import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { nextTotpCode } from '../../test/sign-in.js';
import { hashPassword } from './passwords.js';
import { currentTotp, newTotpSecret } from './totp.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let ipSeq = 1;
const freshIp = () => `10.9.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

async function subscriber(password = 'Initial-2026', mustChange = false) {
  const s = await buildSubscriber(t.database.db, {
    passwordHash: await hashPassword(password),
    mustChangePassword: mustChange,
  });
  return { ...s, password };
}
function login(contract: string, password: string, ip = freshIp(), lang = 'en') {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    headers: { 'accept-language': lang },
    payload: { contract, password },
  });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('subscriber sign-in', () => {
  it('signs in with contract number and password and sets secure cookies', async () => {
    const s = await subscriber();
    const res = await login(s.contract.number, s.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      mustChangePassword: false,
      token: expect.any(String),
      csrfToken: expect.any(String),
    });
    const cookies = res.cookies;
    const session = cookies.find((c) => c.name === 'abonent_session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookies.find((c) => c.name === 'abonent_csrf')).toMatchObject({ secure: true, sameSite: 'Strict' });
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(res.json().token) });
    expect(me.json()).toMatchObject({ type: 'subscriber', contract: s.contract.number, account: s.account.number });
  });

  it('answers a wrong password and an unknown contract the same way', async () => {
    const s = await subscriber();
    const wrong = await login(s.contract.number, 'nope-nope-1', freshIp(), 'ru');
    const unknown = await login('999999999', 'nope-nope-1', freshIp(), 'ru');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error).toEqual({ code: 'invalid_credentials', message: 'Неверный номер договора или пароль' });
  });

  it('locks a contract after 5 wrong passwords and says when to retry, even from another address', async () => {
    const s = await subscriber();
    for (let i = 0; i < 4; i++) expect((await login(s.contract.number, 'wrong-pass-1')).statusCode).toBe(401);
    const fifth = await login(s.contract.number, 'wrong-pass-1');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe('rate_limited');
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(800);
    expect(fifth.json().error.message).toMatch(/Try again in \d+ s/);
    // The right password from a new address is refused too while the lock lasts.
    const right = await login(s.contract.number, s.password);
    expect(right.statusCode).toBe(429);
  });

  it('locks an address after 20 failures across many contracts', async () => {
    const ip = freshIp();
    let last = 0;
    for (let i = 0; i < 20; i++) last = (await login(`88800${i}`, 'wrong-pass-1', ip)).statusCode;
    expect(last).toBe(429);
    const s = await subscriber();
    expect((await login(s.contract.number, s.password, ip)).statusCode).toBe(429);
    expect((await login(s.contract.number, s.password)).statusCode).toBe(200);
  });
});

describe('first sign-in and password change', () => {
  it('forces a new password before anything else, then ends other sessions', async () => {
    const s = await subscriber('Start-7342', true);
    const first = await login(s.contract.number, s.password);
    expect(first.json().mustChangePassword).toBe(true);
    const other = await login(s.contract.number, s.password);
    const token = first.json().token;
    const blocked = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(token) });
    expect(blocked.statusCode).toBe(200); // allowed while must-change
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { ...bearer(token), 'accept-language': 'en' },
      payload: { currentPassword: s.password, newPassword: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toEqual({
      code: 'weak_password',
      message: 'The password is too weak: at least 8 characters, at least one digit',
    });
    const wrongCurrent = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(token),
      payload: { currentPassword: 'x', newPassword: 'Good-pass-2026' },
    });
    expect(wrongCurrent.json().error.code).toBe('wrong_current_password');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(token),
      payload: { currentPassword: s.password, newPassword: 'Good-pass-2026' },
    });
    expect(ok.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(other.json().token) })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).json().mustChangePassword,
    ).toBe(false);
    expect((await login(s.contract.number, 'Good-pass-2026')).json().mustChangePassword).toBe(false);
    const audit = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from audit_log where action = 'password.change' and entity_id = ${String(s.contract.id)}`,
    );
    expect(audit[0]!.n).toBe(1);
  });
});

describe('CSRF and sessions', () => {
  it('requires the CSRF header for cookie-authenticated changes but not for bearer tokens', async () => {
    const s = await subscriber();
    const res = await login(s.contract.number, s.password);
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const sessions = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie } });
    expect(sessions.statusCode).toBe(200);
    const id = sessions.json().sessions[0].id;
    const noHeader = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: { cookie } });
    expect(noHeader.statusCode).toBe(403);
    const withHeader = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${id}`,
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
    });
    expect(withHeader.statusCode).toBe(200);
    const s2 = await subscriber();
    const t2 = (await login(s2.contract.number, s2.password)).json().token;
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(t2) });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${list.json().sessions[0].id}`,
      headers: bearer(t2),
    });
    expect(del.statusCode).toBe(200);
  });

  it("never lists or ends another subscriber's session", async () => {
    const a = await subscriber();
    const b = await subscriber();
    const ta = (await login(a.contract.number, a.password)).json().token;
    const tb = (await login(b.contract.number, b.password)).json().token;
    const listA = (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(ta) })).json()
      .sessions;
    const listB = (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(tb) })).json()
      .sessions;
    expect(listA.map((x: { id: number }) => x.id)).not.toContain(listB[0].id);
    const steal = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${listB[0].id}`,
      headers: bearer(ta),
    });
    expect(steal.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(tb) })).statusCode).toBe(200);
  });

  it('signs out', async () => {
    const s = await subscriber();
    const token = (await login(s.contract.number, s.password)).json().token;
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
  });
});

describe('staff sign-in', () => {
  it('signs in by e-mail, audits it, and enforces TOTP once enabled', async () => {
    const { user } = await buildStaff(t.database.db, {
      role: 'operator',
      passwordHash: await hashPassword('Staff-pass-2026'),
    });
    const staffLogin = (payload: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: user.email, password: 'Staff-pass-2026', ...payload },
      });
    const ok = await staffLogin({});
    expect(ok.json().staff).toMatchObject({ id: user.id, role: 'operator', totpEnabled: false });
    const token = ok.json().token;
    const secret = newTotpSecret();
    const wrongCode = currentTotp(secret) === '000000' ? '000001' : '000000';
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/staff/me/totp/enable',
      headers: bearer(token),
      payload: { password: 'Staff-pass-2026', secret, code: wrongCode },
    });
    expect(bad.json().error.code).toBe('totp_invalid');
    const on = await t.app.inject({
      method: 'POST',
      url: '/api/staff/me/totp/enable',
      headers: bearer(token),
      payload: { password: 'Staff-pass-2026', secret, code: currentTotp(secret) },
    });
    expect(on.statusCode).toBe(200);
    expect((await staffLogin({})).json().error.code).toBe('totp_required');
    expect((await staffLogin({ totp: wrongCode })).json().error.code).toBe('totp_invalid');
    expect(
      (await staffLogin({ totp: await nextTotpCode(t.database.db, { type: 'staff', id: user.id }, secret) }))
        .statusCode,
    ).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/login',
      payload: { email: user.email, password: 'bad-password-1' },
    });
    expect(wrong.json().error.code).toBe('invalid_staff_credentials');
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where actor_id = ${String(user.id)} and actor_type = 'staff' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['staff.login', 'staff.totp_enabled', 'staff.login_failed']),
    );
  });

  it('keeps subscribers out of staff routes and staff out of subscriber password change', async () => {
    const s = await subscriber();
    const token = (await login(s.contract.number, s.password)).json().token;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/staff/accounts?q=test', headers: bearer(token) })).statusCode,
    ).toBe(403);
    const staff = await buildStaff(t.database.db, { role: 'admin' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: staff.auth,
      payload: { currentPassword: 'a', newPassword: 'Good-pass-2026' },
    });
    expect(res.statusCode).toBe(403);
  });
});
