import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { nextTotpCode } from '../../test/sign-in.js';
import { hashPassword } from './passwords.js';
import { currentTotp, currentTotpStep, newTotpSecret, totpCodeAt } from './totp.js';

/** Issue 26, item 4: staff accounts. */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(() => t.close());

let ipSeq = 1;
const freshIp = () => `10.44.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PASSWORD = 'Staff-pass-2026-ok';

async function staffWith(role: 'admin' | 'operator' | 'support' | 'finance', o: { totpSecret?: string | null } = {}) {
  return buildStaff(t.database.db, { role, passwordHash: await hashPassword(PASSWORD), ...o });
}
function signIn(email: string, extra: Record<string, string> = {}, password = PASSWORD) {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/staff/login',
    remoteAddress: freshIp(),
    payload: { email, password, ...extra },
  });
}
const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });
const post = (url: string, token: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), payload, remoteAddress: freshIp() });
async function outboxTo(address: string) {
  return queryRows<{ template: string; body: string }>(
    t.database.db,
    sql`select template, body from outbox where address = ${address} order by id`,
  );
}

describe('TOTP required for admin and finance, and per role', () => {
  it('admin and finance without TOTP may only set it up after the password, then everything opens', async () => {
    for (const role of ['admin', 'finance'] as const) {
      const s = await staffWith(role, { totpSecret: null });
      const login = await signIn(s.user.email);
      expect(login.statusCode).toBe(200);
      expect(login.json().staff).toMatchObject({ totpSetupRequired: true, totpEnabled: false });
      const token = login.json().token as string;
      const refused = await get('/api/staff/accounts?q=test', token);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('totp_setup_required');
      expect((await get('/api/auth/me', token)).json().staff.totpSetupRequired).toBe(true);
      const { secret } = (await post('/api/staff/me/totp/setup', token, {})).json();
      const on = await post('/api/staff/me/totp/enable', token, {
        password: PASSWORD,
        secret,
        code: currentTotp(secret),
      });
      expect(on.statusCode).toBe(200);
      expect((await get('/api/staff/accounts?q=test', token)).statusCode).toBe(200);
      // From now on the password alone is not enough.
      expect((await signIn(s.user.email)).json().error.code).toBe('totp_required');
      // And an admin cannot turn it off for their role.
      const off = await post('/api/staff/me/totp/disable', token, {
        password: PASSWORD,
        code: await nextTotpCode(t.database.db, { type: 'staff', id: s.user.id }, secret),
      });
      expect(off.json().error.code).toBe('totp_required_by_role');
    }
  });

  it('an administrator can require TOTP for operators or support; never lift it for admin and finance', async () => {
    const admin = await staffWith('admin');
    const roles = await get('/api/staff/security/roles', admin.token);
    expect(roles.json().roles).toEqual(
      expect.arrayContaining([
        { role: 'admin', totpRequired: true, fixed: true },
        { role: 'operator', totpRequired: false, fixed: false },
      ]),
    );
    const op = await staffWith('operator');
    expect((await get('/api/staff/accounts?q=test', op.token)).statusCode).toBe(200);
    const put = (role: string, totpRequired: boolean) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/staff/security/roles/${role}`,
        headers: admin.auth,
        payload: { totpRequired },
      });
    expect((await put('operator', true)).statusCode).toBe(200);
    const refused = await get('/api/staff/accounts?q=test', op.token);
    expect(refused.json().error.code).toBe('totp_setup_required');
    expect((await put('finance', false)).statusCode).toBe(409);
    expect((await put('operator', false)).statusCode).toBe(200);
    expect((await get('/api/staff/accounts?q=test', op.token)).statusCode).toBe(200);
    const operatorSays = await t.app.inject({
      method: 'PUT',
      url: '/api/staff/security/roles/operator',
      headers: op.auth,
      payload: { totpRequired: false },
    });
    expect(operatorSays.statusCode).toBe(403);
  });
});

describe('changing TOTP', () => {
  it('needs the password and a current code: a stolen session alone cannot put its own app in', async () => {
    const s = await staffWith('admin');
    const secret2 = newTotpSecret();
    const change = (body: object) => post('/api/staff/me/totp/enable', s.token, body);
    const noCurrent = await change({ password: PASSWORD, secret: secret2, code: currentTotp(secret2) });
    expect(noCurrent.json().error.code).toBe('totp_required');
    const wrongPassword = await change({
      password: 'not-the-password-1',
      secret: secret2,
      code: currentTotp(secret2),
      currentCode: currentTotp(s.totpSecret!),
    });
    expect(wrongPassword.json().error.code).toBe('wrong_current_password');
    const ok = await change({
      password: PASSWORD,
      secret: secret2,
      code: currentTotp(secret2),
      currentCode: await nextTotpCode(t.database.db, { type: 'staff', id: s.user.id }, s.totpSecret!),
    });
    expect(ok.statusCode).toBe(200);
    // The old app's codes no longer sign in; the new app's do. The owner was told by e-mail.
    const step = currentTotpStep() + 1;
    expect((await signIn(s.user.email, { totp: totpCodeAt(s.totpSecret!, step) })).json().error.code).toBe(
      'totp_invalid',
    );
    const code = await nextTotpCode(t.database.db, { type: 'staff', id: s.user.id }, secret2);
    expect((await signIn(s.user.email, { totp: code })).statusCode).toBe(200);
    expect((await outboxTo(s.user.email)).map((m) => m.template)).toContain('totp_changed');
  });

  it('accepts a code once: the same code (or an older one) never signs in again', async () => {
    const s = await staffWith('finance');
    const code = await nextTotpCode(t.database.db, { type: 'staff', id: s.user.id }, s.totpSecret!);
    expect((await signIn(s.user.email, { totp: code })).statusCode).toBe(200);
    const again = await signIn(s.user.email, { totp: code });
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('totp_invalid');
    const older = totpCodeAt(s.totpSecret!, currentTotpStep() - 1);
    if (older !== code) expect((await signIn(s.user.email, { totp: older })).json().error.code).toBe('totp_invalid');
  });
});

describe('staff passwords', () => {
  it('a staff member changes their own password; their other sessions end', async () => {
    const s = await staffWith('support');
    const a = (await signIn(s.user.email)).json().token as string;
    const b = (await signIn(s.user.email)).json().token as string;
    const weak = await post('/api/staff/me/password', a, { currentPassword: PASSWORD, newPassword: 'short1' });
    expect(weak.json().error.code).toBe('weak_password');
    const wrong = await post('/api/staff/me/password', a, {
      currentPassword: 'wrong-one-2026',
      newPassword: 'Another-pass-2026',
    });
    expect(wrong.json().error.code).toBe('wrong_current_password');
    const ok = await post('/api/staff/me/password', a, { currentPassword: PASSWORD, newPassword: 'Another-pass-2026' });
    expect(ok.statusCode).toBe(200);
    expect((await get('/api/auth/me', a)).statusCode).toBe(200);
    expect((await get('/api/auth/me', b)).statusCode).toBe(401);
    expect((await signIn(s.user.email, {}, 'Another-pass-2026')).statusCode).toBe(200);
  });

  it('an initial password an administrator set must be changed at the first sign-in', async () => {
    const admin = await staffWith('admin');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/staff/users',
      headers: admin.auth,
      payload: { email: 'first.sign-in@example.net', fullName: 'Новый Оператор', role: 'operator', password: PASSWORD },
    });
    expect(created.json().mustChangePassword).toBe(true);
    const login = await signIn('first.sign-in@example.net');
    expect(login.json().staff.mustChangePassword).toBe(true);
    const token = login.json().token as string;
    const refused = await get('/api/staff/accounts?q=test', token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('staff_password_change_required');
    const changed = await post('/api/staff/me/password', token, {
      currentPassword: PASSWORD,
      newPassword: 'My-own-pass-2026',
    });
    expect(changed.statusCode).toBe(200);
    expect((await get('/api/staff/accounts?q=test', token)).statusCode).toBe(200);
  });

  it('an administrator reset e-mails a one-time link instead of setting a password', async () => {
    const admin = await staffWith('admin');
    const op = await staffWith('operator');
    const session = (await signIn(op.user.email)).json().token as string;
    const sent = await post(`/api/staff/users/${op.user.id}/password-link`, admin.token, {});
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ sentTo: op.user.email, expiresAt: expect.any(String) });
    expect(JSON.stringify(sent.json())).not.toMatch(/token|password/i);
    const mail = (await outboxTo(op.user.email)).find((m) => m.template === 'staff_password_link')!;
    const token = /\/staff\/reset\?token=([\w-]+)/.exec(mail.body)![1]!;
    // Nothing changed yet: a reset nobody asked for locks nobody out.
    expect((await get('/api/auth/me', session)).statusCode).toBe(200);
    const reset = (newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/reset',
        remoteAddress: freshIp(),
        payload: { token, newPassword },
      });
    expect((await reset('Reset-pass-2026-x')).statusCode).toBe(200);
    expect((await reset('Reset-pass-2026-y')).json().error.code).toBe('staff_reset_link_invalid');
    expect((await get('/api/auth/me', session)).statusCode).toBe(401);
    expect((await signIn(op.user.email)).statusCode).toBe(401);
    expect((await signIn(op.user.email, {}, 'Reset-pass-2026-x')).statusCode).toBe(200);
    // The staff update route takes no password at all.
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/users/${op.user.id}`,
      headers: admin.auth,
      payload: { password: 'Admin-chosen-2026' },
    });
    expect((await signIn(op.user.email, {}, 'Admin-chosen-2026')).statusCode).toBe(401);
    expect([200, 400]).toContain(patch.statusCode);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity = 'staff' and entity_id = ${String(op.user.id)} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.password_link', 'staff.password_reset']));
  });

  it('an administrator clears a lost TOTP: sessions end and the person sets up a new app at sign-in', async () => {
    const admin = await staffWith('admin');
    const fin = await staffWith('finance');
    const reset = await post(`/api/staff/users/${fin.user.id}/totp/reset`, admin.token, {});
    expect(reset.statusCode).toBe(200);
    expect((await get('/api/auth/me', fin.token)).statusCode).toBe(401);
    const login = await signIn(fin.user.email);
    expect(login.json().staff).toMatchObject({ totpEnabled: false, totpSetupRequired: true });
  });
});

describe('staff sessions', () => {
  it('end 12 hours after sign-in, and after 30 minutes without a request', async () => {
    const s = await staffWith('operator');
    const login = await signIn(s.user.email);
    const hours = (Date.parse(login.json().expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    const token = login.json().token as string;
    await t.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '31 minutes' where staff_id = ${s.user.id}`,
    );
    expect((await get('/api/auth/me', token)).statusCode).toBe(401);
  });

  it('take their limits from STAFF_SESSION_HOURS and STAFF_SESSION_IDLE_MINUTES', async () => {
    const c = await createTestApp({ STAFF_SESSION_HOURS: 2, STAFF_SESSION_IDLE_MINUTES: 90 });
    try {
      const s = await buildStaff(c.database.db, { role: 'operator', passwordHash: await hashPassword(PASSWORD) });
      const login = await c.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        payload: { email: s.user.email, password: PASSWORD },
      });
      expect((Date.parse(login.json().expiresAt) - Date.now()) / 3_600_000).toBeCloseTo(2, 1);
      await c.database.db.execute(
        sql`update sessions set last_seen_at = now() - interval '60 minutes' where staff_id = ${s.user.id}`,
      );
      const me = await c.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(login.json().token) });
      expect(me.statusCode).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('a staff member lists their own sessions and ends one', async () => {
    const s = await staffWith('support');
    const a = (await signIn(s.user.email)).json().token as string;
    const b = (await signIn(s.user.email)).json().token as string;
    const list = (await get('/api/auth/sessions', a)).json().sessions as { id: number; current: boolean }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    const other = list.find((x) => !x.current)!;
    const end = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${other.id}`, headers: bearer(a) });
    expect(end.statusCode).toBe(200);
    expect((await get('/api/auth/me', b)).statusCode).toBe(401);
    expect((await get('/api/auth/me', a)).statusCode).toBe(200);
  });
});
