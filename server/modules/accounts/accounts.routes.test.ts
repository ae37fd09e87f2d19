import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildSubscriber } from '../../test/factories.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('staff accounts API', () => {
  it('finds a subscriber by account number, phone or name and opens the card', async () => {
    // UTC+14: its day is not the server's for ten hours of every day.
    const region = await buildRegion(t.database.db, { timeZone: 'Pacific/Kiritimati' });
    const { account, subscriber } = await buildSubscriber(t.database.db, {
      regionId: region.id,
      fullName: 'Зайцева Ольга Павловна',
      phone: '79990001122',
      balance: 5_000,
    });
    const op = await buildStaff(t.database.db, { role: 'operator' });
    for (const q of [account.number, '+7 (999) 000-11-22', 'зайцева']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/staff/accounts?q=${encodeURIComponent(q)}`,
        headers: op.auth,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().accounts.map((a: { id: number }) => a.id)).toContain(account.id);
    }
    const card = await t.app.inject({ method: 'GET', url: `/api/staff/accounts/${account.id}`, headers: op.auth });
    expect(card.json()).toMatchObject({
      id: account.id,
      subscriber: subscriber.fullName,
      balance: 5_000,
      status: 'active',
      // The card's statement window ends on the region's day, not the server's or the browser's.
      today: todayIn(region.timeZone),
    });
    expect(card.json().subscriptions).toHaveLength(1);
    const missing = await t.app.inject({ method: 'GET', url: '/api/staff/accounts/987654321', headers: op.auth });
    expect(missing.statusCode).toBe(404);
  });

  it('lets finance record an office payment once per key and unblock the account', async () => {
    const { account } = await buildSubscriber(t.database.db, { status: 'blocked', balance: -1_000 });
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    const pay = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/staff/accounts/${account.id}/payments`,
        headers: fin.auth,
        payload: { amount: 50_000, method: 'cash', idempotencyKey: 'cash-0001', comment: 'касса 1' },
      });
    const first = await pay();
    const second = await pay();
    expect(first.json()).toMatchObject({ credited: true, balance: 49_000, unblocked: true });
    expect(second.json()).toMatchObject({ credited: false, balance: 49_000, paymentId: first.json().paymentId });
    const audit = await queryRows<{ actor_id: string }>(
      t.database.db,
      sql`select actor_id from audit_log where action = 'payment.credited' and entity_id = ${String(account.id)}`,
    );
    expect(audit).toEqual([{ actor_id: `staff:${fin.user.id}` }]);
  });

  it('refuses payments from other roles and bad amounts, changing nothing', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    for (const role of ['operator', 'support'] as const) {
      const s = await buildStaff(t.database.db, { role });
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/staff/accounts/${account.id}/payments`,
        headers: s.auth,
        payload: { amount: 100, method: 'cash', idempotencyKey: 'k' },
      });
      expect(res.statusCode).toBe(403);
    }
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    for (const amount of [0, -100, 10.5, 100_000_001]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/staff/accounts/${account.id}/payments`,
        headers: fin.auth,
        payload: { amount, method: 'cash', idempotencyKey: `k${amount}` },
      });
      expect(res.statusCode).toBe(400);
    }
    const [a] = await queryRows<{ balance: number }>(
      t.database.db,
      sql`select balance from accounts where id = ${account.id}`,
    );
    expect(a!.balance).toBe(0);
  });
});
