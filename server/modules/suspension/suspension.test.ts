import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildSubscriber } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { runServicesDay } from '../services/run-services-day.js';
import { applySuspension } from './apply-suspension.js';
import { endSuspensionEarly } from './end-suspension.js';
import { listSuspensions } from './list-suspensions.js';
import { previewSuspension } from './preview-suspension.js';
import { approveSuspension, refuseSuspension } from './review-suspension.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const at = (day: string) => new Date(`${day}T09:00:00Z`);
const LATER = new Date('2030-01-01T00:00:00Z');
const db = () => t.database.db;

async function account(id: number) {
  const [a] = await queryRows<{ balance: number; status: string }>(
    db(),
    sql`select balance, status from accounts where id = ${id}`,
  );
  return a!;
}
async function suspensionRow(id: number) {
  const [s] = await queryRows<{ status: string; free_days: number | null; starts_on: string; ended_on: string | null }>(
    db(),
    sql`select status, free_days, starts_on, ended_on from suspensions where id = ${id}`,
  );
  return s!;
}

/** Apply, approve as staff, and run the region's day steps on its first and the day after its last. */
async function suspendFor(accountId: number, regionId: number, startsOn: string, endsOn: string, appliedOn: string) {
  const { id } = await applySuspension(db(), {
    accountId,
    startsOn,
    endsOn,
    actor: { type: 'subscriber', accountId },
    now: at(appliedOn),
  });
  await approveSuspension(db(), { id, staffId: 1, now: at(appliedOn) });
  await runServicesDay(db(), { regionId, day: startsOn });
  return id;
}

describe('voluntary suspension rules', () => {
  it('60 free days across several applications, then the daily fee; the 365-day window frees them again', async () => {
    const region = await buildRegion(db());
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 100_000 });
    const first = await suspendFor(acc.id, region.id, '2026-01-10', '2026-02-08', '2026-01-05'); // 30 days
    await runServicesDay(db(), { regionId: region.id, day: '2026-02-09' });
    const second = await suspendFor(acc.id, region.id, '2026-04-01', '2026-04-20', '2026-03-20'); // 20 days
    await runServicesDay(db(), { regionId: region.id, day: '2026-04-21' });

    // The preview of a third tells the subscriber 10 of its 20 days are free, then 3 ₽ a day.
    const preview = await previewSuspension(db(), {
      accountId: acc.id,
      startsOn: '2026-07-01',
      endsOn: '2026-07-20',
      now: at('2026-06-20'),
    });
    expect(preview).toMatchObject({
      days: 20,
      freeDays: 10,
      paidDays: 10,
      paidFrom: '2026-07-11',
      dailyFee: 300,
      cost: 3_000,
      freeDaysAvailable: 10,
    });
    const third = await suspendFor(acc.id, region.id, '2026-07-01', '2026-07-20', '2026-06-20');
    await runServicesDay(db(), { regionId: region.id, day: '2026-07-21' });
    expect([
      (await suspensionRow(first)).free_days,
      (await suspensionRow(second)).free_days,
      (await suspensionRow(third)).free_days,
    ]).toEqual([30, 20, 10]);

    // 2027-01-10 is 365 days after the first free day: that day has left the window, 59 of them remain
    // inside it... and by 2027-02-09 the first application's 30 days have all left it.
    const early = await previewSuspension(db(), {
      accountId: acc.id,
      startsOn: '2027-01-10',
      endsOn: '2027-01-29',
      now: at('2027-01-01'),
    });
    expect(early.freeDays).toBe(1);
    const later = await previewSuspension(db(), {
      accountId: acc.id,
      startsOn: '2027-02-09',
      endsOn: '2027-02-28',
      now: at('2027-01-01'),
    });
    expect(later.freeDays).toBe(20);
    const list = await listSuspensions(db(), acc.id, at('2026-07-25'));
    expect(list.suspensions.map((s) => [s.status, s.freeDays, s.paidDays, s.cost])).toEqual([
      ['finished', 10, 10, 3_000],
      ['finished', 20, 0, 0],
      ['finished', 30, 0, 0],
    ]);
  });

  it('refuses overlapping applications, bad lengths and past days, changing nothing', async () => {
    const region = await buildRegion(db());
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 10_000 });
    const actor = { type: 'subscriber' as const, accountId: acc.id };
    const now = at('2026-03-01');
    await applySuspension(db(), { accountId: acc.id, startsOn: '2026-03-10', endsOn: '2026-03-20', actor, now });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-03-20', endsOn: '2026-03-25', actor, now }),
      ),
    ).toBe('suspension_overlap');
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-03-01', endsOn: '2026-03-05', actor, now }),
      ),
    ).toBe('suspension_bad_dates');
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-04-01', endsOn: '2026-06-30', actor, now }),
      ),
    ).toBe('suspension_bad_dates'); // 91 days
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-04-02', endsOn: '2026-04-01', actor, now }),
      ),
    ).toBe('suspension_bad_dates');
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-02-30', endsOn: '2026-03-01', actor, now }),
      ),
    ).toBe('bad_date');
    expect(
      await code(
        applySuspension(db(), { accountId: acc.id, startsOn: '2026-03-21', endsOn: '2026-06-18', actor, now }),
      ),
    ).toBe('ok'); // 90 days
    const rows = await queryRows(db(), sql`select id from suspensions where account_id = ${acc.id}`);
    expect(rows).toHaveLength(2);
  });

  it('suspends on the first day and resumes after the last, across a month boundary, charging no subscription fee in between', async () => {
    const region = await buildRegion(db());
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 200_000 });
    await runBilling(db(), { regionId: region.id, until: '2026-11-01', now: LATER });
    const { id } = await applySuspension(db(), {
      accountId: acc.id,
      startsOn: '2026-11-25',
      endsOn: '2026-12-05',
      actor: { type: 'subscriber', accountId: acc.id },
      now: at('2026-11-10'),
    });
    await approveSuspension(db(), { id, staffId: 1, now: at('2026-11-11') });
    await runBilling(db(), { regionId: region.id, until: '2026-11-25', now: LATER });
    expect((await account(acc.id)).status).toBe('suspended');
    await runBilling(db(), { regionId: region.id, until: '2026-12-31', now: LATER });
    expect((await account(acc.id)).status).toBe('active');
    const byMonth = await queryRows<{ m: string; total: number; days: number }>(
      db(),
      sql`select to_char(effective_on, 'YYYY-MM') as m, sum(amount)::int8 as total, count(*)::int8 as days
          from ledger_entries where account_id = ${acc.id} and kind = 'charge' group by 1 order by 1`,
    );
    // November: days 1–24 = floor(60 000·24/30) = 48 000. December: days 6–31 = 60 000 − floor(60 000·5/31) = 50 323.
    expect(byMonth).toEqual([
      { m: '2026-11', total: -48_000, days: 24 },
      { m: '2026-12', total: -50_323, days: 26 },
    ]);
    const events = await queryRows<{ kind: string; to: string | null }>(
      db(),
      sql`select kind, data->>'to' as to from account_events where account_id = ${acc.id} and kind in ('suspended', 'resumed') order by id`,
    );
    expect(events).toEqual([
      { kind: 'suspended', to: '2026-12-05' },
      { kind: 'resumed', to: null },
    ]);
    expect((await suspensionRow(id)).status).toBe('finished');
    expect((await verifyLedger(db())).mismatches).toEqual([]);
  });

  it('ends early at once: today is the last day, unused free days return to the allowance', async () => {
    const region = await buildRegion(db());
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 100_000 });
    const id = await suspendFor(acc.id, region.id, '2026-05-01', '2026-06-29', '2026-04-20'); // 60 days
    expect((await account(acc.id)).status).toBe('suspended');
    const ended = await endSuspensionEarly(db(), {
      accountId: acc.id,
      id,
      actor: { type: 'subscriber', accountId: acc.id },
      now: at('2026-05-10'),
    });
    expect(ended).toEqual({ id, endedOn: '2026-05-10', status: 'active' });
    expect(await account(acc.id)).toMatchObject({ status: 'active' });
    // Ten days used: fifty left for the next one.
    const next = await previewSuspension(db(), {
      accountId: acc.id,
      startsOn: '2026-07-01',
      endsOn: '2026-08-29',
      now: at('2026-06-01'),
    });
    expect(next).toMatchObject({ days: 60, freeDays: 50, paidDays: 10 });
    await expect(
      endSuspensionEarly(db(), {
        accountId: acc.id,
        id,
        actor: { type: 'subscriber', accountId: acc.id },
        now: at('2026-05-11'),
      }),
    ).rejects.toMatchObject({ code: 'suspension_wrong_state' });
  });

  it('resumes into a block when the money does not cover the debt', async () => {
    const region = await buildRegion(db());
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 100 });
    await suspendFor(acc.id, region.id, '2026-05-01', '2026-05-03', '2026-04-20');
    // Meanwhile a correction takes money off.
    await db().execute(sql`select 1`);
    const { postEntry } = await import('../ledger/post-entry.js');
    await postEntry(db(), {
      accountId: acc.id,
      kind: 'adjustment',
      amount: -5_000,
      effectiveOn: '2026-05-02',
      source: 'test',
    });
    await runServicesDay(db(), { regionId: region.id, day: '2026-05-04' });
    expect((await account(acc.id)).status).toBe('blocked');
  });
});

describe('suspension over HTTP: subscriber, staff queue, auto-approval', () => {
  it('a subscriber applies, the operator sees it in the queue and approves; others may not; a refusal carries its reason', async () => {
    const region = await buildRegion(db());
    const s = await signedInSubscriber(t.app, db(), { regionId: region.id, balance: 50_000 });
    const op = await buildStaff(db(), { role: 'operator' });
    const finance = await buildStaff(db(), { role: 'finance' });
    const tomorrow = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    const after = new Date(Date.now() + 86_400_000 * 8).toISOString().slice(0, 10);
    const applied = await t.app.inject({
      method: 'POST',
      url: '/api/me/suspensions',
      headers: s.auth,
      payload: { startsOn: tomorrow, endsOn: after },
    });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: 'pending' });
    const id = applied.json().id as number;
    const overlap = await t.app.inject({
      method: 'POST',
      url: '/api/me/suspensions',
      headers: { ...s.auth, 'accept-language': 'en' },
      payload: { startsOn: after, endsOn: after },
    });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.code).toBe('suspension_overlap');
    expect(overlap.json().error.message).toMatch(/^The dates overlap another suspension/);

    const queue = await t.app.inject({ method: 'GET', url: '/api/staff/suspensions', headers: op.auth });
    expect(queue.json().suspensions.map((x: { id: number }) => x.id)).toContain(id);
    const byFinance = await t.app.inject({
      method: 'POST',
      url: `/api/staff/suspensions/${id}/approve`,
      headers: finance.auth,
    });
    expect(byFinance.statusCode).toBe(403);
    const bySubscriber = await t.app.inject({
      method: 'POST',
      url: `/api/staff/suspensions/${id}/approve`,
      headers: s.auth,
    });
    expect(bySubscriber.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: `/api/staff/suspensions/${id}/approve`, headers: op.auth });
    expect(ok.json()).toMatchObject({ status: 'approved', startsOn: tomorrow });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/suspensions/${id}/refuse`,
      headers: op.auth,
      payload: { reason: 'x' },
    });
    expect(again.statusCode).toBe(409);
    const notices = await queryRows<{ template: string }>(
      db(),
      sql`select template from outbox where account_id = ${s.account.id} and channel = 'inbox'`,
    );
    expect(notices.map((n) => n.template)).toEqual(['suspension_approved']);

    // Another application, refused with a reason the subscriber reads.
    const far = new Date(Date.now() + 86_400_000 * 30).toISOString().slice(0, 10);
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/me/suspensions',
      headers: s.auth,
      payload: { startsOn: far, endsOn: far },
    });
    await refuseSuspension(db(), { id: second.json().id, staffId: op.user.id, reason: 'Договор на проверке' });
    const mine = await t.app.inject({ method: 'GET', url: '/api/me/suspensions', headers: s.auth });
    expect(mine.json().suspensions.find((x: { id: number }) => x.id === second.json().id)).toMatchObject({
      status: 'refused',
      refuseReason: 'Договор на проверке',
    });
    // Someone else's application is "not found" for this subscriber.
    const other = await signedInSubscriber(t.app, db(), { regionId: region.id });
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/me/suspensions/${id}/cancel`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('a region that approves automatically approves an application that meets the rules', async () => {
    const region = await buildRegion(db(), { settings: { suspension: { autoApprove: true, dailyFee: 500 } } });
    const s = await signedInSubscriber(t.app, db(), { regionId: region.id, balance: 50_000 });
    const start = new Date(Date.now() + 86_400_000 * 3).toISOString().slice(0, 10);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/me/suspensions',
      headers: s.auth,
      payload: { startsOn: start, endsOn: start },
    });
    expect(res.json()).toMatchObject({ status: 'approved' });
    const [row] = await queryRows<{ reviewed_by: string; daily_fee: number }>(
      db(),
      sql`select reviewed_by, daily_fee from suspensions where id = ${res.json().id}`,
    );
    expect(row).toEqual({ reviewed_by: 'auto', daily_fee: 500 });
  });
});

describe('suspension fee', () => {
  it('charges the daily fee for each day past the free days, across a month boundary, and no subscription fee', async () => {
    const region = await buildRegion(db(), { settings: { suspension: { dailyFee: 300 } } });
    const { account: acc } = await buildSubscriber(db(), { regionId: region.id, balance: 300_000, monthlyFee: 60_000 });
    // 55 free days used in August–September…
    await suspendFor(acc.id, region.id, '2026-08-05', '2026-09-28', '2026-08-01');
    await runServicesDay(db(), { regionId: region.id, day: '2026-09-29' });
    // …so a 12-day suspension from 30 November has 5 free days (30.11–04.12) and 7 paid ones (05.12–11.12).
    const second = await applySuspension(db(), {
      accountId: acc.id,
      startsOn: '2026-11-30',
      endsOn: '2026-12-11',
      actor: { type: 'subscriber', accountId: acc.id },
      now: at('2026-10-01'),
    });
    expect(
      await previewSuspension(db(), {
        accountId: acc.id,
        startsOn: '2027-03-01',
        endsOn: '2027-03-01',
        now: at('2026-10-01'),
      }),
    ).toMatchObject({ freeDays: 0 });
    await approveSuspension(db(), { id: second.id, staffId: 1, now: at('2026-10-01') });
    await runBilling(db(), { regionId: region.id, until: '2026-11-01', now: LATER });
    await runBilling(db(), { regionId: region.id, until: '2026-12-31', now: LATER });
    expect((await suspensionRow(second.id)).free_days).toBe(5);
    const fees = await queryRows<{ effective_on: string; amount: number }>(
      db(),
      sql`select l.effective_on, l.amount from ledger_entries l join subscriptions s on s.id = l.subscription_id
          where l.account_id = ${acc.id} and s.kind = 'suspension' order by l.effective_on`,
    );
    expect(fees.map((f) => f.effective_on)).toEqual([
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
    ]);
    expect(fees.reduce((s, f) => s + f.amount, 0)).toBe(-2_100);
    const byMonth = await queryRows<{ m: string; total: number }>(
      db(),
      sql`select to_char(effective_on, 'YYYY-MM') as m, sum(amount)::int8 as total from ledger_entries
          where account_id = ${acc.id} and kind = 'charge' and effective_on >= '2026-11-01'
            and subscription_id in (select id from subscriptions where account_id = ${acc.id} and kind = 'tariff')
          group by 1 order by 1`,
    );
    // Subscription fee: November days 1–29 = floor(60 000·29/30) = 58 000; December days 12–31 = 60 000 − floor(60 000·11/31) = 38 710.
    expect(byMonth).toEqual([
      { m: '2026-11', total: -58_000 },
      { m: '2026-12', total: -38_710 },
    ]);
    // Running the days again charges nothing twice.
    const { runBillingDay } = await import('../billing/run-billing-day.js');
    await db().execute(
      sql`update billing_days set state = 'running' where region_id = ${region.id} and day = '2026-12-06'`,
    );
    await runBillingDay(db(), { regionId: region.id, day: '2026-12-06' });
    const again = await queryRows(
      db(),
      sql`select 1 from ledger_entries l join subscriptions s on s.id = l.subscription_id
          where l.account_id = ${acc.id} and s.kind = 'suspension'`,
    );
    expect(again).toHaveLength(7);
    expect((await verifyLedger(db())).mismatches).toEqual([]);
  });
});
