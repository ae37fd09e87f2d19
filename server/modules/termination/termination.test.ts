import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { buildRegion, buildService, buildStaff } from '../../test/factories.js';
import { payByCard, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { addIpRange } from '../services/ip-pool-admin.js';
import { createOffice } from './offices.js';

let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let op: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await startPaymentsApp();
  op = await buildStaff(t.db, { role: 'operator' });
});
afterAll(() => t.close());

const today = () => todayIn('Europe/Moscow');
const state = async (accountId: number) =>
  (
    await queryRows<{ balance: number; status: string; contract_status: string; terminated_on: string | null }>(
      t.db,
      sql`select a.balance, a.status, c.status as contract_status, c.terminated_on
          from accounts a join contracts c on c.id = a.contract_id where a.id = ${accountId}`,
    )
  )[0]!;

describe('contract termination', () => {
  it('the subscriber books an office visit; staff settle to the day, refund the rest in cash and close everything', async () => {
    const region = await buildRegion(t.db);
    const office = await createOffice(
      t.db,
      { staffId: op.user.id },
      {
        regionId: region.id,
        nameRu: 'Офис на Невском',
        nameEn: 'Nevsky office',
        address: 'Невский пр., 1',
        hours: 'Пн–Пт 10:00–19:00',
      },
    );
    const ip = await buildService(t.db, { regionId: region.id, kind: 'static_ip', monthlyFee: 15_000 });
    await addIpRange(t.db, { regionId: region.id, cidr: '203.0.113.8/30', staffId: op.user.id });
    const s = await signedInSubscriber(t.app, t.db, { regionId: region.id, balance: 100_000, monthlyFee: 60_000 });
    const connected = await t.app.inject({
      method: 'POST',
      url: '/api/me/addons',
      headers: s.auth,
      payload: { serviceId: ip.id },
    });
    expect(connected.json().address).toBe('203.0.113.9');

    const info = await t.app.inject({ method: 'GET', url: '/api/me/termination', headers: s.auth });
    expect(info.json().offices).toEqual([expect.objectContaining({ id: office.id, address: 'Невский пр., 1' })]);
    const date = addDays(today(), 2);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/me/termination/visit',
      headers: s.auth,
      payload: { officeId: office.id, date: today(), time: '11:00' },
    });
    expect(bad.statusCode).toBe(400);
    const booked = await t.app.inject({
      method: 'POST',
      url: '/api/me/termination/visit',
      headers: s.auth,
      payload: { officeId: office.id, date, time: '11:30', phone: '+7 921 000-00-00' },
    });
    expect(booked.statusCode).toBe(200);
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/me/termination/visit',
      headers: s.auth,
      payload: { officeId: office.id, date, time: '12:00' },
    });
    expect(twice.json().error.code).toBe('visit_exists');
    const queue = await t.app.inject({ method: 'GET', url: '/api/staff/termination-visits', headers: op.auth });
    expect(queue.json().visits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: s.account.id, date, time: '11:30', office: 'Офис на Невском' }),
      ]),
    );

    // No run has charged today in this region: the settlement charges today's 600 ₽/month plan share
    // (the static IP starts tomorrow, so it is not charged at all).
    const preview = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
    });
    const p = preview.json();
    expect(p.todayCharge).toBeGreaterThan(0);
    expect(p).toMatchObject({
      balance: 100_000,
      balanceAfter: 100_000 - p.todayCharge,
      refund: 100_000 - p.todayCharge,
      debt: 0,
      visit: { date },
    });
    const mismatch = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'none' },
    });
    expect(mismatch.json().error.code).toBe('termination_refund_mismatch');

    const done = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'cash' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      terminatedOn: today(),
      finalBalance: 100_000 - p.todayCharge,
      refundMethod: 'cash',
      refundAmount: 100_000 - p.todayCharge,
      balance: 0,
    });
    expect(await state(s.account.id)).toEqual({
      balance: 0,
      status: 'terminated',
      contract_status: 'terminated',
      terminated_on: today(),
    });
    const free = await queryRows(
      t.db,
      sql`select 1 from ip_addresses where region_id = ${region.id} and subscription_id is null`,
    );
    expect(free).toHaveLength(2);
    const open = await queryRows(
      t.db,
      sql`select 1 from subscriptions where account_id = ${s.account.id} and (ends_on is null or ends_on > ${today()}::date)`,
    );
    expect(open).toEqual([]);
    const [visit] = await queryRows<{ status: string }>(
      t.db,
      sql`select status from termination_visits where account_id = ${s.account.id}`,
    );
    expect(visit!.status).toBe('completed');
    const events = await queryRows<{ kind: string }>(
      t.db,
      sql`select kind from account_events where account_id = ${s.account.id} order by id`,
    );
    expect(events.map((e) => e.kind)).toEqual(['static_ip_assigned', 'static_ip_released', 'terminated']);

    // The subscriber is out: the old session is gone, and signing in again is refused with the reason.
    const after = await t.app.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth });
    expect(after.statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { contract: s.contract.number, password: s.password },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe('contract_terminated_login');
    // Staff still read the statement, the cash refund last.
    const st = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/statement?from=2026-01-01`,
      headers: op.auth,
    });
    expect(st.json().entries.at(-1)).toMatchObject({
      kind: 'refund',
      amount: -(100_000 - p.todayCharge),
      comment: 'termination:cash',
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'cash' },
    });
    expect(again.json().error.code).toBe('account_terminated');
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('refuses while the account owes money, and refunds the remainder to the card through finance', async () => {
    const debtor = await signedInSubscriber(t.app, t.db, { balance: -30_000, status: 'blocked' });
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${debtor.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'none' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'termination_debt',
      message: 'На счёте долг 300,00 ₽: примите оплату долга, затем расторгайте договор',
    });
    expect((await state(debtor.account.id)).status).toBe('blocked');

    const s = await signedInSubscriber(t.app, t.db, { balance: 0, monthlyFee: 0 });
    const { confirmationUrl } = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: '700' } })
    ).json();
    await payByCard(t.app, confirmationUrl);
    await t.drain();
    expect((await state(s.account.id)).balance).toBe(70_000);
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/termination`,
      headers: op.auth,
      payload: { refund: 'card' },
    });
    expect(done.json()).toMatchObject({
      refundMethod: 'card',
      refundAmount: 70_000,
      cardRefunds: [expect.objectContaining({ amount: 70_000, status: 'succeeded' })],
      balance: 0,
    });
    const refunds = await queryRows<{ status: string; amount: number }>(
      t.db,
      sql`select f.status, f.amount from payment_refunds f join payments p on p.id = f.payment_id where p.account_id = ${s.account.id}`,
    );
    expect(refunds).toEqual([{ status: 'succeeded', amount: 70_000 }]);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });
});
