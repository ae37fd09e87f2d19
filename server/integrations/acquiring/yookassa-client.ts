import { kopecksToDecimal, parseDecimalAmount } from '../../../common/money.js';
import {
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderRefund,
  ProviderRefusedError,
  ProviderUnknownError,
  refundDescription,
  type RefundInput,
} from './provider.js';

interface YkAmount {
  value: string;
  currency: string;
}
interface YkPayment {
  id: string;
  status: 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
  amount: YkAmount;
  confirmation?: { type: string; confirmation_url?: string; confirmation_data?: string };
  payment_method?: { id: string; saved: boolean; title?: string; card?: { last4?: string } };
  metadata?: Record<string, string>;
  cancellation_details?: { party?: string; reason?: string };
  created_at?: string;
  test?: boolean;
}
interface YkRefund {
  id: string;
  payment_id: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: YkAmount;
  description?: string;
  cancellation_details?: { party?: string; reason?: string };
  test?: boolean;
}
interface YkList<T> {
  type: 'list';
  items: T[];
  next_cursor?: string;
}

export interface YooKassaOptions {
  baseUrl: string;
  shopId: string;
  secretKey: string;
  fetch?: typeof fetch;
  /** A request with no answer after this long is "unknown" (default 15 s). */
  timeoutMs?: number;
  /** Tries of one call when YooKassa answers 202 or 5xx, as its SDKs do (default 3). */
  attempts?: number;
  /** Wait before trying again after a 5xx (default 1 s; a 202 says how long itself). */
  retryDelayMs?: number;
  /** Longer advised waits are not spent in the call: it ends "unknown" and a later pass asks (default 5 s). */
  maxInlineWaitMs?: number;
  /**
   * Production: an object marked `test: true` (a test shop's: no money moved) is never taken as paid
   * or refunded — it reads as canceled, with the reason.
   */
  refuseTestObjects?: boolean;
}

/** Margin around the time of our requests (clocks differ; a request is processed a little later). */
const LOOKUP_MARGIN_MS = 10 * 60_000;
/** A refund is looked for among the payment's refunds from our request to past the key's life. */
const REFUND_LOOKUP_AFTER_MS = 25 * 3600_000;
const LOOKUP_PAGES = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * YooKassa API v3 (https://yookassa.ru/developers/api): HTTP Basic shopId:secretKey, Idempotence-Key on
 * every POST. Answers are read as YooKassa's "response handling" rules say (docs/payments.md):
 * 200 is the object in its current status; 202 is "accepted, still processing — repeat the same request
 * with the same key after retry_after ms" (type "processing"; the official SDKs loop on it); 500 is
 * "result unknown — repeat with the same key or GET the object"; other 4xx is a refusal. 202 and 5xx
 * are tried again in the call (same key) up to `attempts`, as yookassa-sdk-php's BaseClient::execute
 * does; what stays undecided is thrown as ProviderUnknownError for the caller to settle later.
 */
export class YooKassaClient implements PaymentProvider {
  readonly name = 'yookassa' as const;
  readonly methods = ['card', 'sbp'] as const;
  constructor(private readonly o: YooKassaOptions) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<T> {
    const what = `yookassa ${method} ${path.replace(/\?.*$/, '')}`;
    const attempts = this.o.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        authorization: `Basic ${Buffer.from(`${this.o.shopId}:${this.o.secretKey}`).toString('base64')}`,
      };
      if (body) headers['content-type'] = 'application/json';
      if (key) headers['idempotence-key'] = key;
      let status: number;
      let text: string;
      let retryAfterHeader: string | null;
      try {
        const res = await (this.o.fetch ?? fetch)(`${this.o.baseUrl.replace(/\/$/, '')}${path}`, {
          method,
          headers,
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
        });
        status = res.status;
        retryAfterHeader = res.headers.get('retry-after');
        text = await res.text();
      } catch (e) {
        // No answer (timeout, reset, DNS): the request may or may not have been carried out.
        const why = e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time' : String(e);
        throw new ProviderUnknownError(`${what}: ${why}`);
      }
      const json = parseJson(text) as Record<string, unknown> | null;
      if (status === 200) {
        if (!json) throw new ProviderUnknownError(`${what}: 200 with a body that is not JSON`);
        return json as T;
      }
      if (status === 202 || status >= 500) {
        // YooKassa puts the wait in the 202 body (retry_after, ms); an HTTP Retry-After (seconds) counts too.
        const header =
          retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) * 1000 : undefined;
        const advised = status === 202 && typeof json?.retry_after === 'number' ? json.retry_after : header;
        const wait = advised ?? (this.o.retryDelayMs ?? 1000) * attempt;
        if (attempt < attempts && wait <= (this.o.maxInlineWaitMs ?? 5000)) {
          await sleep(wait);
          continue;
        }
        throw new ProviderUnknownError(
          status === 202 ? `${what}: 202 still processing` : `${what}: ${status} ${text.slice(0, 200)}`,
          advised,
        );
      }
      // 401 (credentials) and 429 (rate limit): nothing was done, but the same request can work later.
      if (status === 401 || status === 429) throw new ProviderUnknownError(`${what}: ${status} ${text.slice(0, 200)}`);
      const code = typeof json?.code === 'string' ? json.code : undefined;
      throw new ProviderRefusedError(
        `${what}: ${status} ${code ?? ''} ${typeof json?.description === 'string' ? json.description : ''}`.trim(),
        status,
        code,
      );
    }
  }

  private map(p: YkPayment): ProviderPayment {
    const m = p.payment_method;
    const paymentId = Number(p.metadata?.payment_id);
    if (p.test === true && this.o.refuseTestObjects) {
      // A test shop's payment: no money moved. Never credited in production, whatever its status.
      return {
        externalId: p.id,
        status: 'canceled',
        amount: parseProviderAmount(p.amount.value),
        savedMethod: null,
        confirmationUrl: null,
        paymentId: Number.isSafeInteger(paymentId) && paymentId > 0 ? paymentId : null,
        cancelReason: `test object refused in production (YooKassa status ${p.status}): check YOOKASSA_SHOP_ID`,
        declineReason: null,
      };
    }
    return {
      externalId: p.id,
      // Payments are created with capture: true; waiting_for_capture is still "not yet".
      status: p.status === 'succeeded' ? 'succeeded' : p.status === 'canceled' ? 'canceled' : 'pending',
      amount: parseProviderAmount(p.amount.value),
      savedMethod: m?.saved ? { ref: m.id, title: m.title ?? `•••• ${m.card?.last4 ?? ''}`.trim() } : null,
      confirmationUrl: p.confirmation?.confirmation_url ?? null,
      qrData: p.confirmation?.confirmation_data ?? null,
      paymentId: Number.isSafeInteger(paymentId) && paymentId > 0 ? paymentId : null,
      cancelReason: p.cancellation_details
        ? `${p.cancellation_details.party ?? ''}: ${p.cancellation_details.reason ?? ''}`
        : null,
      declineReason: p.status === 'canceled' ? (p.cancellation_details?.reason ?? null) : null,
    };
  }

  private mapRefund(r: YkRefund): ProviderRefund {
    if (r.test === true && this.o.refuseTestObjects) {
      return {
        externalId: r.id,
        status: 'canceled',
        amount: parseProviderAmount(r.amount.value),
        cancelReason: `test object refused in production (YooKassa status ${r.status})`,
      };
    }
    return {
      externalId: r.id,
      status: r.status,
      amount: parseProviderAmount(r.amount.value),
      cancelReason: r.cancellation_details
        ? `${r.cancellation_details.party ?? ''}: ${r.cancellation_details.reason ?? ''}`
        : null,
    };
  }

  /**
   * A card payment on YooKassa's page (redirect), or SBP (`payment_method_data: {type: "sbp"}`, "Система
   * быстрых платежей": https://yookassa.ru/developers/payment-acceptance/integration-scenarios/manual-integration/other/sbp):
   * confirmation `qr` gives the NSPK link to show as a QR code on a desktop, `redirect` a page that opens
   * the bank app on a phone. SBP is paid in one stage (capture: true) and is not saved here.
   */
  async createPayment(i: CreatePaymentInput): Promise<ProviderPayment> {
    const sbp = i.method === 'sbp';
    const p = await this.call<YkPayment>(
      'POST',
      '/payments',
      {
        amount: { value: kopecksToDecimal(i.amount), currency: 'RUB' },
        capture: true,
        ...(sbp ? { payment_method_data: { type: 'sbp' } } : {}),
        confirmation: sbp && i.confirmation === 'qr' ? { type: 'qr' } : { type: 'redirect', return_url: i.returnUrl },
        save_payment_method: sbp ? false : i.savePaymentMethod,
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

  /** GET /payments created while we asked (newest first, cursor pages), matching metadata.payment_id. */
  async findPayment(i: { paymentId: number; from: Date; to: Date }): Promise<ProviderPayment | null> {
    const found = await this.scan<YkPayment>(
      '/payments',
      { from: i.from, to: i.to },
      {},
      (p) => p.metadata?.payment_id === String(i.paymentId),
    );
    return found ? this.map(found) : null;
  }

  async refund(i: RefundInput): Promise<ProviderRefund> {
    const r = await this.call<YkRefund>(
      'POST',
      '/refunds',
      {
        payment_id: i.externalId,
        amount: { value: kopecksToDecimal(i.amount), currency: 'RUB' },
        description: refundDescription(i.refundId),
      },
      i.idempotenceKey,
    );
    return this.mapRefund(r);
  }

  async getRefund(externalId: string): Promise<ProviderRefund> {
    return this.mapRefund(await this.call<YkRefund>('GET', `/refunds/${encodeURIComponent(externalId)}`));
  }

  /** GET /refunds?payment_id=… around the request time, matching the description that names our refund. */
  async findRefund(i: {
    paymentExternalId: string;
    refundId: number;
    createdAt: Date;
  }): Promise<ProviderRefund | null> {
    const want = refundDescription(i.refundId);
    const found = await this.scan<YkRefund>(
      '/refunds',
      { from: i.createdAt, to: new Date(i.createdAt.getTime() + REFUND_LOOKUP_AFTER_MS) },
      { payment_id: i.paymentExternalId },
      (r) => r.description === want,
    );
    return found ? this.mapRefund(found) : null;
  }

  private async scan<T>(
    path: string,
    window: { from: Date; to: Date },
    filter: Record<string, string>,
    match: (item: T) => boolean,
  ): Promise<T | null> {
    const q = new URLSearchParams({
      ...filter,
      'created_at.gte': new Date(window.from.getTime() - LOOKUP_MARGIN_MS).toISOString(),
      'created_at.lte': new Date(window.to.getTime() + LOOKUP_MARGIN_MS).toISOString(),
      limit: '100',
    });
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const list = await this.call<YkList<T>>('GET', `${path}?${q.toString()}`);
      const hit = list.items.find(match);
      if (hit) return hit;
      if (!list.next_cursor) return null;
      q.set('cursor', list.next_cursor);
    }
    throw new ProviderUnknownError(`yookassa GET ${path}: not found in ${LOOKUP_PAGES} pages; try again later`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** YooKassa sends amounts as decimal strings ("100.00"); anything else is a broken answer. */
function parseProviderAmount(value: string): number {
  const kopecks = parseDecimalAmount(value);
  if (kopecks === null) throw new ProviderUnknownError(`yookassa: unexpected amount ${JSON.stringify(value)}`);
  return kopecks;
}
