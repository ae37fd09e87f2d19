import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { type StaffRole, staffUsers } from '../../db/schema/index.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildSubscriber } from '../../test/factories.js';
import { createSession } from '../auth/sessions.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function staffToken(role: StaffRole): Promise<string> {
  const [u] = await t.database.db
    .insert(staffUsers)
    .values({
      email: `${role}-${Math.random()}@example.net`,
      fullName: role,
      role,
      passwordHash: 'x',
      allRegions: true,
    })
    .returning();
  return (await createSession(t.database.db, { type: 'staff', staffId: u!.id })).token;
}

describe('staff billing API', () => {
  it('lets an admin run a day by hand and records it in the audit log', async () => {
    const region = await buildRegion(t.database.db);
    await buildSubscriber(t.database.db, { regionId: region.id, balance: 10_000 });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/billing/run',
      headers: { authorization: `Bearer ${await staffToken('admin')}` },
      payload: { date: '2026-11-20', regionId: region.id },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ date: '2026-11-20', charged: 1, amount_kopecks: 2_000, blocked: 0 });
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where action = 'billing.run'`,
    );
    expect(audit.length).toBeGreaterThan(0);
  });

  it('refuses other roles, anonymous callers and bad dates', async () => {
    for (const role of ['operator', 'support', 'finance'] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/staff/billing/run',
        headers: { authorization: `Bearer ${await staffToken(role)}` },
        payload: {},
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const anon = await t.app.inject({ method: 'POST', url: '/api/staff/billing/run', payload: {} });
    expect(anon.statusCode).toBe(401);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/staff/billing/run',
      headers: { authorization: `Bearer ${await staffToken('admin')}`, 'accept-language': 'en' },
      payload: { date: '2026-02-31' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: 'bad_date', message: 'Invalid date: 2026-02-31' } });
  });

  it('shows finance the runs and the ledger check', async () => {
    const token = await staffToken('finance');
    const days = await t.app.inject({
      method: 'GET',
      url: '/api/staff/billing/days',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(days.statusCode).toBe(200);
    expect(
      days.json().days.some((d: { day: string; state: string }) => d.day === '2026-11-20' && d.state === 'done'),
    ).toBe(true);
    const verify = await t.app.inject({
      method: 'GET',
      url: '/api/staff/ledger/verify',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(verify.json().mismatches).toEqual([]);
  });
});
