import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';

let t: TestContext;
let fin: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await createTestApp();
  fin = await buildStaff(t.database.db, { role: 'finance' });
});
afterAll(() => t.close());

const balanceOf = async (id: number) =>
  (await queryRows<{ balance: number }>(t.database.db, sql`select balance from accounts where id = ${id}`))[0]!.balance;
const ledgerCount = async (id: number) =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from ledger_entries where account_id = ${id}`,
    )
  )[0]!.n;
const post = (url: string, payload: object, headers = fin.auth) =>
  t.app.inject({ method: 'POST', url, headers, payload });

describe('refunds and corrections by finance staff', () => {
  it('refunds only money on the balance, once per key, audited with balances before and after', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 30_000 });
    const url = `/api/staff/accounts/${account.id}/refunds`;
    const first = await post(url, { amount: 20_000, reason: 'Переезд, возврат наличными', idempotencyKey: 'rf-1' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: true, balanceBefore: 30_000, balance: 10_000 });
    const again = await post(url, { amount: 20_000, reason: 'Переезд, возврат наличными', idempotencyKey: 'rf-1' });
    expect(again.json()).toMatchObject({ created: false, balance: 10_000, entryId: first.json().entryId });
    const tooMuch = await post(url, { amount: 10_001, reason: 'x', idempotencyKey: 'rf-2' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error.code).toBe('refund_exceeds_balance');
    expect(await balanceOf(account.id)).toBe(10_000);
    const [entry] = await queryRows<{ kind: string; amount: number; comment: string }>(
      t.database.db,
      sql`select kind, amount, comment from ledger_entries where id = ${first.json().entryId}`,
    );
    expect(entry).toEqual({ kind: 'refund', amount: -20_000, comment: 'Переезд, возврат наличными' });
    const audit = await queryRows<{ actor_id: string; before: unknown; after: { balance: number; reason: string } }>(
      t.database.db,
      sql`select actor_id, before, after from audit_log where action = 'account.refund' and entity_id = ${String(account.id)}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_id: String(fin.user.id),
      before: { balance: 30_000 },
      after: { balance: 10_000, reason: 'Переезд, возврат наличными' },
    });
  });

  it('corrects the balance both ways with a required reason, and unblocks when covered', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: -5_000, status: 'blocked' });
    const url = `/api/staff/accounts/${account.id}/corrections`;
    const noReason = await post(url, { amount: 5_000, reason: '   ', idempotencyKey: 'c-0' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.code).toBe('reason_required');
    const missing = await post(url, { amount: 5_000, idempotencyKey: 'c-0' });
    expect(missing.statusCode).toBe(400);
    const up = await post(url, { amount: 5_000, reason: 'Ошибочное списание 20.11', idempotencyKey: 'c-1' });
    expect(up.json()).toMatchObject({ created: true, balanceBefore: -5_000, balance: 0, unblocked: true });
    const down = await post(url, { amount: -1_500, reason: 'Двойное зачисление', idempotencyKey: 'c-2' });
    expect(down.json()).toMatchObject({ balance: -1_500 });
    const conflict = await post(url, { amount: -1_600, reason: 'Двойное зачисление', idempotencyKey: 'c-2' });
    expect(conflict.statusCode).toBe(409);
    const audit = await queryRows<{ before: { balance: number }; after: { balance: number; amount: number } }>(
      t.database.db,
      sql`select before, after from audit_log where action = 'account.correction' and entity_id = ${String(account.id)} order by id`,
    );
    expect(audit.map((a) => [a.before.balance, a.after.amount, a.after.balance])).toEqual([
      [-5_000, 5_000, 0],
      [0, -1_500, -1_500],
    ]);
  });

  it('refuses other roles, zero/negative/oversized/fractional amounts, and changes nothing', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 10_000 });
    const before = await ledgerCount(account.id);
    for (const role of ['operator', 'support'] as const) {
      const s = await buildStaff(t.database.db, { role });
      for (const kind of ['refunds', 'corrections']) {
        const res = await post(
          `/api/staff/accounts/${account.id}/${kind}`,
          { amount: 100, reason: 'r', idempotencyKey: `${role}-${kind}` },
          s.auth,
        );
        expect(res.statusCode).toBe(403);
        // The right is checked before the body: a wrong role learns nothing about what the route expects.
        const invalid = await post(`/api/staff/accounts/${account.id}/${kind}`, { amount: 'lots' }, s.auth);
        expect(invalid.statusCode).toBe(403);
      }
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/staff/payments?from=2026-11-01&to=2026-11-30',
            headers: s.auth,
          })
        ).statusCode,
      ).toBe(403);
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${account.id}/refunds`,
      payload: { amount: 'lots' },
    });
    expect(anonymous.statusCode).toBe(401);
    for (const amount of [0, -100, 10.5, 100_000_001]) {
      const r = await post(`/api/staff/accounts/${account.id}/refunds`, {
        amount,
        reason: 'r',
        idempotencyKey: `rf${amount}`,
      });
      expect(r.statusCode).toBe(400);
    }
    for (const amount of [0, 0.5, -100_000_001, 100_000_001]) {
      const r = await post(`/api/staff/accounts/${account.id}/corrections`, {
        amount,
        reason: 'r',
        idempotencyKey: `c${amount}`,
      });
      expect(r.statusCode).toBe(400);
    }
    expect(
      (await post('/api/staff/accounts/987654321/corrections', { amount: 100, reason: 'r', idempotencyKey: 'nx' }))
        .statusCode,
    ).toBe(404);
    expect(await balanceOf(account.id)).toBe(10_000);
    expect(await ledgerCount(account.id)).toBe(before);
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    expect(
      (
        await post(
          `/api/staff/accounts/${account.id}/refunds`,
          { amount: 100, reason: 'r', idempotencyKey: 'adm' },
          admin.auth,
        )
      ).statusCode,
    ).toBe(200);
  });
});

describe('finance payments view', () => {
  it('filters, pages and totals succeeded payments per day and method', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const payUrl = `/api/staff/accounts/${account.id}/payments`;
    await post(payUrl, { amount: 10_000, method: 'cash', idempotencyKey: 'v-1' });
    await post(payUrl, { amount: 20_000, method: 'cash', idempotencyKey: 'v-2' });
    await post(payUrl, { amount: 5_000, method: 'bank_transfer', idempotencyKey: 'v-3' });
    await t.database.db.execute(
      sql`insert into payments (account_id, provider, external_id, amount, status, method) values (${account.id}, 'test_acquirer', 'pend-1', 99900, 'pending', 'card')`,
    );
    const today = todayIn('Europe/Moscow');
    const get = (q: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/staff/payments?from=${today}&to=${today}&account=${account.number}${q}`,
        headers: fin.auth,
      });
    const all = (await get('')).json();
    expect(all.total).toBe(4);
    expect(all.totals).toEqual([
      { day: today, method: 'bank_transfer', count: 1, amount: 5_000 },
      { day: today, method: 'cash', count: 2, amount: 30_000 },
    ]);
    expect(all.sum).toBe(35_000);
    const page = (await get('&method=cash&pageSize=1&page=2')).json();
    expect(page).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page.payments).toHaveLength(1);
    expect(page.payments[0]).toMatchObject({
      method: 'cash',
      provider: 'office_cash',
      account: account.number,
      receiptUrl: null,
    });
    expect((await get('&status=pending')).json().payments.map((p: { externalId: string }) => p.externalId)).toEqual([
      'pend-1',
    ]);
    expect((await get('&provider=bank_transfer')).json().total).toBe(1);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/staff/payments?from=2026-11-30&to=2026-11-01',
      headers: fin.auth,
    });
    expect(bad.statusCode).toBe(400);
  });
});
