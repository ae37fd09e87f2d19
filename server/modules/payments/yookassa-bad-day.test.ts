import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { YooKassaClient } from '../../integrations/acquiring/yookassa-client.js';
import { buildStaff } from '../../test/factories.js';
import { type PostAnswer, startFakeYooKassa } from '../../test/fakes/yookassa.js';
import { accountState, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { settleCardRefund } from '../finance/refund-card-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { reconcilePendingPayments } from './handle-notification.js';
import { chargeDueAutopay } from './run-autopay.js';

// YooKassa on a bad day: the fake answers as scripted (pending, 500 after or before doing the work, an
// answer held past our timeout, 202 "still processing") and keeps Idempotence-Keys for 24 hours.
let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
let t: Awaited<ReturnType<typeof startPaymentsApp>>;
let finance: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: '123456', secretKey: 'test_secret', holdMs: 1000 });
  t = await startPaymentsApp(
    {
      PAYMENT_PROVIDERS: 'yookassa',
      YOOKASSA_SHOP_ID: '123456',
      YOOKASSA_SECRET_KEY: 'test_secret',
      YOOKASSA_API_URL: yk.url,
    },
    {
      // One try per call and a short timeout: what is undecided is left to the next pass, as in production
      // when YooKassa stays down longer than a call's own retries.
      acquirers: {
        yookassa: new YooKassaClient({
          baseUrl: yk.url,
          shopId: '123456',
          secretKey: 'test_secret',
          timeoutMs: 300,
          attempts: 1,
        }),
      },
    },
  );
  finance = await buildStaff(t.db, { role: 'finance' });
});
afterAll(async () => {
  await t.close();
  await yk.close();
});

const tick = () => chargeDueAutopay(t.db, t.deps);
const hook = (id: string, event = 'payment.succeeded') =>
  t.app.inject({
    method: 'POST',
    url: '/api/payments/webhooks/yookassa',
    remoteAddress: '185.71.76.10', // one of YooKassa's published notification networks
    payload: { type: 'notification', event, object: { id } },
  });

/** A subscriber whose saved card autopays 500 ₽, announced two days ago and due now. */
async function autopaySubscriber(methodRef: string) {
  const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
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
  return s;
}

const autopayRows = (accountId: number) =>
  queryRows<{ id: number; status: string; external_id: string | null }>(
    t.db,
    sql`select id, status, external_id from payments where account_id = ${accountId} and method = 'autopay' order by id`,
  );
const postsFor = (paymentId: number) =>
  yk.requests.filter((r) => r.method === 'POST' && r.key?.endsWith(`:payment:${paymentId}`));
const settings = async (accountId: number) =>
  (
    await queryRows<{ failures: number; charge_at: string | null; noticed: boolean }>(
      t.db,
      sql`select failures, charge_at, noticed_at is not null as noticed from autopay_settings where account_id = ${accountId}`,
    )
  )[0]!;

/**
 * The invariant the whole file checks: at YooKassa each of our payments is at most one payment (found
 * by the payment id in its metadata), and every succeeded charge is credited exactly once here.
 */
async function expectChargedAtMostOnceCreditedOnce(accountId: number) {
  const rows = await autopayRows(accountId);
  for (const r of rows) {
    const atProvider = [...yk.payments.values()].filter((p) => p.metadata?.payment_id === String(r.id));
    expect(atProvider.length).toBeLessThanOrEqual(1);
    if (atProvider[0]?.status === 'succeeded')
      expect(r).toMatchObject({ status: 'succeeded', external_id: atProvider[0].id });
  }
  const succeeded = [...yk.payments.values()].filter(
    (p) => p.status === 'succeeded' && rows.some((r) => p.metadata?.payment_id === String(r.id)),
  );
  const [credits] = await queryRows<{ n: number; sum: number }>(
    t.db,
    sql`select count(*)::int as n, coalesce(sum(amount), 0)::int8 as sum from ledger_entries
        where account_id = ${accountId} and idempotency_key like 'payment:%'`,
  );
  expect(credits).toEqual({ n: succeeded.length, sum: succeeded.length * 50_000 });
  expect((await verifyLedger(t.db)).mismatches.filter((m) => m.accountId === accountId)).toEqual([]);
}

describe('autopay against YooKassa on a bad day', () => {
  it.each<PostAnswer>(['pending', '500', '500-before', 'timeout', '202'])(
    'an answer "%s" is waited out, never charged again, and credited once',
    async (answer) => {
      const s = await autopaySubscriber(`pm-${answer}`);
      yk.plan.payments.push(answer);
      await tick();
      const [row] = await autopayRows(s.account.id);
      expect(row).toMatchObject({ status: 'pending' });
      expect((await accountState(t.db, s.account.id)).balance).toBe(0);
      expect(await settings(s.account.id)).toMatchObject({ failures: 0 }); // not counted as a failure
      if (answer === 'pending') {
        expect(row!.external_id).not.toBeNull(); // the id is stored as soon as it is known
        await tick(); // still pending at the bank: looked up, not charged again
        expect(postsFor(row!.id)).toHaveLength(1);
        yk.settle(row!.external_id!, 'succeeded');
      }
      await tick();
      expect(await autopayRows(s.account.id)).toEqual([expect.objectContaining({ id: row!.id, status: 'succeeded' })]);
      expect(yk.charges(`pm-${answer}`)).toHaveLength(1);
      expect((await accountState(t.db, s.account.id)).balance).toBe(50_000);
      expect(await settings(s.account.id)).toMatchObject({ failures: 0, noticed: false });
      await tick(); // nothing more to do
      expect(yk.charges(`pm-${answer}`)).toHaveLength(1);
      await expectChargedAtMostOnceCreditedOnce(s.account.id);
    },
  );

  it('a lost answer is recovered from the notification, by our payment id in the metadata', async () => {
    const s = await autopaySubscriber('pm-lost');
    yk.plan.payments.push('500');
    await tick();
    const [row] = await autopayRows(s.account.id);
    expect(row).toMatchObject({ status: 'pending', external_id: null });
    const atProvider = [...yk.payments.values()].find((p) => p.metadata?.payment_id === String(row!.id))!;
    expect((await hook(atProvider.id)).statusCode).toBe(200);
    expect(await autopayRows(s.account.id)).toEqual([{ id: row!.id, status: 'succeeded', external_id: atProvider.id }]);
    await tick();
    expect(postsFor(row!.id)).toHaveLength(1);
    expect(await settings(s.account.id)).toMatchObject({ failures: 0, noticed: false });
    await expectChargedAtMostOnceCreditedOnce(s.account.id);
  });

  it('past the key’s life a charge is only looked up: found → credited, never there → a failure, no second POST', async () => {
    // Found: the payment was made a day ago, its answer lost; the key has expired since.
    const found = await autopaySubscriber('pm-old');
    yk.clock.offsetMs = -26 * 3600_000;
    yk.plan.payments.push('500');
    await tick();
    yk.clock.offsetMs = 0;
    const [old] = await autopayRows(found.account.id);
    const dayAgo = sql`to_char(now() at time zone 'utc' - interval '26 hours', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    await t.db.execute(
      sql`update payments set metadata = jsonb_set(metadata, '{requests}', jsonb_build_object('first', ${dayAgo}, 'last', ${dayAgo}))
          where id = ${old!.id}`,
    );
    await tick();
    expect(postsFor(old!.id)).toHaveLength(1);
    expect(await autopayRows(found.account.id)).toEqual([
      expect.objectContaining({ id: old!.id, status: 'succeeded' }),
    ]);
    await expectChargedAtMostOnceCreditedOnce(found.account.id);

    // Never there: the request died before YooKassa; a day later the lookup finds nothing.
    const lost = await autopaySubscriber('pm-never');
    yk.plan.payments.push('500-before');
    await tick();
    const [never] = await autopayRows(lost.account.id);
    await t.db.execute(
      sql`update payments set metadata = jsonb_set(metadata, '{requests}', jsonb_build_object('first', ${dayAgo}, 'last', ${dayAgo}))
          where id = ${never!.id}`,
    );
    await tick();
    expect(postsFor(never!.id)).toHaveLength(1);
    expect(await autopayRows(lost.account.id)).toEqual([
      expect.objectContaining({ id: never!.id, status: 'canceled' }),
    ]);
    expect(await settings(lost.account.id)).toMatchObject({ failures: 1 });
    await expectChargedAtMostOnceCreditedOnce(lost.account.id);
  });

  it('a declined card is a failure (retried later), and the reconciliation settles top-ups whose answer was lost', async () => {
    const s = await autopaySubscriber('pm-declines');
    yk.declineCharges('pm-declines');
    await tick();
    expect(await autopayRows(s.account.id)).toEqual([expect.objectContaining({ status: 'canceled' })]);
    expect(await settings(s.account.id)).toMatchObject({ failures: 1 });

    // A card top-up whose creation answered 500: the payer is told to try again, the row stays pending
    // without an id, and the reconciliation finds YooKassa's payment by our id and follows it.
    const payer = await signedInSubscriber(t.app, t.db, { balance: 0 });
    yk.plan.payments.push('500');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/me/payments',
      headers: payer.auth,
      payload: { amount: 70_000 },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('payment_provider_unavailable');
    const [top] = await queryRows<{ id: number; status: string; external_id: string | null }>(
      t.db,
      sql`select id, status, external_id from payments where account_id = ${payer.account.id}`,
    );
    expect(top).toMatchObject({ status: 'pending', external_id: null });
    const made = [...yk.payments.values()].find((p) => p.metadata?.payment_id === String(top!.id))!;
    yk.succeed(made.id); // say the payer somehow paid it: the money must not be lost
    await reconcilePendingPayments(t.db, t.deps, { olderThanSeconds: 0 });
    expect((await accountState(t.db, payer.account.id)).balance).toBe(70_000);
    const [after] = await queryRows<{ status: string; external_id: string }>(
      t.db,
      sql`select status, external_id from payments where id = ${top!.id}`,
    );
    expect(after).toEqual({ status: 'succeeded', external_id: made.id });
  });
});

describe('card refunds against YooKassa', () => {
  /** A subscriber who paid 1 000 ₽ by card through YooKassa. */
  async function paid() {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const { paymentId } = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: '1000' } })
    ).json();
    const [p] = await queryRows<{ external_id: string }>(
      t.db,
      sql`select external_id from payments where id = ${paymentId}`,
    );
    yk.succeed(p!.external_id);
    await hook(p!.external_id);
    expect((await accountState(t.db, s.account.id)).balance).toBe(100_000);
    return { ...s, paymentId: paymentId as number, externalId: p!.external_id };
  }
  const refund = (paymentId: number, amount: number, key: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/staff/payments/${paymentId}/refunds`,
      headers: finance.auth,
      payload: { amount, reason: 'Возврат по заявлению', idempotencyKey: key },
    });
  const refundRow = async (refundId: number) =>
    (
      await queryRows<{ status: string; external_id: string | null; last_error: string | null }>(
        t.db,
        sql`select status, external_id, last_error from payment_refunds where id = ${refundId}`,
      )
    )[0]!;
  const ledgerOk = async (accountId: number) =>
    expect((await verifyLedger(t.db)).mismatches.filter((m) => m.accountId === accountId)).toEqual([]);

  it('a refusal — canceled, a 4xx, or canceled later — gives the debit back', async () => {
    const s = await paid();
    yk.plan.refunds.push('canceled');
    const canceled = await refund(s.paymentId, 30_000, `c-${s.paymentId}`);
    expect(canceled.json()).toMatchObject({ status: 'failed', balance: 100_000 });
    expect(await refundRow(canceled.json().refundId)).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/declined/),
    });

    yk.plan.refunds.push('400');
    const refused = await refund(s.paymentId, 30_000, `r-${s.paymentId}`);
    expect(refused.json()).toMatchObject({ status: 'failed', balance: 100_000 });
    expect((await refundRow(refused.json().refundId)).last_error).toMatch(
      /refused by the provider: .*400 invalid_request/,
    );

    yk.plan.refunds.push('pending');
    const later = await refund(s.paymentId, 30_000, `l-${s.paymentId}`);
    expect(later.json()).toMatchObject({ status: 'pending', balance: 70_000 });
    const pendingRow = await refundRow(later.json().refundId);
    expect(pendingRow.external_id).not.toBeNull(); // stored with the first answer
    expect((await settleCardRefund(t.db, t.deps, later.json().refundId)).status).toBe('pending'); // GET, still pending
    yk.settle(pendingRow.external_id!, 'canceled');
    expect((await hook(pendingRow.external_id!, 'refund.canceled')).statusCode).toBe(200);
    expect(await refundRow(later.json().refundId)).toMatchObject({ status: 'failed' });
    expect((await accountState(t.db, s.account.id)).balance).toBe(100_000);
    expect(
      yk.requests.filter((r) => r.method === 'POST' && r.key?.endsWith(`:refund:${later.json().refundId}`)),
    ).toHaveLength(1);
    await ledgerOk(s.account.id);
  });

  it('a lost answer is settled with the same key while it lives and only looked up after; a refund is never made twice', async () => {
    const s = await paid();
    yk.plan.refunds.push('timeout');
    const first = await refund(s.paymentId, 20_000, `t-${s.paymentId}`);
    expect(first.json()).toMatchObject({ status: 'pending', balance: 80_000 });
    const id1 = first.json().refundId as number;
    expect(await settleCardRefund(t.db, t.deps, id1)).toMatchObject({ status: 'succeeded' }); // same key: replayed
    expect([...yk.refunds.values()].filter((r) => r.payment_id === s.externalId)).toHaveLength(1);

    // Created at YooKassa a day ago, its answer lost: the key is gone, so no POST — found by the lookup.
    yk.plan.refunds.push('500');
    yk.clock.offsetMs = -26 * 3600_000;
    const second = await refund(s.paymentId, 10_000, `u-${s.paymentId}`);
    yk.clock.offsetMs = 0;
    const id2 = second.json().refundId as number;
    const dayAgo = sql`now() - interval '26 hours'`;
    await t.db.execute(
      sql`update payment_refunds set first_requested_at = ${dayAgo}, last_requested_at = ${dayAgo} where id = ${id2}`,
    );
    expect(await settleCardRefund(t.db, t.deps, id2)).toMatchObject({ status: 'succeeded' });
    expect(yk.requests.filter((r) => r.method === 'POST' && r.key?.endsWith(`:refund:${id2}`))).toHaveLength(1);
    expect(await refundRow(id2)).toMatchObject({ status: 'succeeded', external_id: expect.any(String) });

    // Never reached YooKassa, a day ago: nothing found → it never happened, the debit comes back.
    yk.plan.refunds.push('500-before');
    const third = await refund(s.paymentId, 5_000, `v-${s.paymentId}`);
    const id3 = third.json().refundId as number;
    await t.db.execute(
      sql`update payment_refunds set first_requested_at = ${dayAgo}, last_requested_at = ${dayAgo} where id = ${id3}`,
    );
    expect(await settleCardRefund(t.db, t.deps, id3)).toMatchObject({ status: 'failed' });
    expect(yk.requests.filter((r) => r.method === 'POST' && r.key?.endsWith(`:refund:${id3}`))).toHaveLength(1);
    expect((await accountState(t.db, s.account.id)).balance).toBe(100_000 - 20_000 - 10_000);
    expect([...yk.refunds.values()].filter((r) => r.payment_id === s.externalId)).toHaveLength(2);
    await ledgerOk(s.account.id);
  });
});
