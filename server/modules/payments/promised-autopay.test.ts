import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { buildRegion, buildSubscriber } from '../../test/factories.js';
import { accountState, payByCard, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { announceAutopay, chargeDueAutopay } from './run-autopay.js';
import { expirePromisedPayments } from './settle-promised.js';

let t: Awaited<ReturnType<typeof startPaymentsApp>>;
beforeAll(async () => {
  t = await startPaymentsApp();
});
afterAll(() => t.close());

describe('promised payment', () => {
  it('unblocks at once, is repaid from the next payment, and once a month only', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: -20_000, status: 'blocked', monthlyFee: 60_000 });
    const view = await t.app.inject({ url: '/api/me/promised-payment', headers: s.auth });
    expect(view.json()).toMatchObject({ available: true, maxAmount: 60_000, days: 5, active: null });
    const tooMuch = await t.app.inject({
      method: 'POST',
      url: '/api/me/promised-payment',
      headers: s.auth,
      payload: { amount: 60_001 },
    });
    expect(tooMuch.json().error.code).toBe('promised_too_much');
    const take = await t.app.inject({ method: 'POST', url: '/api/me/promised-payment', headers: s.auth, payload: {} });
    expect(take.json()).toMatchObject({ amount: 60_000, unblocked: true });
    let a = await accountState(t.db, s.account.id);
    // No money moved: the balance and the ledger are unchanged; the credit counts toward the limit.
    expect(a).toMatchObject({ status: 'active', balance: -20_000, promised_credit: 60_000, ledger: -20_000 });
    const again = await t.app.inject({ url: '/api/me/promised-payment', headers: s.auth });
    expect(again.json()).toMatchObject({ available: false, reason: 'active_exists' });
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/me/promised-payment', headers: s.auth, payload: {} })).json()
        .error.code,
    ).toBe('promised_unavailable');

    // A partial payment shrinks the promised credit to what is still needed; a full one repays it.
    await creditPayment(t.db, {
      accountId: s.account.id,
      amount: 5_000,
      idempotencyKey: `pp-1-${s.account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    });
    a = await accountState(t.db, s.account.id);
    expect(a.promised_credit).toBe(15_000);
    await creditPayment(t.db, {
      accountId: s.account.id,
      amount: 30_000,
      idempotencyKey: `pp-2-${s.account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    });
    a = await accountState(t.db, s.account.id);
    expect(a).toMatchObject({ promised_credit: 0, balance: 15_000, status: 'active' });
    const after = await t.app.inject({ url: '/api/me/promised-payment', headers: s.auth });
    expect(after.json()).toMatchObject({ available: false, reason: 'already_this_month', active: null });
  });

  it('is refused in debt over a month, and expires unpaid → blocked again', async () => {
    const deep = await signedInSubscriber(t.app, t.db, { balance: -70_000, status: 'blocked', monthlyFee: 60_000 });
    expect((await t.app.inject({ url: '/api/me/promised-payment', headers: deep.auth })).json()).toMatchObject({
      available: false,
      reason: 'debt_over_month',
      maxAmount: 0,
    });

    const s = await signedInSubscriber(t.app, t.db, { balance: -10_000, status: 'blocked' });
    await t.app.inject({
      method: 'POST',
      url: '/api/me/promised-payment',
      headers: s.auth,
      payload: { amount: '200' },
    });
    expect((await accountState(t.db, s.account.id)).status).toBe('active');
    expect((await expirePromisedPayments(t.db)).expired).toBe(0);
    await t.db.execute(sql`update promised_payments set due_on = due_on - 6 where account_id = ${s.account.id}`);
    expect(await expirePromisedPayments(t.db)).toEqual({ expired: 1, blocked: 1 });
    expect(await accountState(t.db, s.account.id)).toMatchObject({
      status: 'blocked',
      promised_credit: 0,
      balance: -10_000,
    });
    const [ev] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from account_events where account_id = ${s.account.id} and kind = 'blocked'`,
    );
    expect(ev!.n).toBe(1);
  });
});

describe('autopay', () => {
  it('notifies a day before with a cancel link; failures notify, retry with backoff, then stop', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const p = (
      await t.app.inject({
        method: 'POST',
        url: '/api/me/payments',
        headers: s.auth,
        payload: { amount: 10_000, saveCard: true },
      })
    ).json();
    await payByCard(t.app, p.confirmationUrl, '4000 0000 0000 0341'); // saves, later charges decline
    await t.drain();
    const [card] = (await t.app.inject({ url: '/api/me/cards', headers: s.auth })).json().cards;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/autopay',
      headers: s.auth,
      payload: { methodId: card.id, mode: 'monthly', dayOfMonth: 10, amount: '300', monthlyLimit: '600' },
    });
    expect(put.json().autopay).toMatchObject({ mode: 'monthly', dayOfMonth: 10, amount: 30_000, enabled: true });
    const chargeAt = new Date(put.json().autopay.nextChargeAt);

    // More than 2 days before: no notice yet; within 2 days: the notice (inbox) with the cancel link.
    expect(await announceAutopay(t.db, t.deps, new Date(chargeAt.getTime() - 3 * 86_400_000))).toBe(0);
    let now = new Date(chargeAt.getTime() - 36 * 3600_000);
    expect(await announceAutopay(t.db, t.deps, now)).toBe(1);
    const [msg] = await queryRows<{ text: string }>(
      t.db,
      sql`select body as text from outbox where account_id = ${s.account.id} and template = 'autopay_notice'`,
    );
    expect(msg!.text).toContain('/cabinet/payments#autopay');
    // Due time: the charge is declined → failure notice and retries after 1 h, 6 h, 24 h, then off.
    now = chargeAt;
    for (const h of [0, 1, 6, 24]) {
      now = new Date(now.getTime() + h * 3600_000 + 1000);
      expect((await chargeDueAutopay(t.db, t.deps, now)).failed).toBe(1);
    }
    const view = (await t.app.inject({ url: '/api/me/autopay', headers: s.auth })).json().autopay;
    expect(view).toMatchObject({ enabled: false, disabledReason: 'charge_failed' });
    const [n] = await queryRows<{ failed: number; off: number }>(
      t.db,
      sql`select count(*) filter (where template = 'autopay_failed')::int as failed,
      count(*) filter (where template = 'autopay_disabled')::int as off from outbox where account_id = ${s.account.id} and channel = 'inbox'`,
    );
    expect(n).toEqual({ failed: 3, off: 1 });
    expect((await accountState(t.db, s.account.id)).balance).toBe(10_000);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/me/autopay', headers: s.auth });
    expect(del.json().autopay.disabledReason).toBe('canceled_by_subscriber');
  });
});

describe('payments racing the billing run', () => {
  it('leave balance = sum of ledger on every account', async () => {
    const region = await buildRegion(t.db);
    const subs = await Promise.all(
      Array.from({ length: 10 }, () =>
        buildSubscriber(t.db, { regionId: region.id, balance: 1_000, startsOn: '2026-11-01' }),
      ),
    );
    await Promise.all([
      runBilling(t.db, { regionId: region.id, until: '2026-11-10', batchSize: 3 }),
      ...subs.flatMap((s, i) =>
        [1, 2, 3].map((k) =>
          creditPayment(t.db, {
            accountId: s.account.id,
            amount: 1_000 * k,
            idempotencyKey: `race-${i}-${k}-${s.account.id}`,
            source: 'test',
            effectiveOn: '2026-11-05',
          }),
        ),
      ),
    ]);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
    for (const s of subs) {
      const a = await accountState(t.db, s.account.id);
      expect(a.balance).toBe(a.ledger);
    }
  });
});
