import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../../common/dates.js';
import { dailyShare, daysInMonth } from '../../../common/money.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildService } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { addIpRange } from '../services/ip-pool-admin.js';
import { runServicesDay } from '../services/run-services-day.js';
import { applySuspension } from '../suspension/apply-suspension.js';
import { approveSuspension } from '../suspension/review-suspension.js';

// The information page (services issue, item 8): what the subscriber has and can do next.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const today = () => todayIn('Europe/Moscow');
/** The overview as the cabinet reads it; changes made here without HTTP clear the 2-second read cache first. */
const overview = async (auth: Record<string, string>) => {
  t.app.deps.caches.clear();
  return (await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: auth })).json();
};

describe('information page', () => {
  it('counts a promised payment as a debt in the days left, shows it with its due day and asks for a top-up', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: 1_000, monthlyFee: 60_000 });
    const before = await overview(s.auth);
    expect(before).toMatchObject({ promised: null, topUp: true, lowBalance: true, daysLeft: 0 });
    const taken = await t.app.inject({ method: 'POST', url: '/api/me/promised-payment', headers: s.auth, payload: {} });
    expect(taken.statusCode).toBe(200);
    const o = await overview(s.auth);
    // 600 ₽ promised would last about a month; the subscriber's own 10 ₽ do not last a day.
    expect(o).toMatchObject({ promised: { amount: 60_000, dueOn: addDays(today(), 5) }, daysLeft: 0, topUp: true });
    expect(o.promisedCredit).toBe(60_000);
  });

  it('shows a static IP with its address, the next charge, and no top-up while money lasts', async () => {
    const region = await buildRegion(t.database.db);
    const ip = await buildService(t.database.db, { regionId: region.id, kind: 'static_ip', monthlyFee: 15_000 });
    await addIpRange(t.database.db, { regionId: region.id, cidr: '192.0.2.128/30', staffId: 1 });
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      balance: 500_000,
      monthlyFee: 60_000,
    });
    await t.app.inject({ method: 'POST', url: '/api/me/addons', headers: s.auth, payload: { serviceId: ip.id } });
    const o = await overview(s.auth);
    const tomorrow = addDays(today(), 1);
    const [y, m, d] = tomorrow.split('-').map(Number) as [number, number, number];
    expect(o.services).toEqual([
      expect.objectContaining({ kind: 'static_ip', address: '192.0.2.129', monthlyFee: 15_000, from: tomorrow }),
    ]);
    expect(o.nextCharge).toEqual({
      on: tomorrow,
      amount: dailyShare(60_000, d, daysInMonth(y, m)) + dailyShare(15_000, d, daysInMonth(y, m)),
    });
    expect(o).toMatchObject({ topUp: false, lowBalance: false, status: 'active' });
  });

  it('while suspended: the period and its end, and no next charge on free days', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: 50_000 });
    const start = addDays(today(), 1);
    const { id } = await applySuspension(t.database.db, {
      accountId: s.account.id,
      startsOn: start,
      endsOn: addDays(start, 9),
      actor: { type: 'subscriber', accountId: s.account.id },
    });
    expect((await overview(s.auth)).suspension).toEqual({
      id,
      status: 'pending',
      startsOn: start,
      endsOn: addDays(start, 9),
    });
    await approveSuspension(t.database.db, { id, staffId: 1 });
    // Tomorrow is its first (free) day: nothing will be charged.
    expect(await overview(s.auth)).toMatchObject({ suspension: { status: 'approved' }, nextCharge: null });
    await runServicesDay(t.database.db, { regionId: s.account.regionId, day: start });
    const o = await overview(s.auth);
    expect(o).toMatchObject({
      status: 'suspended',
      suspension: { id, status: 'active', endsOn: addDays(start, 9) },
      nextCharge: null,
      daysLeft: null,
    });
  });

  it('blocked for debt: nothing is charged, the top-up is asked for with the amount that restores service', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: -25_000, status: 'blocked' });
    expect(await overview(s.auth)).toMatchObject({
      status: 'blocked',
      nextCharge: null,
      topUp: true,
      amountToRestore: 25_000,
    });
  });
});
