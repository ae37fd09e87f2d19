import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('staff accounts', () => {
  it('an admin creates an operator who can sign in, then deactivates them and their session ends', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/staff/users',
      headers: admin.auth,
      payload: {
        email: 'New.Op@Example.net',
        fullName: 'Оператор Новый',
        role: 'operator',
        password: 'Operator-pass-2026',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new.op@example.net', role: 'operator', active: true });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/staff/login',
      payload: { email: 'new.op@example.net', password: 'Operator-pass-2026' },
    });
    const token = login.json().token;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/users/${created.json().id}`,
      headers: admin.auth,
      payload: { active: false },
    });
    expect(off.json().active).toBe(false);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401);
    const self = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/users/${admin.user.id}`,
      headers: admin.auth,
      payload: { role: 'support' },
    });
    expect(self.statusCode).toBe(409);
  });

  it('only admins manage staff', async () => {
    for (const role of ['operator', 'support', 'finance'] as const) {
      const s = await buildStaff(t.database.db, { role });
      expect((await t.app.inject({ method: 'GET', url: '/api/staff/users', headers: s.auth })).statusCode).toBe(403);
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/staff/users',
            headers: s.auth,
            payload: { email: 'x@example.net', fullName: 'X Y', role: 'admin', password: 'Operator-pass-2026' },
          })
        ).statusCode,
      ).toBe(403);
    }
  });
});
