import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { buildRegion, buildService, buildStaff, buildTariff } from '../../test/factories.js';
import { startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBillingDay } from '../billing/run-billing-day.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { connectAddon } from '../services/connect-addon.js';
import { requestTariffChange } from '../services/request-tariff-change.js';
import { applySuspension } from '../suspension/apply-suspension.js';
import { approveSuspension } from '../suspension/review-suspension.js';
import { forecastSettlement } from './forecast-settlement.js';
import { terminateContract } from './terminate-contract.js';

// The expected settlement before a termination visit (issue 30, item 4) is made by the termination's
// own code: these tests let the real runs and the real termination happen afterwards and compare.
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let op: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await startPaymentsApp();
  op = await buildStaff(t.db, { role: 'operator' });
});
afterAll(() => t.close());

const today = () => todayIn('Europe/Moscow');
/** Noon in Moscow on `day`: the office is open, the day's run is done. */
const noonOf = (day: string) => new Date(`${day}T09:00:00Z`);
const footprint = async (accountId: number) =>
  (
    await queryRows<{ balance: number; status: string; entries: number; subs: number; events: number }>(
      t.db,
      sql`select a.balance, a.status,
                 (select count(*)::int from ledger_entries where account_id = a.id) as entries,
                 (select count(*)::int from subscriptions where account_id = a.id) as subs,
                 (select count(*)::int from account_events where account_id = a.id) as events
          from accounts a where a.id = ${accountId}`,
    )
  )[0]!;

/** The region's daily runs from today up to `last`, as the scheduler would make them. */
async function runDays(regionId: number, last: string) {
  for (let d = today(); d <= last; d = addDays(d, 1)) await runBillingDay(t.db, { regionId, day: d });
}

describe('the expected final settlement (forecastSettlement)', () => {
  it('for a visit day: a plan change, an add-on and a suspension on the way; the real runs and termination that day close with exactly it', async () => {
    const region = await buildRegion(t.db);
    const dearer = await buildTariff(t.db, { regionId: region.id, nameRu: 'Быстрый', monthlyFee: 93_000 });
    const tv = await buildService(t.db, { regionId: region.id, kind: 'tv', nameRu: 'ТВ Базовый', monthlyFee: 19_900 });
    const s = await signedInSubscriber(t.app, t.db, { regionId: region.id, balance: 100_000, monthlyFee: 60_000 });
    const actor = { type: 'subscriber' as const, accountId: s.account.id };
    await connectAddon(t.db, { accountId: s.account.id, serviceId: tv.id, actor });
    await requestTariffChange(t.db, { accountId: s.account.id, tariffId: dearer.id, actor });
    const susp = await applySuspension(t.db, {
      accountId: s.account.id,
      startsOn: addDays(today(), 3),
      endsOn: addDays(today(), 4),
      actor,
    });
    if (susp.status === 'pending') await approveSuspension(t.db, { id: susp.id, staffId: op.user.id });
    const visit = addDays(today(), 6);

    const before = await footprint(s.account.id);
    const f = await forecastSettlement(t.db, { accountId: s.account.id, day: visit });
    // Nothing of the forecast stays behind: no entry, no subscription, no event, the same balance.
    expect(await footprint(s.account.id)).toEqual(before);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);

    // What it depends on, per thing charged: today at the old plan, then the new plan from tomorrow,
    // the TV package from tomorrow, nothing on the two suspended (free) days.
    expect(f.charges).toEqual([
      expect.objectContaining({ kind: 'tariff', nameRu: expect.any(String), days: 1 }),
      expect.objectContaining({ kind: 'tariff', nameRu: 'Быстрый', days: 4 }),
      expect.objectContaining({ kind: 'service', serviceKind: 'tv', nameRu: 'ТВ Базовый', days: 4 }),
    ]);
    expect(f.charged).toBe(f.charges.reduce((x, c) => x + c.amount, 0));
    expect(f).toMatchObject({ day: visit, balance: 100_000, balanceOnDay: 100_000 - f.charged, blockedOn: null });
    expect(f).toMatchObject({ debt: 0, refund: 100_000 - f.charged });

    // The days go by as they will; on the visit day the office terminates.
    await runDays(region.id, visit);
    const done = await terminateContract(t.db, t.deps, {
      accountId: s.account.id,
      refund: 'cash',
      staffId: op.user.id,
      now: noonOf(visit),
    });
    expect(done).toMatchObject({ terminatedOn: visit, finalBalance: f.balanceOnDay, refundAmount: f.refund });
  });

  it('money that runs out: blocked on that day, nothing charged after it, the debt as the office will ask for it', async () => {
    const region = await buildRegion(t.db);
    // 600 ₽ a month is about 20 ₽ a day: 30 ₽ lasts one day more, the second day's charge blocks.
    const s = await signedInSubscriber(t.app, t.db, { regionId: region.id, balance: 3_000, monthlyFee: 60_000 });
    const visit = addDays(today(), 10);
    const f = await forecastSettlement(t.db, { accountId: s.account.id, day: visit });
    expect(f.blockedOn).toBe(addDays(today(), 1));
    expect(f.charges).toEqual([expect.objectContaining({ kind: 'tariff', days: 2 })]);
    expect(f.debt).toBeGreaterThan(0);
    expect(f).toMatchObject({ refund: 0, balanceOnDay: -f.debt });

    await runDays(region.id, visit);
    const refused = terminateContract(t.db, t.deps, {
      accountId: s.account.id,
      refund: 'none',
      staffId: op.user.id,
      now: noonOf(visit),
    });
    await expect(refused).rejects.toMatchObject({ code: 'termination_debt' });
    expect((await footprint(s.account.id)).balance).toBe(f.balanceOnDay);
  });

  it('the staff preview for today is the same computation: what the completion then settles', async () => {
    const region = await buildRegion(t.db);
    const s = await signedInSubscriber(t.app, t.db, { regionId: region.id, balance: 50_000, monthlyFee: 31_000 });
    const preview = (
      await t.app.inject({ method: 'GET', url: `/api/staff/accounts/${s.account.id}/termination`, headers: op.auth })
    ).json();
    const f = await forecastSettlement(t.db, { accountId: s.account.id });
    expect(preview).toMatchObject({
      todayCharge: f.charged,
      balanceAfter: f.balanceOnDay,
      refund: f.refund,
      debt: 0,
      billingBehind: false,
    });
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'cash' },
    });
    expect(done.json()).toMatchObject({ finalBalance: preview.balanceAfter, refundAmount: preview.refund });
  });

  it('the cabinet asks for a day it may book, and sees only its own account', async () => {
    const region = await buildRegion(t.db);
    const s = await signedInSubscriber(t.app, t.db, { regionId: region.id, balance: 20_000, monthlyFee: 60_000 });
    const ask = (date: string) =>
      t.app.inject({ method: 'GET', url: `/api/me/termination/settlement?date=${date}`, headers: s.auth });
    expect((await ask(today())).json().error.code).toBe('visit_bad_time');
    expect((await ask(addDays(today(), 31))).json().error.code).toBe('visit_bad_time');
    expect((await ask('2026-13-01')).statusCode).toBe(400);
    const ok = await ask(addDays(today(), 2));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      day: addDays(today(), 2),
      balance: 20_000,
      charges: [{ kind: 'tariff', days: 3 }],
    });
    const anon = await t.app.inject({
      method: 'GET',
      url: `/api/me/termination/settlement?date=${addDays(today(), 2)}`,
    });
    expect(anon.statusCode).toBe(401);
  });
});
