import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { AtolClient } from '../../integrations/atol/atol-client.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeAtol } from '../../test/fakes/atol.js';
import { accountState, payByCard, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { getInstallation } from '../installation/installation.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { notifyAccountEvents } from '../notifications/notify-account-events.js';
import { settlePendingCardRefunds } from './refund-card-payment.js';

let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let atol: Awaited<ReturnType<typeof startFakeAtol>>;
let fin: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  atol = await startFakeAtol({ pendingReports: 0 });
  t = await startPaymentsApp(
    {},
    { atol: new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password }) },
  );
  fin = await buildStaff(t.db, { role: 'finance' });
});
afterAll(async () => {
  await t.close();
  await atol.close();
});

/** A subscriber who paid `rubles` by card (credited through the acquirer's notification). */
async function paidByCard(rubles: string, card?: string, receipts = false) {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0, email: 'payer@example.net' });
  if (receipts) {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/staff/regions/${s.account.regionId}/receipt-settings`,
      headers: (await buildStaff(t.db, { role: 'admin' })).auth,
      payload: {
        enabled: true,
        groupCode: 'group_1',
        inn: '7700000000',
        paymentAddress: 'https://abonent.example',
        sno: 'usn_income',
        companyEmail: 'kassa@example.net',
      },
    });
    expect(put.statusCode).toBe(200);
  }
  const { paymentId, confirmationUrl } = (
    await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: rubles } })
  ).json();
  await payByCard(t.app, confirmationUrl, card);
  await t.drain();
  return { ...s, paymentId: paymentId as number };
}
const refund = (paymentId: number, payload: object, headers: Record<string, string> = fin.auth) =>
  t.app.inject({ method: 'POST', url: `/api/staff/payments/${paymentId}/refunds`, headers, payload });
const acquirerRefunded = async (paymentId: number) =>
  (
    await queryRows<{ refunded: number }>(
      t.db,
      sql`select ta.refunded from test_acquirer_payments ta join payments p on p.external_id = ta.id where p.id = ${paymentId}`,
    )
  )[0]!.refunded;
/** The finance view's period: yesterday to tomorrow, whatever the region's time zone makes of now. */
const around = () => {
  const day = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 10);
  return `from=${day(-86_400_000)}&to=${day(86_400_000)}`;
};
const ledgerOk = async (accountId: number) =>
  (await verifyLedger(t.db)).mismatches.filter((m) => m.accountId === accountId);

describe('card refunds by finance', () => {
  it('returns part of a card payment to the card once, debits the balance, and issues a refund receipt', async () => {
    const s = await paidByCard('1000.00', undefined, true);
    const body = { amount: 40_000, reason: 'Переезд, расторжение договора', idempotencyKey: `cr-${s.paymentId}` };
    const first = await refund(s.paymentId, body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'succeeded', amount: 40_000, balance: 60_000, created: true });
    const again = await refund(s.paymentId, body); // a double-submitted form
    expect(again.json()).toMatchObject({ refundId: first.json().refundId, status: 'succeeded', created: false });
    expect(await acquirerRefunded(s.paymentId)).toBe(40_000);
    expect(await accountState(t.db, s.account.id)).toMatchObject({ balance: 60_000 });
    expect(await ledgerOk(s.account.id)).toEqual([]);

    await t.drain(); // the refund receipt: sell_refund with its own external_id
    const { id: inst } = await getInstallation(t.db);
    const doc = atol.state.byExternalId.get(`${inst}-refund-${first.json().refundId}`)!;
    expect(doc.operation).toBe('sell_refund');
    expect(doc.body.receipt).toMatchObject({ total: 400, payments: [{ type: 1, sum: 400 }] });
    const mine = (await t.app.inject({ url: '/api/me/receipts', headers: s.auth })).json().receipts;
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: s.paymentId, operation: 'sell_refund', amount: 40_000, status: 'done' }),
        expect.objectContaining({ paymentId: s.paymentId, operation: 'sell', amount: 100_000 }),
      ]),
    );
    expect(mine.find((r: { operation: string }) => r.operation === 'sell_refund').receiptUrl).toMatch(/n=2$/);

    const view = await t.app.inject({
      url: `/api/staff/payments?${around()}&account=${s.account.number}`,
      headers: fin.auth,
    });
    expect(view.json().payments[0]).toMatchObject({ id: s.paymentId, refunded: 40_000, refundPending: false });
    const history = (await t.app.inject({ url: '/api/me/payments', headers: s.auth })).json().payments;
    expect(history[0]).toMatchObject({ id: s.paymentId, amount: 100_000, refunded: 40_000 });
    const [audit] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_log where action in ('payment.refund_requested', 'payment.refunded') and entity_id = ${String(s.paymentId)}`,
    );
    expect(audit!.n).toBe(2);
  });

  it('refuses more than is left of the payment or on the balance, other payments, other roles, and changes nothing', async () => {
    const s = await paidByCard('500.00');
    const before = await accountState(t.db, s.account.id);
    const tooMuch = await refund(s.paymentId, { amount: 50_001, reason: 'x', idempotencyKey: `m-${s.paymentId}` });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error.code).toBe('refund_exceeds_payment');
    // Money already spent on service cannot go back to the card.
    await t.db.execute(sql`update accounts set balance = balance - 45000 where id = ${s.account.id}`);
    const spent = await refund(s.paymentId, { amount: 10_000, reason: 'x', idempotencyKey: `b-${s.paymentId}` });
    expect(spent.json().error.code).toBe('refund_exceeds_balance');
    await t.db.execute(sql`update accounts set balance = balance + 45000 where id = ${s.account.id}`);
    for (const amount of [0, -100, 10.5])
      expect((await refund(s.paymentId, { amount, reason: 'x', idempotencyKey: `a${amount}` })).statusCode).toBe(400);
    expect((await refund(s.paymentId, { amount: 100, reason: '  ', idempotencyKey: 'nr' })).statusCode).toBe(400);
    const support = await buildStaff(t.db, { role: 'support' });
    expect(
      (await refund(s.paymentId, { amount: 100, reason: 'x', idempotencyKey: 'sp' }, support.auth)).statusCode,
    ).toBe(403);
    expect((await refund(s.paymentId, { amount: 100, reason: 'x', idempotencyKey: 'sp' }, s.auth)).statusCode).toBe(
      403,
    );
    expect((await refund(987_654_321, { amount: 100, reason: 'x', idempotencyKey: 'nf' })).statusCode).toBe(404);
    const [office] = await queryRows<{ id: number }>(
      t.db,
      sql`insert into payments (account_id, provider, amount, status, method) values (${s.account.id}, 'office_cash', 1000, 'succeeded', 'cash') returning id`,
    );
    expect((await refund(office!.id, { amount: 100, reason: 'x', idempotencyKey: 'oc' })).json().error.code).toBe(
      'payment_not_refundable',
    );
    expect(await accountState(t.db, s.account.id)).toEqual(before);
    expect(await acquirerRefunded(s.paymentId)).toBe(0);
  });

  it('a refund the provider declines gives the money back to the balance', async () => {
    const s = await paidByCard('300.00', '4000 0000 0000 0341'); // this issuer refuses later operations
    const r = await refund(s.paymentId, {
      amount: 30_000,
      reason: 'Ошибочный платёж',
      idempotencyKey: `d-${s.paymentId}`,
    });
    expect(r.json()).toMatchObject({ status: 'failed', balance: 30_000 });
    expect(await accountState(t.db, s.account.id)).toMatchObject({ balance: 30_000 });
    expect(await ledgerOk(s.account.id)).toEqual([]);
    // The failed refund does not count against what can still be refunded.
    const view = await t.app.inject({
      url: `/api/staff/payments?${around()}&account=${s.account.number}`,
      headers: fin.auth,
    });
    expect(view.json().payments[0]).toMatchObject({ refunded: 0, refundPending: false });
    // Told as what it is: the refund did not go through — not a second «Платёж зачислен».
    await notifyAccountEvents(t.db);
    const inbox = await t.app.inject({ url: '/api/me/notifications', headers: s.auth });
    const notices = inbox.json<{ notifications: { subject: string; body: string }[] }>().notifications;
    expect(notices.map((n) => n.subject)).toEqual(['Возврат на карту не выполнен', 'Платёж зачислен']);
    expect(notices[0]!.body).toMatch(
      /^Вернуть 300,00\s₽ на карту не удалось: деньги остались на лицевом счёте \d+\. Баланс: 300,00\s₽\.$/,
    );
  });

  it('a provider that does not answer leaves the refund pending; the job finishes it exactly once', async () => {
    const s = await paidByCard('200.00');
    const acq = t.deps.acquirers.test_acquirer!;
    const realRefund = acq.refund.bind(acq);
    acq.refund = async () => {
      throw new Error('connect ETIMEDOUT');
    };
    const r = await refund(s.paymentId, { amount: 20_000, reason: 'Возврат', idempotencyKey: `p-${s.paymentId}` });
    acq.refund = realRefund;
    expect(r.json()).toMatchObject({ status: 'pending', balance: 0 });
    const view = await t.app.inject({
      url: `/api/staff/payments?${around()}&account=${s.account.number}`,
      headers: fin.auth,
    });
    expect(view.json().payments[0]).toMatchObject({ refunded: 0, refundPending: true });
    // A second request meanwhile cannot refund the same money again.
    expect(
      (await refund(s.paymentId, { amount: 20_000, reason: 'Возврат', idempotencyKey: `p2-${s.paymentId}` })).json()
        .error.code,
    ).toBe('refund_exceeds_payment');

    await t.db.execute(
      sql`update payment_refunds set created_at = now() - interval '2 minutes' where payment_id = ${s.paymentId}`,
    );
    expect(await settlePendingCardRefunds(t.db, t.deps)).toMatchObject({ settled: 1 });
    expect(await settlePendingCardRefunds(t.db, t.deps)).toMatchObject({ settled: 0 });
    expect(await acquirerRefunded(s.paymentId)).toBe(20_000);
    const [row] = await queryRows<{ status: string; last_error: string | null }>(
      t.db,
      sql`select status, last_error from payment_refunds where payment_id = ${s.paymentId}`,
    );
    expect(row).toMatchObject({ status: 'succeeded', last_error: null });
    expect(await accountState(t.db, s.account.id)).toMatchObject({ balance: 0 });
    expect(await ledgerOk(s.account.id)).toEqual([]);
  });
});
