import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { CreatePaymentInput, PaymentProvider, ProviderPayment, ProviderRefund, RefundInput } from './provider.js';

interface Row {
  id: string;
  /** threeDs: the card asked for 3-D Secure (last four digits), set by the card form. */
  data: { threeDs?: string; paymentId?: number };
  amount: number;
  status: 'pending' | 'succeeded' | 'canceled';
  method_ref: string | null;
  card_title: string | null;
  save_payment_method: boolean;
  return_url: string;
}

/**
 * The built-in test acquirer: plays an external bank inside Abonent for development and tests. It keeps
 * its own rows (test_acquirer_payments), serves a hosted card page (/pay/test-acquirer/:id) and sends
 * HMAC-signed notifications to our webhook through the job queue.
 */
export class TestAcquirer implements PaymentProvider {
  readonly name = 'test_acquirer' as const;
  readonly methods = ['card'] as const;
  constructor(
    private readonly db: Db,
    private readonly config: { publicUrl: string },
    /** Key of the page ids: HMAC of the idempotence key, so the same request is the same payment but
     *  nobody without the key can compute another payer's page from a payment number. */
    private readonly idKey: string,
  ) {}

  private idFor(idempotenceKey: string): string {
    return `ta_${createHmac('sha256', this.idKey).update(idempotenceKey).digest('base64url').slice(0, 32)}`;
  }

  private async row(id: string): Promise<Row> {
    const [r] = await queryRows<Row>(this.db, sql`select * from test_acquirer_payments where id = ${id}`);
    if (!r) throw new Error(`test acquirer: no payment ${id}`);
    return r;
  }

  private map(r: Row & { data?: { paymentId?: number } }): ProviderPayment {
    return {
      paymentId: r.data?.paymentId ?? null,
      externalId: r.id,
      status: r.status,
      amount: r.amount,
      savedMethod:
        r.status === 'succeeded' && r.save_payment_method && r.method_ref
          ? { ref: r.method_ref, title: r.card_title ?? '' }
          : null,
      // The card page is on the same origin the payer returns to (see server/plugins/base-url.ts).
      confirmationUrl: `${originOf(r.return_url) ?? this.config.publicUrl}/pay/test-acquirer/${r.id}`,
      // The test cards decline for want of money (a charge of the "declines later" card: try again later).
      declineReason: r.status === 'canceled' ? 'insufficient_funds' : null,
    };
  }

  async createPayment(i: CreatePaymentInput): Promise<ProviderPayment> {
    // The id derives from the idempotence key: the same request twice is the same payment.
    const id = this.idFor(i.idempotenceKey);
    await this.db.execute(
      sql`insert into test_acquirer_payments (id, amount, return_url, save_payment_method, data)
          values (${id}, ${i.amount}, ${i.returnUrl}, ${i.savePaymentMethod}, ${JSON.stringify({ paymentId: i.paymentId })}::jsonb)
          on conflict (id) do nothing`,
    );
    return this.map(await this.row(id));
  }

  async getPayment(externalId: string): Promise<ProviderPayment> {
    return this.map(await this.row(externalId));
  }

  async findPayment(i: { paymentId: number }): Promise<ProviderPayment | null> {
    const [r] = await queryRows<Row>(
      this.db,
      sql`select * from test_acquirer_payments where (data->>'paymentId')::int8 = ${i.paymentId} limit 1`,
    );
    return r ? this.map(r) : null;
  }

  async chargeSaved(i: Parameters<PaymentProvider['chargeSaved']>[0]): Promise<ProviderPayment> {
    const id = this.idFor(i.idempotenceKey);
    const [card] = await queryRows<{ data: { declines?: boolean } }>(
      this.db,
      sql`select data from test_acquirer_payments where method_ref = ${i.methodRef} limit 1`,
    );
    if (!card) throw new Error('test acquirer: unknown payment method');
    const status = card.data.declines ? 'canceled' : 'succeeded';
    await this.db.execute(
      sql`insert into test_acquirer_payments (id, amount, status, return_url, data)
          values (${id}, ${i.amount}, ${status}, '', ${JSON.stringify({ paymentId: i.paymentId, charge: i.methodRef })}::jsonb)
          on conflict (id) do nothing`,
    );
    return this.map(await this.row(id));
  }

  /**
   * Like a bank: a key it has seen answers as before; a refund above what is left of the payment, of
   * a payment that did not succeed, or to a "declines later" card (4000 0000 0000 0341) is refused.
   * The refund's id is `<payment id>~<idempotence key>`; a refused one is not kept.
   */
  async refund(i: RefundInput): Promise<ProviderRefund> {
    const externalId = `${i.externalId}~${i.idempotenceKey}`;
    const [done] = await queryRows<{ id: string }>(
      this.db,
      sql`update test_acquirer_payments
          set refunded = refunded + ${i.amount},
              data = jsonb_set(data, '{refunds}', coalesce(data->'refunds', '{}'::jsonb) || jsonb_build_object(${i.idempotenceKey}::text, ${i.amount}::int8))
          where id = ${i.externalId} and status = 'succeeded' and refunded + ${i.amount} <= amount
            and not coalesce((data->>'declines')::boolean, false)
            and not jsonb_exists(coalesce(data->'refunds', '{}'::jsonb), ${i.idempotenceKey}::text)
          returning id`,
    );
    if (done) return { externalId, status: 'succeeded', amount: i.amount };
    const seen = await this.refundByKey(i.externalId, i.idempotenceKey);
    return seen ?? { externalId, status: 'canceled', amount: i.amount, cancelReason: 'test_acquirer: declined' };
  }

  async getRefund(externalId: string): Promise<ProviderRefund> {
    const [payment, key] = externalId.split('~', 2);
    const seen = await this.refundByKey(payment ?? '', key ?? '');
    return seen ?? { externalId, status: 'canceled', amount: 0, cancelReason: 'test_acquirer: declined' };
  }

  async findRefund(i: { paymentExternalId: string; refundId: number }): Promise<ProviderRefund | null> {
    return this.refundByKey(i.paymentExternalId, `refund:${i.refundId}`);
  }

  private async refundByKey(paymentExternalId: string, key: string): Promise<ProviderRefund | null> {
    const [seen] = await queryRows<{ amount: number | null }>(
      this.db,
      sql`select (data->'refunds'->>${key}::text)::int8 as amount from test_acquirer_payments where id = ${paymentExternalId}`,
    );
    return seen?.amount != null
      ? { externalId: `${paymentExternalId}~${key}`, status: 'succeeded', amount: seen.amount }
      : null;
  }

  /** The bank's decision on a submitted card; returns the row after the change. */
  async complete(id: string, ok: boolean, card: { last4: string; declinesLater?: boolean }): Promise<Row> {
    const ref = `pm_${randomBytes(12).toString('hex')}`;
    await this.db.execute(
      sql`update test_acquirer_payments set status = ${ok ? 'succeeded' : 'canceled'},
            method_ref = ${ok ? ref : null}, card_title = ${`•••• ${card.last4}`},
            data = data || ${JSON.stringify({ declines: card.declinesLater ?? false })}::jsonb
          where id = ${id} and status = 'pending'`,
    );
    return this.row(id);
  }

  async pending(id: string): Promise<Row | null> {
    const [r] = await queryRows<Row>(this.db, sql`select * from test_acquirer_payments where id = ${id}`);
    return r ?? null;
  }
}

/** Signature of a test-acquirer notification body: hex HMAC-SHA256 of the raw body. */
export function signTestAcquirer(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function verifyTestAcquirer(secret: string, rawBody: string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const want = Buffer.from(signTestAcquirer(secret, rawBody), 'hex');
  return timingSafeEqual(want, Buffer.from(signature, 'hex'));
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function originOf(url: string): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}
