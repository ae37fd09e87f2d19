import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeYooKassa } from '../../test/fakes/yookassa.js';
import { ProviderRefusedError, ProviderUnknownError } from './provider.js';
import { YooKassaClient } from './yookassa-client.js';

let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: 'shop', secretKey: 'key', retryAfterMs: 20, holdMs: 1000 });
  yk.addSavedMethod('pm-1');
});
afterAll(() => yk.close());

const client = (o: Partial<ConstructorParameters<typeof YooKassaClient>[0]> = {}) =>
  new YooKassaClient({ baseUrl: yk.url, shopId: 'shop', secretKey: 'key', retryDelayMs: 10, timeoutMs: 5000, ...o });
const charge = (c: YooKassaClient, paymentId: number) =>
  c.chargeSaved({
    amount: 10_000,
    description: 'Автоплатёж',
    idempotenceKey: `payment:${paymentId}`,
    paymentId,
    methodRef: 'pm-1',
  });
const posts = (paymentId: number) => yk.requests.filter((r) => r.method === 'POST' && r.key === `payment:${paymentId}`);

describe('YooKassa client: how answers are read', () => {
  it('202 and 5xx are repeated in the call with the same key, as the SDKs do; the charge happens once', async () => {
    yk.plan.payments.push('202');
    expect(await charge(client(), 1)).toMatchObject({ status: 'succeeded', amount: 10_000, paymentId: 1 });
    expect(posts(1).map((r) => r.status)).toEqual([202, 200]);
    yk.plan.payments.push('500', '500');
    expect(await charge(client(), 2)).toMatchObject({ status: 'succeeded' });
    expect(posts(2).map((r) => r.status)).toEqual([500, 500, 200]);
    expect(yk.charges('pm-1')).toHaveLength(2);
  });

  it('what stays undecided is "unknown" (with the advised wait); a 4xx is a refusal; 401 is "try later"', async () => {
    yk.plan.payments.push('202');
    const e202 = await charge(client({ attempts: 1 }), 3).catch((e: unknown) => e);
    expect(e202).toBeInstanceOf(ProviderUnknownError);
    expect((e202 as ProviderUnknownError).retryAfterMs).toBe(20);
    yk.plan.payments.push('timeout');
    await expect(charge(client({ attempts: 1, timeoutMs: 150 }), 4)).rejects.toThrow(/no answer in time/);
    const refused = await client()
      .refund({ externalId: 'no-such-payment', amount: 100, idempotenceKey: 'refund:9', refundId: 9 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderRefusedError);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    const wrongKey = client({ secretKey: 'wrong' });
    await expect(wrongKey.getPayment('x')).rejects.toBeInstanceOf(ProviderUnknownError);
    // The same key with another body is refused by YooKassa (and never charges).
    const other = await client()
      .chargeSaved({ amount: 99_900, description: 'x', idempotenceKey: 'payment:1', paymentId: 1, methodRef: 'pm-1' })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ProviderRefusedError);
  });

  it('finds a payment by our id in its metadata among those created while we asked', async () => {
    const from = new Date();
    yk.plan.payments.push('500-before', '500');
    await charge(client({ attempts: 1 }), 5).catch(() => undefined); // nothing happened
    expect(await client().findPayment({ paymentId: 5, from, to: new Date() })).toBeNull();
    await charge(client({ attempts: 1 }), 5).catch(() => undefined); // happened, answer lost
    expect(await client().findPayment({ paymentId: 5, from, to: new Date() })).toMatchObject({
      status: 'succeeded',
      paymentId: 5,
    });
  });
});
