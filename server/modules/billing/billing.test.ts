import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays } from '../../../common/dates.js';
import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildSubscriber } from '../../test/factories.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { runBilling } from './run-billing.js';
import { runBillingDay } from './run-billing-day.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function chargesOf(accountId: number) {
  return queryRows<{ effective_on: string; amount: number }>(
    database.db,
    sql`select effective_on, amount from ledger_entries where account_id = ${accountId} and kind = 'charge' order by effective_on`,
  );
}
async function account(id: number) {
  const [a] = await queryRows<{ balance: number; status: string }>(
    database.db,
    sql`select balance, status from accounts where id = ${id}`,
  );
  return a!;
}

describe('daily charging run', () => {
  it.each([
    ['2026-02', 28],
    ['2028-02', 29],
    ['2026-11', 30],
    ['2026-12', 31],
  ])('charges exactly the monthly fee over %s (%i days)', async (month, days) => {
    const region = await buildRegion(database.db);
    const { account: acc } = await buildSubscriber(database.db, {
      regionId: region.id,
      monthlyFee: 59_999, // not divisible by any month length: rounding must still sum exactly
      balance: 10_000_000,
      startsOn: '2020-01-01',
    });
    const first = `${month}-01`;
    await runBilling(database.db, { regionId: region.id, until: first, now: new Date('2030-01-01') });
    await runBilling(database.db, { regionId: region.id, until: `${month}-${days}`, now: new Date('2030-01-01') });
    const charges = await chargesOf(acc.id);
    expect(charges).toHaveLength(days);
    expect(charges.reduce((s, c) => s + c.amount, 0)).toBe(-59_999);
    expect((await account(acc.id)).balance).toBe(10_000_000 - 59_999);
  });

  it('charges nothing twice when a day is run twice', async () => {
    const region = await buildRegion(database.db);
    const { account: acc } = await buildSubscriber(database.db, { regionId: region.id, balance: 100_000 });
    const first = await runBilling(database.db, { regionId: region.id, until: '2026-11-10' });
    const again = await runBilling(database.db, { regionId: region.id, until: '2026-11-10' });
    // Even resuming the same day through the lower level (as after a crash) inserts nothing new.
    await database.db.execute(sql`update billing_days set state = 'running' where region_id = ${region.id}`);
    const forced = await runBillingDay(database.db, { regionId: region.id, day: '2026-11-10' });
    expect(first.charged).toBe(1);
    expect(again.charged).toBe(0);
    expect(forced.charged).toBe(0);
    expect(await chargesOf(acc.id)).toHaveLength(1);
    expect((await account(acc.id)).balance).toBe(100_000 - 2_000);
  });

  it('catches up every missed day in order after downtime', async () => {
    const region = await buildRegion(database.db);
    const { account: acc } = await buildSubscriber(database.db, { regionId: region.id, balance: 100_000 });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-01' });
    const catchUp = await runBilling(database.db, { regionId: region.id, until: '2026-11-04' });
    expect(catchUp.days.map((d) => d.day)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(catchUp.charged).toBe(3);
    expect(catchUp.amount_kopecks).toBe(6_000);
    expect((await chargesOf(acc.id)).map((c) => c.effective_on)).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
    ]);
  });

  it('blocks an account that falls under its limit and skips blocked and suspended accounts', async () => {
    const region = await buildRegion(database.db);
    const low = await buildSubscriber(database.db, { regionId: region.id, balance: 3_000 });
    const credit = await buildSubscriber(database.db, { regionId: region.id, balance: 1_000, creditLimit: 5_000 });
    const suspended = await buildSubscriber(database.db, { regionId: region.id, balance: 0, status: 'suspended' });
    const r1 = await runBilling(database.db, { regionId: region.id, until: '2026-11-01' });
    expect(r1.blocked).toBe(0);
    const r2 = await runBilling(database.db, { regionId: region.id, until: '2026-11-02' });
    expect(r2.blocked).toBe(1);
    expect(await account(low.account.id)).toEqual({ balance: -1_000, status: 'blocked' });
    expect(await account(credit.account.id)).toEqual({ balance: -3_000, status: 'active' });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-03' });
    expect((await account(low.account.id)).balance).toBe(-1_000); // blocked: not charged
    expect(await account(suspended.account.id)).toEqual({ balance: 0, status: 'suspended' });
    const events = await queryRows<{ kind: string }>(
      database.db,
      sql`select kind from account_events where account_id = ${low.account.id} and kind = 'blocked'`,
    );
    expect(events).toHaveLength(1);
  });

  it('unblocks in the same transaction as the payment that covers the debt', async () => {
    const region = await buildRegion(database.db);
    const { account: acc } = await buildSubscriber(database.db, { regionId: region.id, balance: 1_000 });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-01' });
    expect(await account(acc.id)).toEqual({ balance: -1_000, status: 'blocked' });
    const partial = await creditPayment(database.db, {
      accountId: acc.id,
      amount: 500,
      idempotencyKey: `t-${acc.id}-1`,
      source: 'test',
      effectiveOn: '2026-11-01',
    });
    expect(partial.unblocked).toBe(false);
    expect((await account(acc.id)).status).toBe('blocked');
    const full = await creditPayment(database.db, {
      accountId: acc.id,
      amount: 500,
      idempotencyKey: `t-${acc.id}-2`,
      source: 'test',
      effectiveOn: '2026-11-01',
    });
    expect(full.unblocked).toBe(true);
    expect(await account(acc.id)).toEqual({ balance: 0, status: 'active' });
  });

  it('never starts a day before the day before it is done, and resumes an unfinished day first', async () => {
    const region = await buildRegion(database.db);
    const { account: acc } = await buildSubscriber(database.db, { regionId: region.id, balance: 100_000 });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-01' });
    await expect(runBillingDay(database.db, { regionId: region.id, day: '2026-11-03' })).rejects.toMatchObject({
      code: 'billing_out_of_order',
    });
    // A runner died on 11-02 (its row says running): the next run finishes it before 11-03.
    await database.db.execute(
      sql`insert into billing_days (region_id, day, state) values (${region.id}, '2026-11-02', 'running')`,
    );
    const next = await runBilling(database.db, { regionId: region.id, until: '2026-11-03' });
    expect(next.days.map((d) => d.day)).toEqual(['2026-11-02', '2026-11-03']);
    expect((await chargesOf(acc.id)).map((c) => c.effective_on)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it('keeps the invariant balance = sum of ledger for every account', async () => {
    expect((await verifyLedger(database.db)).mismatches).toEqual([]);
  });
});

describe('region time zones', () => {
  it('refuses a day that has not begun in the region', async () => {
    const region = await buildRegion(database.db, { timeZone: 'Asia/Vladivostok' });
    const now = new Date('2026-11-25T12:00:00Z'); // 22:00 in Vladivostok: 2026-11-26 not started
    await expect(runBilling(database.db, { regionId: region.id, until: '2026-11-26', now })).rejects.toMatchObject({
      code: 'billing_future_date',
    });
    const ok = await runBilling(database.db, { regionId: region.id, now: new Date('2026-11-25T15:30:00Z') });
    expect(ok.date).toBe('2026-11-26'); // 01:30 the next day in Vladivostok
  });

  it('refuses a malformed date and changes nothing', async () => {
    const before = await queryRows<{ n: number }>(database.db, sql`select count(*)::int8 as n from ledger_entries`);
    for (const bad of ['2026-02-30', '26-11-01', 'yesterday', '2026-13-01']) {
      await expect(runBilling(database.db, { until: bad })).rejects.toMatchObject({ code: 'bad_date' });
    }
    const after = await queryRows<{ n: number }>(database.db, sql`select count(*)::int8 as n from ledger_entries`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('applies a pending tariff change from its day', async () => {
    const region = await buildRegion(database.db);
    const { account: acc, subscription } = await buildSubscriber(database.db, {
      regionId: region.id,
      balance: 100_000,
    });
    const { buildTariff } = await import('../../test/factories.js');
    const cheaper = await buildTariff(database.db, { regionId: region.id, monthlyFee: 30_000 });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-01' });
    await database.db.execute(
      sql`update subscriptions set pending_tariff_id = ${cheaper.id}, pending_from = ${addDays('2026-11-01', 1)}::date where id = ${subscription.id}`,
    );
    await runBilling(database.db, { regionId: region.id, until: '2026-11-02' });
    expect((await chargesOf(acc.id)).map((c) => c.amount)).toEqual([-2_000, -1_000]);
  });
});
