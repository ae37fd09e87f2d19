import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { TestAcquirer } from '../../integrations/acquiring/test-acquirer.js';
import { YooKassaClient } from '../../integrations/acquiring/yookassa-client.js';
import { AtolClient } from '../../integrations/atol/atol-client.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeAtol } from '../../test/fakes/atol.js';
import { startFakeYooKassa } from '../../test/fakes/yookassa.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { testAcquirerSecret } from './test-acquirer-secret.js';

/**
 * SBP (the Faster Payments System) through YooKassa: `payment_method_data: {type: "sbp"}`, a QR code on a
 * desktop and the bank app's link on a phone, the status polled until final, credited once, and recorded
 * as SBP in the statement, the receipts and the finance report. The fake refuses what YooKassa refuses.
 */
let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
let atol: Awaited<ReturnType<typeof startFakeAtol>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let admin: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: '123456', secretKey: 'test_secret' });
  atol = await startFakeAtol({ pendingReports: 0 });
  t = await startPaymentsApp(
    {
      PAYMENT_PROVIDERS: 'sbp1=test_acquirer;*=yookassa',
      YOOKASSA_SHOP_ID: '123456',
      YOOKASSA_SECRET_KEY: 'test_secret',
      YOOKASSA_API_URL: yk.url,
      YOOKASSA_WEBHOOK_ALLOW: '127.0.0.1', // the fake sends its notifications from here
    },
    {
      acquirers: { yookassa: new YooKassaClient({ baseUrl: yk.url, shopId: '123456', secretKey: 'test_secret' }) },
      atol: new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password }),
    },
  );
  admin = await buildStaff(t.db, { role: 'admin' });
  // The acquirers above replace the default set: the test acquirer (cards only) for the region without SBP.
  t.deps.acquirers.test_acquirer = new TestAcquirer(t.db, t.config, testAcquirerSecret(t.config));
});
afterAll(async () => {
  await t.close();
  await yk.close();
  await atol.close();
});

async function payer(receipts = false) {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0, email: 'payer@example.net' });
  if (receipts) {
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/staff/regions/${s.account.regionId}/receipt-settings`,
      headers: admin.auth,
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
  return s;
}
const topUp = (auth: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/me/payments', headers: auth, payload });
const status = async (auth: Record<string, string>, id: number) =>
  (await t.app.inject({ url: `/api/me/payments/${id}`, headers: auth })).json();
/** The payer's bank app: opens the link (from the QR or the redirect) and confirms. */
const bankApp = async (link: string, action: 'pay' | 'decline' = 'pay') => {
  const page = await fetch(link);
  expect(await page.text()).toContain('Оплатить');
  return fetch(`${link}/${action}`, { method: 'POST', redirect: 'manual' });
};
const externalOf = async (paymentId: number) =>
  (await queryRows<{ e: string }>(t.db, sql`select external_id as e from payments where id = ${paymentId}`))[0]!.e;

describe('SBP top-up through YooKassa', () => {
  it('is offered where the region’s provider takes SBP, not elsewhere', async () => {
    const s = await payer();
    expect((await t.app.inject({ url: '/api/me/payments/options', headers: s.auth })).json()).toEqual({
      card: true,
      sbp: true,
    });
    const other = await signedInSubscriber(t.app, t.db, { balance: 0 });
    await t.db.execute(sql`update regions set code = 'sbp1' where id = ${other.account.regionId}`);
    expect((await t.app.inject({ url: '/api/me/payments/options', headers: other.auth })).json()).toEqual({
      card: true,
      sbp: false,
    });
    const refused = await topUp(other.auth, { amount: '500', method: 'sbp' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('sbp_unavailable');
  });

  it('desktop: a QR code to scan; the bank app pays; the notification credits it once, as SBP everywhere', async () => {
    yk.hooks.notifyUrl = `${t.config.publicUrl}/api/payments/webhooks/yookassa`;
    const s = await payer(true);
    const res = await topUp(s.auth, { amount: '750', method: 'sbp', device: 'desktop', saveCard: true });
    expect(res.statusCode, res.body).toBe(200);
    const { paymentId, qr, method } = res.json();
    expect(method).toBe('sbp');
    expect(qr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sbp\/[\w-]+$/);
    // What YooKassa was asked: SBP, one stage, a QR confirmation, nothing saved.
    const ext = await externalOf(paymentId);
    expect(yk.payments.get(ext)).toMatchObject({
      status: 'pending',
      confirmation: { type: 'qr', confirmation_data: qr },
      payment_method: { type: 'sbp', saved: false },
    });
    expect(await status(s.auth, paymentId)).toMatchObject({ status: 'pending', method: 'sbp' });

    expect((await bankApp(qr)).status).toBe(200);
    expect(yk.hooks.sent.filter((h) => h.id === ext)).toEqual([{ event: 'payment.succeeded', id: ext, status: 200 }]);
    expect(await status(s.auth, paymentId)).toMatchObject({ status: 'succeeded', method: 'sbp' });
    expect((await accountState(t.db, s.account.id)).balance).toBe(75_000);

    // The same notification again, and several at once: still one credit.
    await Promise.all([yk.notify(ext), yk.notify(ext), yk.notify(ext)]);
    expect((await accountState(t.db, s.account.id)).balance).toBe(75_000);
    expect((await verifyLedger(t.db)).mismatches.filter((m) => m.accountId === s.account.id)).toEqual([]);

    // Recorded as SBP: the history, the statement, the receipt, the finance report.
    const history = (await t.app.inject({ url: '/api/me/payments', headers: s.auth })).json().payments;
    expect(history).toEqual([expect.objectContaining({ id: paymentId, method: 'sbp', status: 'succeeded' })]);
    const statement = (
      await t.app.inject({ url: '/api/me/statement', headers: { ...s.auth, 'accept-language': 'ru' } })
    ).json();
    expect(JSON.stringify(statement)).toContain('Оплата через СБП');
    await t.drain();
    const mine = (await t.app.inject({ url: '/api/me/receipts', headers: s.auth })).json().receipts;
    expect(mine).toEqual([expect.objectContaining({ paymentId, method: 'sbp', status: 'done' })]);
    const fin = await buildStaff(t.db, { role: 'finance' });
    const staffReceipts = (
      await t.app.inject({ url: `/api/staff/receipts?account=${s.account.number}`, headers: fin.auth })
    ).json().receipts;
    expect(staffReceipts).toEqual([expect.objectContaining({ method: 'sbp', total: 75_000 })]);
    const prev = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const report = (
      await t.app.inject({
        url: `/api/staff/payments?from=${prev}&to=${next}&account=${s.account.number}`,
        headers: fin.auth,
      })
    ).json();
    expect(JSON.stringify(report.totals)).toContain('"method":"sbp"');
  });

  it('phone: the bank app’s link; the payer comes back to the cabinet; polling settles it without a notification', async () => {
    yk.hooks.notifyUrl = ''; // the notification is lost: the page's polling asks YooKassa itself
    const s = await payer();
    const res = await topUp(s.auth, { amount: '300', method: 'sbp', device: 'phone' });
    const { paymentId, qr, confirmationUrl } = res.json();
    expect(qr).toBeNull();
    expect(confirmationUrl).toMatch(/\/sbp\/[\w-]+$/);
    const back = await bankApp(confirmationUrl);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toContain(`/cabinet/payments?payment=${paymentId}`);
    const gets = () =>
      yk.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/payments/${paymentId}`)).length;
    const before = yk.requests.filter((r) => r.method === 'GET').length;
    expect(await status(s.auth, paymentId)).toMatchObject({ status: 'succeeded' });
    expect((await accountState(t.db, s.account.id)).balance).toBe(30_000);
    // The page polls every second; YooKassa is asked at most once every few seconds per payment.
    for (let i = 0; i < 5; i++) await status(s.auth, paymentId);
    expect(yk.requests.filter((r) => r.method === 'GET').length - before).toBe(1);
    expect(gets()).toBe(0); // (asked by YooKassa's id, never by ours)
  });

  it('the public page (the bot’s links): the payer lookup says where SBP is; a QR or the bank app; credited once', async () => {
    yk.hooks.notifyUrl = `${t.config.publicUrl}/api/payments/webhooks/yookassa`;
    const s = await payer();
    const lookup = (n: string) => t.app.inject({ url: `/api/public/accounts/${n}/payer` });
    expect((await lookup(s.account.number)).json()).toMatchObject({ account: s.account.number, sbp: true });
    const pub = (payload: object) => t.app.inject({ method: 'POST', url: '/api/public/payments', payload });
    // Desktop: a QR code; the status by the public id only.
    const desk = await pub({ account: s.account.number, amount: '400', method: 'sbp', device: 'desktop' });
    expect(desk.statusCode, desk.body).toBe(200);
    const d = desk.json();
    expect(d).toMatchObject({ amount: 40_000, method: 'sbp', qr: expect.stringMatching(/\/sbp\/[\w-]+$/) });
    expect((await bankApp(d.qr)).status).toBe(200);
    expect((await t.app.inject({ url: `/api/public/payments/${d.publicId}` })).json()).toMatchObject({
      status: 'succeeded',
    });
    // Phone: the bank app's link, and back to the public page with the public id.
    const phone = (await pub({ account: s.account.number, amount: '250,50', method: 'sbp', device: 'phone' })).json();
    expect(phone.qr).toBeNull();
    const back = await bankApp(phone.confirmationUrl);
    expect(back.headers.get('location')).toContain(`/pay?payment=${phone.publicId}`);
    expect((await accountState(t.db, s.account.id)).balance).toBe(65_050);
    // The cabinet's limits hold here too; nothing is created for a refused amount.
    const before = await queryRows(t.db, sql`select id from payments where account_id = ${s.account.id}`);
    expect((await pub({ account: s.account.number, amount: '700000.01', method: 'sbp' })).json().error.code).toBe(
      'sbp_amount_limit',
    );
    expect((await pub({ account: s.account.number, amount: '12,345', method: 'sbp' })).json().error.code).toBe(
      'bad_amount',
    );
    expect(await queryRows(t.db, sql`select id from payments where account_id = ${s.account.id}`)).toHaveLength(
      before.length,
    );
    // Where the region's provider takes no SBP: the lookup says so and an SBP top-up is refused.
    const [cardsOnly] = await queryRows<{ id: number }>(t.db, sql`select id from regions where code = 'sbp1'`);
    const other = await signedInSubscriber(t.app, t.db, { balance: 0, regionId: cardsOnly?.id });
    if (!cardsOnly) await t.db.execute(sql`update regions set code = 'sbp1' where id = ${other.account.regionId}`);
    expect((await lookup(other.account.number)).json()).toMatchObject({ sbp: false });
    expect((await pub({ account: other.account.number, amount: '400', method: 'sbp' })).json().error.code).toBe(
      'sbp_unavailable',
    );
  });

  it('a declined or expired SBP payment is canceled with its reason and never credited', async () => {
    yk.hooks.notifyUrl = `${t.config.publicUrl}/api/payments/webhooks/yookassa`;
    const s = await payer();
    const declined = (await topUp(s.auth, { amount: '100', method: 'sbp' })).json();
    await bankApp(declined.qr, 'decline');
    expect(await status(s.auth, declined.paymentId)).toMatchObject({ status: 'canceled' });

    const late = (await topUp(s.auth, { amount: '100', method: 'sbp' })).json();
    yk.clock.offsetMs = 61 * 60_000; // the hour to pay is over
    try {
      await t.db.execute(sql`update payments set metadata = metadata - 'checkedAt' where id = ${late.paymentId}`);
      expect(await status(s.auth, late.paymentId)).toMatchObject({
        status: 'canceled',
        declineReason: 'expired_on_confirmation',
      });
    } finally {
      yk.clock.offsetMs = 0;
    }
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
  });

  it('amounts outside SBP’s limits are refused before anything is created', async () => {
    const s = await payer();
    for (const amount of ['0.99', '700000.01']) {
      const r = await topUp(s.auth, { amount, method: 'sbp' });
      expect(r.statusCode, amount).toBe(400);
      expect(r.json().error.code).toBe('sbp_amount_limit');
    }
    expect(
      (
        await queryRows<{ n: number }>(
          t.db,
          sql`select count(*)::int as n from payments where account_id = ${s.account.id}`,
        )
      )[0]!.n,
    ).toBe(0);
  });

  it('the fake refuses what YooKassa refuses for SBP', async () => {
    const post = (body: object, key: string) =>
      fetch(`${yk.url}/payments`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('123456:test_secret').toString('base64')}`,
          'content-type': 'application/json',
          'idempotence-key': key,
        },
        body: JSON.stringify(body),
      });
    const sbp = {
      amount: { value: '100.00', currency: 'RUB' },
      capture: true,
      payment_method_data: { type: 'sbp' },
      confirmation: { type: 'qr' },
    };
    const refused = async (body: object, parameter: string) => {
      const r = await post(body, `k-${parameter}-${Math.random()}`);
      expect(r.status, parameter).toBe(400);
      expect((await r.json()) as object).toMatchObject({ type: 'error', code: 'invalid_request', parameter });
    };
    await refused({ ...sbp, capture: false }, 'capture'); // SBP is paid in one stage
    await refused({ ...sbp, amount: { value: '0.50', currency: 'RUB' } }, 'amount');
    await refused({ ...sbp, amount: { value: '700000.01', currency: 'RUB' } }, 'amount');
    await refused({ ...sbp, save_payment_method: true }, 'save_payment_method');
    await refused({ ...sbp, confirmation: { type: 'embedded' } }, 'confirmation');
    await refused({ ...sbp, payment_method_data: { type: 'cash' } }, 'payment_method_data');
    await refused({ ...sbp, payment_method_id: 'pm-1' }, 'payment_method_data');
    // A card has no QR confirmation.
    await refused({ amount: sbp.amount, capture: true, confirmation: { type: 'qr' } }, 'confirmation');
    const ok = await post(sbp, 'k-ok');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { confirmation: { type: string } }).confirmation.type).toBe('qr');
  });
});

describe('SBP in the reconciliation (docs/reports.md)', () => {
  it("is reconciled in YooKassa's channel: its registry line matches the credited SBP payment; a wrong sum shows", async () => {
    yk.hooks.notifyUrl = `${t.config.publicUrl}/api/payments/webhooks/yookassa`;
    const finance = await buildStaff(t.db, { role: 'finance' });
    const s = await payer();
    const res = await topUp(s.auth, { amount: '420', method: 'sbp', device: 'desktop' });
    expect(res.statusCode, res.body).toBe(200);
    const { paymentId, qr } = res.json();
    expect((await bankApp(qr)).status).toBe(200);
    expect(await status(s.auth, paymentId)).toMatchObject({ status: 'succeeded', method: 'sbp' });
    const [p] = await queryRows<{ ext: string; day: string; at: string }>(
      t.db,
      sql`select external_id as ext, (succeeded_at at time zone 'Europe/Moscow')::date::text as day,
                 to_char(succeeded_at at time zone 'Europe/Moscow', 'DD.MM.YYYY HH24:MI:SS') as at
          from payments where id = ${paymentId}`,
    );
    const registry = (amount: string) =>
      [
        'Идентификатор платежа;Сумма платежа;Валюта платежа;Сумма платежа за вычетом комиссии НКО;Время платежа;Описание',
        `${p!.ext};${amount};RUB;411.60;${p!.at};Пополнение счёта ${s.account.number}`,
      ].join('\n');
    const load = async (amount: string) => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/staff/reconciliation',
        headers: finance.auth,
        payload: { channel: 'yookassa', day: p!.day, report: registry(amount) },
      });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().differences as { kind: string; externalId: string }[]).filter((d) => d.externalId === p!.ext);
    };
    expect(await load('420.00')).toEqual([]);
    expect(await load('402.00')).toEqual([expect.objectContaining({ kind: 'sum_mismatch', externalId: p!.ext })]);
  });
});
