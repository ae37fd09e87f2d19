import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildService, buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
import { getStatement } from '../cabinet/get-statement.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { addIpRange } from '../services/ip-pool-admin.js';
import { joinPromotion } from './join-promotion.js';
import { createPromotion } from './manage-promotions.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const db = () => t.database.db;
const at = (day: string) => new Date(`${day}T09:00:00Z`);
const LATER = new Date('2030-01-01T00:00:00Z');
const admin = { staffId: 1 };
const base = {
  titleRu: 'Акция',
  titleEn: 'Offer',
  descriptionRu: '',
  descriptionEn: '',
  startsOn: '2026-01-01',
  endsOn: null,
  eligibility: {},
};

async function chargesByMonth(accountId: number) {
  return queryRows<{ m: string; total: number }>(
    db(),
    sql`select to_char(effective_on, 'YYYY-MM') as m, sum(amount)::int8 as total from ledger_entries
        where account_id = ${accountId} and kind = 'charge' group by 1 order by 1`,
  );
}

describe('promotion effects, applied by the billing exactly', () => {
  it('N months at a discount: the plan is charged its daily share of the discounted fee for exactly those days', async () => {
    const region = await buildRegion(db());
    const promo = await createPromotion(db(), admin, {
      ...base,
      regionId: region.id,
      titleRu: 'Полцены на месяц',
      effect: 'discount',
      percent: 50,
      months: 1,
    });
    const aligned = await buildSubscriber(db(), { regionId: region.id, balance: 500_000, monthlyFee: 60_000 });
    const mid = await buildSubscriber(db(), { regionId: region.id, balance: 500_000, monthlyFee: 60_000 });
    await joinPromotion(db(), {
      accountId: aligned.account.id,
      promotionId: promo.id,
      actor: { type: 'subscriber', accountId: aligned.account.id },
      now: at('2026-11-30'),
    });
    const joined = await joinPromotion(db(), {
      accountId: mid.account.id,
      promotionId: promo.id,
      actor: { type: 'subscriber', accountId: mid.account.id },
      now: at('2026-11-14'),
    });
    expect(joined).toMatchObject({ effect: 'discount', from: '2026-11-15', to: '2026-12-14' });
    await runBilling(db(), { regionId: region.id, until: '2026-11-01', now: LATER });
    await runBilling(db(), { regionId: region.id, until: '2027-01-01', now: LATER });
    // Joined on Nov 30: December at half price (30 000 exactly); November in full, and from January 1
    // the full fee again (floor(60 000/31) = 1 935 that day).
    expect(await chargesByMonth(aligned.account.id)).toEqual([
      { m: '2026-11', total: -60_000 },
      { m: '2026-12', total: -30_000 },
      { m: '2027-01', total: -1_935 },
    ]);
    // Joined on Nov 14: Nov 1–14 full = 28 000, Nov 15–30 at 30 000/month = 30 000 − 14 000 = 16 000;
    // Dec 1–14 at 30 000/month = floor(30 000·14/31) = 13 548, Dec 15–31 full = 60 000 − floor(60 000·14/31) = 32 904.
    expect(await chargesByMonth(mid.account.id)).toEqual([
      { m: '2026-11', total: -44_000 },
      { m: '2026-12', total: -46_452 },
      { m: '2027-01', total: -1_935 },
    ]);
    const st = await getStatement(db(), mid.account.id, {
      from: '2026-11-15',
      to: '2026-11-15',
      lang: 'ru',
      now: LATER,
    });
    expect(st.entries[0]).toMatchObject({
      kind: 'charge',
      amount: -1_000,
      description: 'Тариф «Домашний 100», скидка 50 % по акции',
    });
    expect((await verifyLedger(db())).mismatches).toEqual([]);
  });

  it('a bonus credit is posted once on joining and restores a blocked account it covers', async () => {
    const region = await buildRegion(db());
    const promo = await createPromotion(db(), admin, {
      ...base,
      regionId: region.id,
      titleRu: 'Бонус 500 ₽',
      titleEn: 'Bonus',
      effect: 'bonus',
      amount: 50_000,
    });
    const s = await buildSubscriber(db(), { regionId: region.id, balance: -20_000, status: 'blocked' });
    const r = await joinPromotion(db(), {
      accountId: s.account.id,
      promotionId: promo.id,
      actor: { type: 'subscriber', accountId: s.account.id },
      now: at('2026-06-01'),
    });
    expect(r.balance).toBe(30_000);
    const [a] = await queryRows<{ balance: number; status: string }>(
      db(),
      sql`select balance, status from accounts where id = ${s.account.id}`,
    );
    expect(a).toEqual({ balance: 30_000, status: 'active' });
    await expect(
      joinPromotion(db(), {
        accountId: s.account.id,
        promotionId: promo.id,
        actor: { type: 'subscriber', accountId: s.account.id },
        now: at('2026-06-02'),
      }),
    ).rejects.toMatchObject({ code: 'promotion_not_eligible' });
    const bonus = await queryRows<{ amount: number }>(
      db(),
      sql`select amount from ledger_entries where account_id = ${s.account.id} and kind = 'bonus'`,
    );
    expect(bonus).toEqual([{ amount: 50_000 }]);
    const st = await getStatement(db(), s.account.id, { from: '2026-06-01', to: '2026-06-01', lang: 'en', now: LATER });
    expect(st.entries.map((e) => e.description)).toEqual(['Promotion "Bonus"']);
  });

  it('a free add-on for a period is charged nothing, ends with the period and gives its static IP back', async () => {
    const region = await buildRegion(db());
    const ip = await buildService(db(), { regionId: region.id, kind: 'static_ip', monthlyFee: 15_000 });
    await addIpRange(db(), { regionId: region.id, cidr: '198.51.100.16/30', staffId: 1 });
    const promo = await createPromotion(db(), admin, {
      ...base,
      regionId: region.id,
      effect: 'free_addon',
      serviceId: ip.id,
      months: 2,
    });
    const s = await buildSubscriber(db(), { regionId: region.id, balance: 500_000, monthlyFee: 60_000 });
    const r = await joinPromotion(db(), {
      accountId: s.account.id,
      promotionId: promo.id,
      actor: { type: 'subscriber', accountId: s.account.id },
      now: at('2026-10-31'),
    });
    expect(r).toMatchObject({ effect: 'free_addon', from: '2026-11-01', to: '2026-12-31', address: '198.51.100.17' });
    await runBilling(db(), { regionId: region.id, until: '2026-11-01', now: LATER });
    await runBilling(db(), { regionId: region.id, until: '2027-01-01', now: LATER });
    expect(await chargesByMonth(s.account.id)).toEqual([
      { m: '2026-11', total: -60_000 },
      { m: '2026-12', total: -60_000 },
      { m: '2027-01', total: -1_935 }, // Jan 1 only: floor(60 000/31); the free static IP has ended
    ]);
    const held = await queryRows(db(), sql`select 1 from ip_addresses where account_id = ${s.account.id}`);
    expect(held).toEqual([]);
    const released = await queryRows<{ kind: string }>(
      db(),
      sql`select kind from account_events where account_id = ${s.account.id} and kind like 'static_ip%' order by id`,
    );
    expect(released.map((e) => e.kind)).toEqual(['static_ip_assigned', 'static_ip_released']);
  });
});

describe('promotions over HTTP: eligibility, admin create and end', () => {
  it('shows current offers with the reason one cannot join, joins where allowed; admins create and end them', async () => {
    const region = await buildRegion(db());
    const plan = await buildTariff(db(), { regionId: region.id, monthlyFee: 50_000 });
    const tv = await buildService(db(), { regionId: region.id, kind: 'tv', monthlyFee: 19_900 });
    const adm = await buildStaff(db(), { role: 'admin' });
    const op = await buildStaff(db(), { role: 'operator' });
    const today = todayIn('Europe/Moscow');
    const create = (payload: object, headers = adm.auth) =>
      t.app.inject({ method: 'POST', url: '/api/staff/promotions', headers, payload });
    expect((await create({ ...base, regionId: region.id, effect: 'bonus', amount: 100 }, op.auth)).statusCode).toBe(
      403,
    );
    const bad = await create({ ...base, regionId: region.id, effect: 'discount', months: 2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('promotion_bad');
    const forNew = (
      await create({
        ...base,
        regionId: region.id,
        titleRu: 'Новым — ТВ',
        effect: 'free_addon',
        serviceId: tv.id,
        months: 3,
        eligibility: { newWithinDays: 30 },
      })
    ).json();
    const forPlan = (
      await create({
        ...base,
        regionId: region.id,
        titleRu: 'Скидка на тариф',
        effect: 'discount',
        percent: 20,
        months: 2,
        eligibility: { tariffIds: [plan.id], noDebt: true },
      })
    ).json();

    const old = await signedInSubscriber(t.app, db(), {
      regionId: region.id,
      tariffId: plan.id,
      startsOn: '2025-01-01',
      balance: 10_000,
    });
    const offers = (await t.app.inject({ method: 'GET', url: '/api/me/promotions', headers: old.auth })).json().offers;
    expect(
      offers.map((o: { id: number; canJoin: boolean; reason: string | null }) => [o.id, o.canJoin, o.reason]),
    ).toEqual([
      [forPlan.id, true, null],
      [forNew.id, false, 'new_only'],
    ]);
    // Who may join, on every offer, met or not (issue 30, item 3): the same check that joining makes.
    const byId = (id: number) => offers.find((o: { id: number }) => o.id === id);
    const age = Math.round((Date.parse(today) - Date.parse('2025-01-01')) / 86_400_000);
    expect(byId(forNew.id).conditions).toEqual([
      { kind: 'new_within_days', met: false, days: 30, contractAgeDays: age, tariffs: null },
    ]);
    expect(byId(forPlan.id).conditions).toEqual([
      {
        kind: 'tariffs',
        met: true,
        days: null,
        contractAgeDays: null,
        tariffs: [{ id: plan.id, nameRu: plan.nameRu, nameEn: plan.nameEn }],
      },
      { kind: 'no_debt', met: true, days: null, contractAgeDays: null, tariffs: null },
    ]);
    const debtor = await signedInSubscriber(t.app, db(), { regionId: region.id, tariffId: plan.id, balance: -500 });
    const owed = (await t.app.inject({ method: 'GET', url: '/api/me/promotions', headers: debtor.auth })).json();
    const owedPlan = owed.offers.find((o: { id: number }) => o.id === forPlan.id);
    expect(owedPlan).toMatchObject({ canJoin: false, reason: 'debt' });
    expect(owedPlan.conditions.map((c: { kind: string; met: boolean }) => [c.kind, c.met])).toEqual([
      ['tariffs', true],
      ['no_debt', false],
    ]);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/me/promotions/${forNew.id}/join`,
      headers: old.auth,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe('Участие в акции недоступно: только для новых абонентов');
    const joined = await t.app.inject({
      method: 'POST',
      url: `/api/me/promotions/${forPlan.id}/join`,
      headers: old.auth,
    });
    expect(joined.json()).toMatchObject({ effect: 'discount' });
    const overview = (await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: old.auth })).json();
    expect(overview.discount).toMatchObject({ percent: 20 });

    const ended = await t.app.inject({
      method: 'POST',
      url: `/api/staff/promotions/${forNew.id}/end`,
      headers: adm.auth,
    });
    expect(ended.json()).toMatchObject({ ended: true });
    const fresh = await signedInSubscriber(t.app, db(), { regionId: region.id, startsOn: today });
    const after = (await t.app.inject({ method: 'GET', url: '/api/me/promotions', headers: fresh.auth })).json().offers;
    expect(after.map((o: { id: number }) => o.id)).not.toContain(forNew.id);
    const other = await buildRegion(db());
    const foreign = await signedInSubscriber(t.app, db(), { regionId: other.id });
    const notHere = await t.app.inject({
      method: 'POST',
      url: `/api/me/promotions/${forPlan.id}/join`,
      headers: foreign.auth,
    });
    expect(notHere.statusCode).toBe(404);
  });
});
