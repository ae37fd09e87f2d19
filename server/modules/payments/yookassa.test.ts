import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { startFakeYooKassa } from '../../test/fakes/yookassa.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { getInstallation } from '../installation/installation.js';
import { announceAutopay, chargeDueAutopay } from './run-autopay.js';

let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: '123456', secretKey: 'test_secret' });
  t = await startPaymentsApp({
    PAYMENT_PROVIDERS: 'yookassa',
    YOOKASSA_SHOP_ID: '123456',
    YOOKASSA_SECRET_KEY: 'test_secret',
    YOOKASSA_API_URL: yk.url,
  });
});
afterAll(async () => {
  await t.close();
  await yk.close();
});

const hook = (id: string, event = 'payment.succeeded', extra: object = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/payments/webhooks/yookassa',
    remoteAddress: '185.71.76.10', // one of YooKassa's published notification networks
    payload: { type: 'notification', event, object: { id, status: 'succeeded', ...extra } },
  });

describe('YooKassa', () => {
  it('creates with an Idempotence-Key and redirect confirmation; the webhook trusts only a re-fetch', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/me/payments',
      headers: s.auth,
      payload: { amount: '1000', saveCard: true },
    });
    expect(start.statusCode).toBe(200);
    const { paymentId, confirmationUrl } = start.json();
    expect(confirmationUrl).toMatch(/^https:\/\/yoomoney\.example\/checkout\//);
    const created = yk.requests.find((r) => r.method === 'POST' && r.path === '/v3/payments');
    expect(created?.key).toBe(`${(await getInstallation(t.db)).id}:payment:${paymentId}`);
    const [p] = await queryRows<{ external_id: string }>(
      t.db,
      sql`select external_id from payments where id = ${paymentId}`,
    );
    const ext = p!.external_id;
    expect(yk.payments.get(ext)!.confirmation).toMatchObject({
      return_url: expect.stringContaining(`/cabinet/payments?payment=${paymentId}`),
    });

    // A forged "succeeded" while the payment is still pending at YooKassa credits nothing.
    expect((await hook(ext, 'payment.succeeded', { amount: { value: '999999.00', currency: 'RUB' } })).statusCode).toBe(
      200,
    );
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
    // An unknown payment id is ignored.
    expect((await hook('00000000-0000-0000-0000-000000000000')).statusCode).toBe(200);

    yk.succeed(ext);
    await Promise.all([hook(ext), hook(ext), hook(ext)]);
    expect((await accountState(t.db, s.account.id)).balance).toBe(100_000);
    const cards = (await t.app.inject({ url: '/api/me/cards', headers: s.auth })).json().cards;
    expect(cards).toEqual([expect.objectContaining({ provider: 'yookassa', title: 'Bank card *4444' })]);

    // Autopay by payment_method_id: noticed a day before, then charged.
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/autopay',
      headers: s.auth,
      payload: { methodId: cards[0].id, mode: 'threshold', threshold: '2000', amount: '500', monthlyLimit: '1500' },
    });
    expect(put.statusCode).toBe(200);
    const now = new Date();
    expect(await announceAutopay(t.db, t.deps, now)).toBe(1);
    expect((await chargeDueAutopay(t.db, t.deps, now)).charged).toBe(0);
    const later = new Date(now.getTime() + 25 * 3600_000);
    expect((await chargeDueAutopay(t.db, t.deps, later)).charged).toBe(1);
    const charge = yk.requests.filter((r) => r.method === 'POST' && r.path === '/v3/payments').at(-1);
    expect(charge?.key).toMatch(/^[a-z0-9]{10}:payment:\d+$/);
    expect((await accountState(t.db, s.account.id)).balance).toBe(150_000);
  });

  it('refunds through the API with an Idempotence-Key', async () => {
    const id = [...yk.payments.values()].find((p) => p.status === 'succeeded')!.id;
    const r = await t.deps.acquirers.yookassa!.refund({
      externalId: id,
      amount: 10_000,
      idempotenceKey: 'refund:1',
      refundId: 1,
    });
    expect(r.status).toBe('succeeded');
    expect(yk.requests.at(-1)).toMatchObject({ path: '/v3/refunds', key: 'refund:1' });
  });

  it('a canceled payment is never credited', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const { paymentId } = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: 5000 } })
    ).json();
    const [p] = await queryRows<{ external_id: string }>(
      t.db,
      sql`select external_id from payments where id = ${paymentId}`,
    );
    yk.cancel(p!.external_id);
    await hook(p!.external_id, 'payment.canceled');
    yk.succeed(p!.external_id); // even if the provider later claimed otherwise, canceled is final
    await hook(p!.external_id);
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
    const [row] = await queryRows<{ status: string }>(t.db, sql`select status from payments where id = ${paymentId}`);
    expect(row!.status).toBe('canceled');
  });
});

describe('provider configuration', () => {
  it('production without PAYMENT_PROVIDERS offers no card payments (never the test acquirer)', async () => {
    const p = await startPaymentsApp({ NODE_ENV: 'production' });
    try {
      const s = await signedInSubscriber(p.app, p.db, { balance: 0 });
      const r = await p.app.inject({
        method: 'POST',
        url: '/api/me/payments',
        headers: s.auth,
        payload: { amount: 10_000 },
      });
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('payment_provider_unavailable');
    } finally {
      await p.close();
    }
  });
});
