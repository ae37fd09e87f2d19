import { kopecksToDecimal, parseDecimalAmount } from '../../../common/money.js';
import type { CreatePaymentInput, PaymentProvider, ProviderPayment } from './provider.js';

interface YkPayment {
  id: string;
  status: 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
  amount: { value: string; currency: string };
  confirmation?: { type: string; confirmation_url?: string };
  payment_method?: { id: string; saved: boolean; title?: string; card?: { last4?: string } };
}

/** YooKassa API v3 (https://yookassa.ru/developers/api): HTTP Basic shopId:secretKey, Idempotence-Key on POSTs. */
export class YooKassaClient implements PaymentProvider {
  readonly name = 'yookassa' as const;
  constructor(private readonly o: { baseUrl: string; shopId: string; secretKey: string; fetch?: typeof fetch }) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${this.o.shopId}:${this.o.secretKey}`).toString('base64')}`,
    };
    if (body) headers['content-type'] = 'application/json';
    if (key) headers['idempotence-key'] = key;
    const res = await (this.o.fetch ?? fetch)(`${this.o.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`yookassa ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  private map(p: YkPayment): ProviderPayment {
    const m = p.payment_method;
    return {
      externalId: p.id,
      // Payments are created with capture: true; waiting_for_capture is still "not yet".
      status: p.status === 'succeeded' ? 'succeeded' : p.status === 'canceled' ? 'canceled' : 'pending',
      amount: parseProviderAmount(p.amount.value),
      savedMethod: m?.saved ? { ref: m.id, title: m.title ?? `•••• ${m.card?.last4 ?? ''}`.trim() } : null,
      confirmationUrl: p.confirmation?.confirmation_url ?? null,
    };
  }

  async createPayment(i: CreatePaymentInput): Promise<ProviderPayment> {
    const p = await this.call<YkPayment>(
      'POST',
      '/payments',
      {
        amount: { value: kopecksToDecimal(i.amount), currency: 'RUB' },
        capture: true,
        confirmation: { type: 'redirect', return_url: i.returnUrl },
        save_payment_method: i.savePaymentMethod,
        description: i.description.slice(0, 128),
        metadata: { payment_id: String(i.paymentId) },
      },
      i.idempotenceKey,
    );
    return this.map(p);
  }

  async getPayment(externalId: string): Promise<ProviderPayment> {
    return this.map(await this.call<YkPayment>('GET', `/payments/${encodeURIComponent(externalId)}`));
  }

  async chargeSaved(i: Parameters<PaymentProvider['chargeSaved']>[0]): Promise<ProviderPayment> {
    const p = await this.call<YkPayment>(
      'POST',
      '/payments',
      {
        amount: { value: kopecksToDecimal(i.amount), currency: 'RUB' },
        capture: true,
        payment_method_id: i.methodRef,
        description: i.description.slice(0, 128),
        metadata: { payment_id: String(i.paymentId) },
      },
      i.idempotenceKey,
    );
    return this.map(p);
  }

  async refund(i: { externalId: string; amount: number; idempotenceKey: string }) {
    const r = await this.call<{ status: 'succeeded' | 'canceled' | 'pending' }>(
      'POST',
      '/refunds',
      {
        payment_id: i.externalId,
        amount: { value: kopecksToDecimal(i.amount), currency: 'RUB' },
      },
      i.idempotenceKey,
    );
    return { status: r.status };
  }
}

/** YooKassa sends amounts as decimal strings ("100.00"); anything else is a broken answer. */
function parseProviderAmount(value: string): number {
  const kopecks = parseDecimalAmount(value);
  if (kopecks === null) throw new Error(`yookassa: unexpected amount ${JSON.stringify(value)}`);
  return kopecks;
}
