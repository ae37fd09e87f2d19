import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DECLINE_REASONS, DECLINE_RULES, type DeclineReason } from '../../../common/decline-reasons.js';
import { queryRows } from '../../db/client.js';
import { YooKassaClient } from '../../integrations/acquiring/yookassa-client.js';
import { startFakeYooKassa } from '../../test/fakes/yookassa.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { chargeDueAutopay } from './run-autopay.js';
import { parseAllowList, WebhookGuard, YOOKASSA_NETWORKS } from './webhook-guard.js';

/**
 * Declines as YooKassa explains them (cancellation_details.reason, "Неуспешные платежи"): autopay acts
 * on each reason as YooKassa advises and the subscriber reads it in words; test objects are refused in
 * production; notifications are taken only from YooKassa's networks, throttled.
 */
let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: '123456', secretKey: 'test_secret' });
  t = await startPaymentsApp(
    {
      PAYMENT_PROVIDERS: 'yookassa',
      YOOKASSA_SHOP_ID: '123456',
      YOOKASSA_SECRET_KEY: 'test_secret',
      YOOKASSA_API_URL: yk.url,
      WEBHOOK_RATE_PER_MINUTE: 5,
    },
    { acquirers: { yookassa: new YooKassaClient({ baseUrl: yk.url, shopId: '123456', secretKey: 'test_secret' }) } },
  );
});
afterAll(async () => {
  await t.close();
  await yk.close();
});

const tick = (now?: Date) => chargeDueAutopay(t.db, t.deps, now);

async function autopaySubscriber(methodRef: string, lang: 'ru' | 'en' = 'ru') {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
  await t.db.execute(sql`update subscribers set lang = ${lang} where id = (
                           select c.subscriber_id from accounts a join contracts c on c.id = a.contract_id where a.id = ${s.account.id})`);
  const [m] = await queryRows<{ id: number }>(
    t.db,
    sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
        values (${s.account.id}, 'yookassa', ${methodRef}, 'Bank card *4444') returning id`,
  );
  yk.addSavedMethod(methodRef);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/me/autopay',
    headers: s.auth,
    payload: { methodId: m!.id, mode: 'threshold', threshold: '2000', amount: '500', monthlyLimit: '10000' },
  });
  expect(put.statusCode, put.body).toBe(200);
  await t.db.execute(
    sql`update autopay_settings set noticed_at = now() - interval '48 hours', charge_at = now() - interval '1 minute'
        where account_id = ${s.account.id}`,
  );
  return { ...s, methodId: m!.id };
}

const state = async (accountId: number) =>
  (
    await queryRows<{
      enabled: boolean;
      disabled_reason: string | null;
      decline_reason: string | null;
      failures: number;
      retry_in_h: number | null;
      card_deleted: boolean;
    }>(
      t.db,
      sql`select s.enabled, s.disabled_reason, s.decline_reason, s.failures,
                 round(extract(epoch from s.charge_at - now()) / 3600)::int as retry_in_h, m.deleted_at is not null as card_deleted
          from autopay_settings s join saved_payment_methods m on m.id = s.method_id where s.account_id = ${accountId}`,
    )
  )[0]!;
const notices = (accountId: number) =>
  queryRows<{ template: string; body: string }>(
    t.db,
    sql`select template, body from outbox where account_id = ${accountId} and channel = 'inbox' and template like 'autopay_%' order by id`,
  );

describe('autopay acts on why the card was declined', () => {
  it.each(DECLINE_REASONS.map((r) => [r, DECLINE_RULES[r].action] as const))(
    '%s → %s',
    async (reason: DeclineReason, action) => {
      const s = await autopaySubscriber(`pm-${reason}`);
      yk.declineCharges(`pm-${reason}`, reason);
      const r = await tick();
      expect(r).toMatchObject({ failed: 1, charged: 0 });
      const st = await state(s.account.id);
      expect(st.decline_reason).toBe(reason);
      const [notice] = await notices(s.account.id);
      const words = DECLINE_RULES[reason].ru;
      expect(notice!.body).toContain(words); // the reason in words, in the subscriber's language
      if (action === 'retry') {
        // YooKassa says to try again (later): autopay stays on, the card stays, the charge is planned.
        expect(st).toMatchObject({ enabled: true, failures: 1, card_deleted: false });
        expect(st.retry_in_h).toBe(Math.max(1, DECLINE_RULES[reason].retryAfterHours ?? 0));
        expect(notice!.template).toBe('autopay_failed');
      } else if (action === 'relink') {
        // Never retried against YooKassa's guidance: off at once, the card forgotten, a new one asked for.
        expect(st).toMatchObject({ enabled: false, disabled_reason: 'card_unusable', card_deleted: true });
        expect(notice!.template).toBe('autopay_relink');
        expect(notice!.body).toContain('Сохранить карту');
      } else {
        expect(st).toMatchObject({ enabled: false, disabled_reason: 'declined_by_bank', card_deleted: false });
        expect(notice!.template).toBe('autopay_declined');
      }
      // Nothing is charged again by the next passes unless the reason allows it.
      const posts = yk.requests.filter((q) => q.method === 'POST').length;
      await tick(new Date(Date.now() + 2 * 3600_000));
      const again = yk.requests.filter((q) => q.method === 'POST').length - posts;
      expect(again).toBe(action === 'retry' && (DECLINE_RULES[reason].retryAfterHours ?? 0) <= 1 ? 1 : 0);
      expect((await accountState(t.db, s.account.id)).balance).toBe(0);
    },
  );

  it('permission_revoked: one decline, no retry at 1 h, 6 h, 24 h; the cabinet says why and asks for a new card', async () => {
    const s = await autopaySubscriber('pm-revoked-words');
    yk.declineCharges('pm-revoked-words', 'permission_revoked');
    await tick();
    for (const h of [1, 6, 24]) await tick(new Date(Date.now() + h * 3600_000 + 60_000));
    expect([...yk.payments.values()].filter((p) => p.payment_method?.id === 'pm-revoked-words')).toHaveLength(1);
    const view = (await t.app.inject({ url: '/api/me/autopay', headers: s.auth })).json().autopay;
    expect(view).toMatchObject({
      enabled: false,
      disabledReason: 'card_unusable',
      declineReason: 'permission_revoked',
    });
    expect((await t.app.inject({ url: '/api/me/cards', headers: s.auth })).json().cards).toEqual([]);
    const history = (await t.app.inject({ url: '/api/me/payments', headers: s.auth })).json().payments;
    expect(history).toEqual([
      expect.objectContaining({ method: 'autopay', status: 'canceled', declineReason: 'permission_revoked' }),
    ]);
    expect((await notices(s.account.id)).map((n) => n.template)).toEqual(['autopay_relink']);
  });

  it('an English-speaking subscriber reads the reason in English', async () => {
    const s = await autopaySubscriber('pm-expired-en', 'en');
    yk.declineCharges('pm-expired-en', 'card_expired');
    await tick();
    const [n] = await notices(s.account.id);
    expect(n!.body).toContain('the card has expired');
    expect(n!.body).toContain('Save card');
  });

  it('a retryable reason still turns autopay off after the fourth failure', async () => {
    const s = await autopaySubscriber('pm-broke');
    yk.declineCharges('pm-broke', 'insufficient_funds');
    let now = Date.now();
    for (const h of [0, 1, 6, 24]) {
      now += h * 3600_000 + 60_000;
      await tick(new Date(now));
    }
    expect(await state(s.account.id)).toMatchObject({ enabled: false, disabled_reason: 'charge_failed' });
    expect((await notices(s.account.id)).map((n) => n.template)).toEqual([
      'autopay_failed',
      'autopay_failed',
      'autopay_failed',
      'autopay_disabled',
    ]);
  });
});

describe('test objects in production', () => {
  it('a payment of a test shop is never credited in production', async () => {
    const testShop = await startFakeYooKassa({ shopId: '654321', secretKey: 'test_other', test: true });
    const live = new YooKassaClient({
      baseUrl: testShop.url,
      shopId: '654321',
      secretKey: 'test_other',
      refuseTestObjects: true,
    });
    const before = t.deps.acquirers.yookassa;
    t.deps.acquirers.yookassa = live;
    try {
      const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
      const start = await t.app.inject({
        method: 'POST',
        url: '/api/me/payments',
        headers: s.auth,
        payload: { amount: '500' },
      });
      // The shop answers with a test object: refused before the payer is sent anywhere.
      expect(start.statusCode).toBe(409);
      expect(start.json().error.code).toBe('payment_provider_unavailable');
      const [row] = await queryRows<{ status: string; reason: string; ext: string }>(
        t.db,
        sql`select status, metadata->>'cancelReason' as reason, external_id as ext from payments where account_id = ${s.account.id}`,
      );
      expect(row).toMatchObject({ status: 'canceled' });
      expect(row!.reason).toMatch(/test object refused in production/);
      // Paid on the test shop anyway, and notified: still nothing credited.
      testShop.succeed(row!.ext);
      const hook = await t.app.inject({
        method: 'POST',
        url: '/api/payments/webhooks/yookassa',
        remoteAddress: '185.71.76.11',
        payload: { event: 'payment.succeeded', object: { id: row!.ext } },
      });
      expect(hook.statusCode).toBe(200);
      expect((await accountState(t.db, s.account.id)).balance).toBe(0);
      // Outside production the same object is a payment like any other (test shops for staging).
      const staging = new YooKassaClient({ baseUrl: testShop.url, shopId: '654321', secretKey: 'test_other' });
      expect((await staging.getPayment(row!.ext)).status).toBe('succeeded');
      expect((await live.getPayment(row!.ext)).status).toBe('canceled');
    } finally {
      t.deps.acquirers.yookassa = before;
      await testShop.close();
    }
  });
});

describe('the YooKassa webhook', () => {
  async function pendingTopUp() {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/me/payments',
      headers: s.auth,
      payload: { amount: '700' },
    });
    expect(start.statusCode, start.body).toBe(200);
    const [p] = await queryRows<{ external_id: string }>(
      t.db,
      sql`select external_id from payments where id = ${start.json().paymentId}`,
    );
    yk.succeed(p!.external_id);
    return { ...s, paymentId: start.json().paymentId as number, ext: p!.external_id };
  }
  const hook = (id: string, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/payments/webhooks/yookassa',
      remoteAddress,
      payload: { type: 'notification', event: 'payment.succeeded', object: { id, status: 'succeeded' } },
    });

  it('refuses a notification from outside YooKassa’s networks and changes nothing', async () => {
    const p = await pendingTopUp();
    const gets = yk.requests.filter((r) => r.method === 'GET').length;
    for (const outsider of ['203.0.113.7', '185.71.76.200', '::ffff:8.8.8.8', '2a03:1::1']) {
      const res = await hook(p.ext, outsider);
      expect(res.statusCode, outsider).toBe(403);
      expect(res.json().error.code).toBe('webhook_source_refused');
    }
    expect(yk.requests.filter((r) => r.method === 'GET').length).toBe(gets); // YooKassa was not even asked
    const [row] = await queryRows<{ status: string }>(t.db, sql`select status from payments where id = ${p.paymentId}`);
    expect(row!.status).toBe('pending');
    expect((await accountState(t.db, p.account.id)).balance).toBe(0);

    // From YooKassa (IPv4 and IPv6): credited once.
    expect((await hook(p.ext, '77.75.156.35')).statusCode).toBe(200);
    expect((await hook(p.ext, '2a02:5180:0:1::15')).statusCode).toBe(200);
    expect((await accountState(t.db, p.account.id)).balance).toBe(70_000);
  });

  it('is throttled per source address (429 with Retry-After; YooKassa sends it again later)', async () => {
    const p = await pendingTopUp();
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await hook(p.ext, '185.71.77.20')).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await hook(p.ext, '185.71.77.20');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await hook(p.ext, '185.71.77.21')).statusCode).toBe(200); // another address has its own budget
    expect((await accountState(t.db, p.account.id)).balance).toBe(70_000);
  });

  it('the allow-list is configurable and defaults to the published networks', () => {
    expect(parseAllowList(undefined, YOOKASSA_NETWORKS)).toEqual(YOOKASSA_NETWORKS);
    expect(parseAllowList(' 10.0.0.0/8, 192.0.2.1 ', YOOKASSA_NETWORKS)).toEqual(['10.0.0.0/8', '192.0.2.1']);
    let now = 0;
    const g = new WebhookGuard({ allow: ['10.0.0.0/8'], perMinute: 2, now: () => now });
    const codeOf = (ip: string) => {
      try {
        g.check(ip);
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(codeOf('10.1.2.3')).toBe('ok');
    expect(codeOf('11.1.2.3')).toBe('webhook_source_refused');
    expect(codeOf('10.1.2.3')).toBe('ok');
    expect(codeOf('10.1.2.3')).toBe('rate_limited');
    now += 60_000;
    expect(codeOf('10.1.2.3')).toBe('ok');
  });
});
