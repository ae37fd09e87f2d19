import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { tbankClient } from '../../deps.js';
import { ProviderRefusedError } from '../../integrations/acquiring/provider.js';
import { tbankToken } from '../../integrations/acquiring/tbank-token.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeTBank } from '../../test/fakes/tbank.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { getInstallation } from '../installation/installation.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { reconcilePendingPayments } from './handle-notification.js';
import { chargeDueAutopay } from './run-autopay.js';

/**
 * T-Bank Internet Acquiring (API v2) as the region's acquirer: card top-up on T-Bank's page, the signed
 * notification, autopay by RebillId, refunds by Cancel — each credited or refunded exactly once,
 * whatever the notifications do; a notification whose Token does not verify changes nothing.
 */
const TERMINAL = 'AbonentTerminal01';
const PASSWORD = 'tbank-terminal-password';
let tb: Awaited<ReturnType<typeof startFakeTBank>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let finance: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  tb = await startFakeTBank({ terminalKey: TERMINAL, password: PASSWORD });
  t = await startPaymentsApp({
    PAYMENT_PROVIDERS: 'tbank',
    TBANK_TERMINAL_KEY: TERMINAL,
    TBANK_PASSWORD: PASSWORD,
    TBANK_API_URL: tb.url,
  });
  finance = await buildStaff(t.db, { role: 'finance' });
});
afterAll(async () => {
  await t.close();
  await tb.close();
});

const hook = (body: object) => t.app.inject({ method: 'POST', url: '/api/payments/webhooks/tbank', payload: body });
const payment = async (id: number) =>
  (
    await queryRows<{ status: string; external_id: string; method: string }>(
      t.db,
      sql`select status, external_id, method from payments where id = ${id}`,
    )
  )[0]!;

/** A subscriber who starts a card top-up; returns our payment and T-Bank's. */
async function startTopUp(rubles: string, saveCard = false) {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/me/payments',
    headers: s.auth,
    payload: { amount: rubles, saveCard },
  });
  expect(res.statusCode, res.body).toBe(200);
  const { paymentId, confirmationUrl } = res.json();
  const ext = (await payment(paymentId)).external_id;
  return { ...s, paymentId: paymentId as number, confirmationUrl: confirmationUrl as string, ext };
}

describe('T-Bank card top-up', () => {
  it('Init is signed and keyed by an OrderId made of our key; the paid payment is credited once, the card saved', async () => {
    const s = await startTopUp('1000', true);
    const init = tb.requests.find((r) => r.method === 'Init' && r.answer.PaymentId === s.ext)!;
    const { id: inst } = await getInstallation(t.db);
    expect(init.body).toMatchObject({
      TerminalKey: TERMINAL,
      Amount: 100_000,
      OrderId: `${inst}-payment-${s.paymentId}`,
      PayType: 'O',
      Recurrent: 'Y',
      CustomerKey: `${inst}-a${s.account.id}`,
      OperationInitiatorType: '1',
      NotificationURL: `${t.config.publicUrl}/api/payments/webhooks/tbank`,
    });
    expect(init.body.Token).toBe(tbankToken(init.body, PASSWORD));
    expect(s.confirmationUrl).toBe(`${tb.url.replace('/v2', '')}/pay/${s.ext}`);

    // The payer pays on T-Bank's page; T-Bank's signed notification reaches us and gets "OK".
    await tb.payOnPage(s.ext);
    expect(tb.hooks.sent.filter((h) => h.PaymentId === s.ext)).toEqual([
      expect.objectContaining({ Status: 'CONFIRMED', status: 200, body: 'OK' }),
    ]);
    expect(await payment(s.paymentId)).toMatchObject({ status: 'succeeded', method: 'card' });
    expect((await accountState(t.db, s.account.id)).balance).toBe(100_000);
    const cards = (await t.app.inject({ url: '/api/me/cards', headers: s.auth })).json().cards;
    expect(cards).toEqual([expect.objectContaining({ provider: 'tbank', title: '•••• 0777' })]);
  });

  it('duplicate and concurrent notifications credit once', async () => {
    const s = await startTopUp('250');
    await tb.payOnPage(s.ext);
    await Promise.all(Array.from({ length: 8 }, () => tb.notify(s.ext)));
    const answers = tb.hooks.sent.filter((h) => h.PaymentId === s.ext);
    expect(answers).toHaveLength(9);
    expect(answers.every((h) => h.status === 200 && h.body === 'OK')).toBe(true);
    expect((await accountState(t.db, s.account.id)).balance).toBe(25_000);
    const [credits] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from ledger_entries where idempotency_key = ${`payment:${s.paymentId}`}`,
    );
    expect(credits!.n).toBe(1);
    expect((await verifyLedger(t.db)).mismatches.filter((m) => m.accountId === s.account.id)).toEqual([]);
  });

  it('a notification whose signature is wrong is refused and changes nothing', async () => {
    const s = await startTopUp('400');
    tb.payments.get(s.ext)!.Status = 'CONFIRMED'; // paid at T-Bank, our notification not yet in
    const good = tb.notificationBody(s.ext);
    const states = tb.requests.filter((r) => r.method === 'GetState').length;
    const forged = [
      { ...good, Token: 'f'.repeat(64) },
      { ...good, Amount: 9_999_999 }, // changed after signing
      { ...good, Token: tbankToken({ ...good, Token: undefined }, 'another-password') },
      { ...good, TerminalKey: 'OtherTerminal' },
    ];
    for (const body of forged) {
      const res = await hook(body);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('bad_signature');
    }
    const unsigned = await hook((({ Token: _t, ...rest }) => rest)(good));
    expect(unsigned.statusCode).toBe(400); // no Token at all: not even a notification
    expect(tb.requests.filter((r) => r.method === 'GetState').length).toBe(states); // T-Bank not even asked
    expect(await payment(s.paymentId)).toMatchObject({ status: 'pending' });
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
    // The genuine one credits.
    const ok = await hook(good);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('OK');
    expect((await accountState(t.db, s.account.id)).balance).toBe(40_000);
  });

  it('a lost notification is made up by the reconciliation (GetState), once', async () => {
    const s = await startTopUp('150');
    tb.payments.get(s.ext)!.Status = 'CONFIRMED';
    await t.db.execute(sql`update payments set created_at = now() - interval '2 minutes' where id = ${s.paymentId}`);
    await reconcilePendingPayments(t.db, t.deps);
    await reconcilePendingPayments(t.db, t.deps);
    expect((await accountState(t.db, s.account.id)).balance).toBe(15_000);
  });

  it('a declined payment is canceled with the issuer’s reason and never credited', async () => {
    const s = await startTopUp('300');
    await tb.payOnPage(s.ext, { decline: '1051' });
    expect(await payment(s.paymentId)).toMatchObject({ status: 'canceled' });
    const history = (await t.app.inject({ url: '/api/me/payments', headers: s.auth })).json().payments;
    expect(history).toEqual([expect.objectContaining({ status: 'canceled', declineReason: 'insufficient_funds' })]);
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
  });
});

describe('T-Bank autopay (RebillId)', () => {
  async function autopayOn(rubles = '500') {
    const s = await startTopUp('100', true);
    await tb.payOnPage(s.ext);
    const [card] = (await t.app.inject({ url: '/api/me/cards', headers: s.auth })).json().cards;
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/autopay',
      headers: s.auth,
      payload: { methodId: card.id, mode: 'threshold', threshold: '2000', amount: rubles, monthlyLimit: '10000' },
    });
    expect(put.statusCode, put.body).toBe(200);
    await t.db.execute(
      sql`update autopay_settings set noticed_at = now() - interval '48 hours', charge_at = now() - interval '1 minute'
          where account_id = ${s.account.id}`,
    );
    const rebill = tb.payments.get(s.ext)!.RebillId!;
    return { ...s, rebill };
  }
  const autopayRows = (accountId: number) =>
    queryRows<{ id: number; status: string; external_id: string | null }>(
      t.db,
      sql`select id, status, external_id from payments where account_id = ${accountId} and method = 'autopay' order by id`,
    );

  it('charges the saved card by RebillId (Init as merchant-initiated, then Charge) and credits once', async () => {
    const s = await autopayOn();
    expect(await chargeDueAutopay(t.db, t.deps)).toMatchObject({ charged: 1, failed: 0 });
    const [row] = await autopayRows(s.account.id);
    expect(row).toMatchObject({ status: 'succeeded' });
    const init = tb.requests.find((r) => r.method === 'Init' && r.answer.PaymentId === row!.external_id)!;
    expect(init.body).toMatchObject({ OperationInitiatorType: 'R', Amount: 50_000 });
    expect(init.body.Recurrent).toBeUndefined();
    const charge = tb.requests.find((r) => r.method === 'Charge' && r.body.PaymentId === row!.external_id)!;
    expect(charge.body).toMatchObject({ RebillId: s.rebill });
    expect((await accountState(t.db, s.account.id)).balance).toBe(10_000 + 50_000);
    // T-Bank's own notification of the charge arrives too: nothing more.
    await tb.notify(row!.external_id!);
    expect((await accountState(t.db, s.account.id)).balance).toBe(60_000);
  });

  it('a lost answer is repeated under the same OrderId: one payment at T-Bank, charged once', async () => {
    const s = await autopayOn();
    t.deps.acquirers.tbank = tbankClient(t.config, 300);
    tb.plan.lostAnswers = 1; // Init is carried out at T-Bank… and its answer never comes back
    try {
      const first = await chargeDueAutopay(t.db, t.deps);
      expect(first).toMatchObject({ charged: 0, waiting: 1 });
    } finally {
      tb.plan.lostAnswers = 0;
    }
    const second = await chargeDueAutopay(t.db, t.deps);
    expect(second).toMatchObject({ charged: 1 });
    const [row] = await autopayRows(s.account.id);
    const orderId = tb.requests.find((r) => r.method === 'Charge' && r.body.PaymentId === row!.external_id)!;
    expect(orderId).toBeDefined();
    const forOrder = [...tb.payments.values()].filter((p) => p.OrderId.endsWith(`-payment-${row!.id}`));
    expect(forOrder).toHaveLength(1);
    expect(tb.requests.filter((r) => r.method === 'Init' && r.answer.ErrorCode === '20')).not.toHaveLength(0);
    expect((await accountState(t.db, s.account.id)).balance).toBe(60_000);
  });

  it('an expired card (1054) stops autopay and asks for a new card; insufficient funds (1051) is retried', async () => {
    const expired = await autopayOn();
    tb.declineRebill(expired.rebill, '1054');
    expect(await chargeDueAutopay(t.db, t.deps)).toMatchObject({ failed: 1 });
    const view = (await t.app.inject({ url: '/api/me/autopay', headers: expired.auth })).json().autopay;
    expect(view).toMatchObject({ enabled: false, disabledReason: 'card_unusable', declineReason: 'card_expired' });

    const broke = await autopayOn();
    tb.declineRebill(broke.rebill, '1051');
    await chargeDueAutopay(t.db, t.deps);
    const v2 = (await t.app.inject({ url: '/api/me/autopay', headers: broke.auth })).json().autopay;
    expect(v2).toMatchObject({ enabled: true, declineReason: 'insufficient_funds' });
  });
});

describe('T-Bank refunds (Cancel)', () => {
  it('refunds part, then the rest, each once; a repeat answers the first; too much is refused', async () => {
    const s = await startTopUp('900');
    await tb.payOnPage(s.ext);
    const refund = (amount: number, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/staff/payments/${s.paymentId}/refunds`,
        headers: finance.auth,
        payload: { amount, reason: 'Ошибся суммой', idempotencyKey: key },
      });
    const a = await refund(30_000, 'tb-r1');
    expect(a.json()).toMatchObject({ status: 'succeeded', amount: 30_000 });
    expect(tb.payments.get(s.ext)).toMatchObject({ Status: 'PARTIAL_REFUNDED', refunded: 30_000 });
    const cancel = tb.requests.find((r) => r.method === 'Cancel' && r.body.PaymentId === s.ext)!;
    expect(cancel.body).toMatchObject({ Amount: 30_000, ExternalRequestId: expect.stringMatching(/:refund:\d+$/) });
    expect((await refund(30_000, 'tb-r1')).json()).toMatchObject({ created: false });
    expect((await refund(60_000, 'tb-r2')).json()).toMatchObject({ status: 'succeeded' });
    expect(tb.payments.get(s.ext)).toMatchObject({ Status: 'REFUNDED', refunded: 90_000 });
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
    // T-Bank's refund notifications are answered OK and change nothing more.
    await expect
      .poll(() => tb.hooks.sent.filter((h) => h.PaymentId === s.ext && h.Status === 'REFUNDED'))
      .toEqual([expect.objectContaining({ status: 200, body: 'OK' })]);
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);

    // Asking T-Bank the same refund again (lost answer) by its ExternalRequestId refunds nothing more.
    const client = t.deps.acquirers.tbank!;
    const [f] = await queryRows<{ external_id: string }>(
      t.db,
      sql`select external_id from payment_refunds where idempotency_key = 'tb-r1'`,
    );
    expect((await client.getRefund(f!.external_id)).status).toBe('succeeded');
    expect(tb.payments.get(s.ext)!.refunded).toBe(90_000);
    await expect(
      client.refund({ externalId: s.ext, amount: 100, idempotenceKey: 'x:refund:999', refundId: 999 }),
    ).rejects.toMatchObject({ code: '4' }); // fully refunded: nothing left to cancel
  });
});

describe('the T-Bank fake refuses what T-Bank refuses', () => {
  const post = async (method: string, fields: Record<string, unknown>, password = PASSWORD) => {
    const body = { TerminalKey: TERMINAL, ...fields };
    const res = await fetch(`${tb.url}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, Token: tbankToken(body, password) }),
    });
    return (await res.json()) as { Success: boolean; ErrorCode: string };
  };
  it('wrong token, amount limits, duplicate OrderId, field lengths, statuses', async () => {
    const init = (o: object) => post('Init', { Amount: 1000, OrderId: `o-${Math.random()}`.slice(0, 20), ...o });
    expect(await post('Init', { Amount: 1000, OrderId: 'x-1' }, 'wrong')).toMatchObject({
      Success: false,
      ErrorCode: '204',
    });
    expect(await init({ TerminalKey: 'NoSuchTerminal' })).toMatchObject({ ErrorCode: '205' });
    expect(await init({ Amount: 99 })).toMatchObject({ ErrorCode: '251' });
    expect(await init({ Amount: 100_000_001 })).toMatchObject({ ErrorCode: '1202' });
    expect(await init({ OrderId: 'x'.repeat(37) })).toMatchObject({ ErrorCode: '212' });
    expect(await init({ Description: 'д'.repeat(141) })).toMatchObject({ ErrorCode: '213' });
    expect(await init({ Recurrent: 'Y' })).toMatchObject({ ErrorCode: '2' });
    expect(await post('Init', { Amount: 1000, OrderId: 'dup-1' })).toMatchObject({ Success: true });
    expect(await post('Init', { Amount: 1000, OrderId: 'dup-1' })).toMatchObject({ Success: false, ErrorCode: '20' });
    expect(await post('GetState', { PaymentId: '1' })).toMatchObject({ ErrorCode: '255' });
    expect(await post('CheckOrder', { OrderId: 'never' })).toMatchObject({ ErrorCode: '335' });
    const made = (await post('Init', { Amount: 1000, OrderId: 'ch-1' })) as unknown as { PaymentId: string };
    expect(await post('Charge', { PaymentId: made.PaymentId, RebillId: '123' })).toMatchObject({ ErrorCode: '104' });
    // The client reads a refusal as a refusal, with T-Bank's code.
    const client = t.deps.acquirers.tbank!;
    await expect(
      client.createPayment({
        amount: 50,
        description: 'x',
        returnUrl: 'https://x',
        savePaymentMethod: false,
        idempotenceKey: 'k:payment:1',
        paymentId: 1,
      }),
    ).rejects.toBeInstanceOf(ProviderRefusedError);
  });
});
