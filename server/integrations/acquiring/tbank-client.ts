import {
  type CreatePaymentInput,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderRefund,
  ProviderRefusedError,
  ProviderUnknownError,
  type RefundInput,
} from './provider.js';
import { TBANK_UNDECIDED, tbankDeclineReason } from './tbank-errors.js';
import { tbankToken } from './tbank-token.js';

export interface TBankOptions {
  /** https://securepay.tinkoff.ru/v2 */
  baseUrl: string;
  terminalKey: string;
  password: string;
  /** Where T-Bank sends notifications (…/api/payments/webhooks/tbank). */
  notificationUrl: string | (() => string);
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** A T-Bank answer: Success/ErrorCode always, the rest by method. */
interface TbAnswer {
  Success: boolean;
  ErrorCode: string;
  Message?: string;
  Details?: string;
  Status?: string;
  PaymentId?: string | number;
  OrderId?: string;
  Amount?: number;
  PaymentURL?: string;
  OriginalAmount?: number;
  NewAmount?: number;
  Payments?: { PaymentId: string | number; Amount?: number; Status: string; Success?: boolean; ErrorCode?: string }[];
}

/** Statuses after which the money came (refunds of it are our own records: docs/finance.md). */
export const PAID = new Set(['CONFIRMED', 'PARTIAL_REFUNDED', 'REFUNDING', 'REFUNDED', 'PARTIAL_REVERSED']);
const FAILED = new Set(['REJECTED', 'CANCELED', 'DEADLINE_EXPIRED', 'AUTH_FAIL', 'REVERSED', 'ATTEMPTS_EXPIRED']);

/** Our provider key (`<installation>:payment:<id>`) as a T-Bank OrderId: ≤ 36 characters, unique per terminal. */
export function tbankOrderId(key: string): string {
  return key.replaceAll(':', '-').slice(0, 36);
}

/**
 * T-Bank Internet Acquiring, API v2 (https://developer.tbank.ru/eacq/api): every request is a JSON POST
 * signed with Token (tbank-token.ts). Init makes the payment (the payer pays on PaymentURL), GetState
 * reads it, CheckOrder finds the payments of an OrderId, Charge charges a saved card by RebillId
 * (autopay: a payment made with Recurrent=Y and a CustomerKey), Cancel refunds a confirmed one.
 *
 * T-Bank has no Idempotence-Key; idempotence comes from the OrderId: ours is the payment's provider key,
 * unique per installation, so a repeated Init answers "duplicate OrderId" (error 20) and the payment is
 * then found by CheckOrder; a refund carries our key as ExternalRequestId, which T-Bank deduplicates.
 * Answers: HTTP 200 with Success; no answer, 5xx or an internal-error code (TBANK_UNDECIDED) is
 * "unknown" (ProviderUnknownError); any other failure is a refusal (ProviderRefusedError with ErrorCode).
 */
export class TBankClient implements PaymentProvider {
  readonly name = 'tbank' as const;
  readonly methods = ['card'] as const;
  constructor(private readonly o: TBankOptions) {}

  private async call(method: string, body: Record<string, unknown>): Promise<TbAnswer> {
    const what = `tbank ${method}`;
    const fields = { TerminalKey: this.o.terminalKey, ...body };
    const signed = { ...fields, Token: tbankToken(fields, this.o.password) };
    let status: number;
    let text: string;
    try {
      const res = await (this.o.fetch ?? fetch)(`${this.o.baseUrl.replace(/\/$/, '')}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signed),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const why = e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time' : String(e);
      throw new ProviderUnknownError(`${what}: ${why}`);
    }
    let json: TbAnswer | null;
    try {
      json = JSON.parse(text) as TbAnswer;
    } catch {
      json = null;
    }
    if (status !== 200 || !json) throw new ProviderUnknownError(`${what}: HTTP ${status} ${text.slice(0, 200)}`);
    return json;
  }

  /** A failed answer as an error that says what may be done (see the class comment). */
  private fail(method: string, a: TbAnswer): never {
    const text = `tbank ${method}: ${a.ErrorCode} ${a.Message ?? ''} ${a.Details ?? ''}`.trim();
    if (TBANK_UNDECIDED.has(String(a.ErrorCode))) throw new ProviderUnknownError(text);
    throw new ProviderRefusedError(text, 400, String(a.ErrorCode));
  }

  private map(a: TbAnswer, extra: Partial<ProviderPayment> = {}): ProviderPayment {
    const st = a.Status ?? '';
    const status = PAID.has(st) ? 'succeeded' : FAILED.has(st) ? 'canceled' : 'pending';
    const code = String(a.ErrorCode ?? '0');
    return {
      externalId: String(a.PaymentId),
      status,
      amount: Number(a.Amount ?? 0),
      savedMethod: null,
      confirmationUrl: a.PaymentURL ?? null,
      paymentId: orderPaymentId(a.OrderId),
      cancelReason:
        status === 'canceled' ? `${st}${code !== '0' ? ` ${code} ${a.Message ?? ''}`.trimEnd() : ''}` : null,
      declineReason: status === 'canceled' ? tbankDeclineReason(code) : null,
      ...extra,
    };
  }

  private customerKey(i: { idempotenceKey: string; accountId?: number }): string | undefined {
    if (i.accountId === undefined) return undefined;
    const inst = i.idempotenceKey.includes(':') ? i.idempotenceKey.split(':')[0]! : '';
    return `${inst ? `${inst}-` : ''}a${i.accountId}`.slice(0, 36);
  }

  /** Init; a repeat of an OrderId already there (error 20) answers the payment made the first time. */
  private async init(i: CreatePaymentInput | Parameters<PaymentProvider['chargeSaved']>[0], more: object) {
    const orderId = tbankOrderId(i.idempotenceKey);
    const a = await this.call('Init', {
      Amount: i.amount,
      OrderId: orderId,
      Description: i.description.slice(0, 140),
      NotificationURL: typeof this.o.notificationUrl === 'function' ? this.o.notificationUrl() : this.o.notificationUrl,
      PayType: 'O',
      Language: 'ru',
      ...more,
      DATA: { payment_id: String(i.paymentId) },
    });
    if (a.Success) return a;
    if (String(a.ErrorCode) === '20') {
      const found = await this.byOrder(orderId);
      if (found) return found;
    }
    this.fail('Init', a);
  }

  /** The newest payment of an OrderId (CheckOrder), read in full by GetState; null when there is none. */
  private async byOrder(orderId: string): Promise<TbAnswer | null> {
    const a = await this.call('CheckOrder', { OrderId: orderId });
    if (!a.Success) {
      if (String(a.ErrorCode) === '335' || String(a.ErrorCode) === '7') return null; // no such order
      this.fail('CheckOrder', a);
    }
    const last = (a.Payments ?? []).at(-1);
    if (!last) return null;
    return this.state(String(last.PaymentId));
  }

  /**
   * Every payment T-Bank holds under one OrderId (CheckOrder: PaymentId, Amount in kopecks, Status), as
   * reconciliation reads them; [] when T-Bank knows no such order (335/7). Anything else undecided throws.
   */
  async orderPayments(orderId: string): Promise<{ paymentId: string; amount: number; status: string }[]> {
    const a = await this.call('CheckOrder', { OrderId: orderId });
    if (!a.Success) {
      if (String(a.ErrorCode) === '335' || String(a.ErrorCode) === '7') return [];
      this.fail('CheckOrder', a);
    }
    return (a.Payments ?? []).map((p) => ({
      paymentId: String(p.PaymentId),
      amount: Number(p.Amount),
      status: String(p.Status),
    }));
  }

  private async state(paymentId: string): Promise<TbAnswer> {
    const a = await this.call('GetState', { PaymentId: paymentId });
    if (!a.Success) this.fail('GetState', a);
    return a;
  }

  async createPayment(i: CreatePaymentInput & { accountId?: number }): Promise<ProviderPayment> {
    if ((i.method ?? 'card') !== 'card') throw new ProviderRefusedError('tbank: only cards are set up', 400);
    const customerKey = i.savePaymentMethod ? this.customerKey(i) : undefined;
    const a = await this.init(i, {
      SuccessURL: i.returnUrl,
      FailURL: i.returnUrl,
      // Customer initiated; with "save card" a parent recurrent payment (CIT CC), whose RebillId autopay uses.
      OperationInitiatorType: customerKey ? '1' : '0',
      ...(customerKey ? { Recurrent: 'Y', CustomerKey: customerKey } : {}),
    });
    return this.map(a);
  }

  async getPayment(externalId: string): Promise<ProviderPayment> {
    return this.map(await this.state(externalId));
  }

  /**
   * Autopay (merchant initiated, recurring: OperationInitiatorType R): Init, then Charge by RebillId. A
   * repeat of the same key finds the payment of its OrderId: still NEW → charged now; otherwise its state.
   */
  async chargeSaved(i: Parameters<PaymentProvider['chargeSaved']>[0]): Promise<ProviderPayment> {
    const made = await this.init(i, { OperationInitiatorType: 'R' });
    if (made.Status && made.Status !== 'NEW') return this.map(made);
    const a = await this.call('Charge', { PaymentId: String(made.PaymentId), RebillId: i.methodRef });
    if (a.Success) return this.map(a);
    if (a.Status === 'REJECTED') return this.map(a); // the issuer declined: a final answer with its reason
    if (['4', '8'].includes(String(a.ErrorCode))) return this.map(await this.state(String(made.PaymentId)));
    this.fail('Charge', a);
  }

  async findPayment(i: { paymentId: number; idempotenceKey?: string }): Promise<ProviderPayment | null> {
    if (!i.idempotenceKey) return null;
    const a = await this.byOrder(tbankOrderId(i.idempotenceKey));
    return a ? this.map(a) : null;
  }

  /**
   * Cancel of a confirmed payment is its refund (full or partial). ExternalRequestId (our refund key)
   * makes a repeat answer the state of the first instead of refunding again.
   */
  async refund(i: RefundInput): Promise<ProviderRefund> {
    const a = await this.call('Cancel', {
      PaymentId: i.externalId,
      Amount: i.amount,
      ExternalRequestId: i.idempotenceKey.slice(0, 100),
    });
    if (!a.Success) this.fail('Cancel', a);
    const st = a.Status ?? '';
    return {
      // No refund id at T-Bank: the payment, the amount and our key say which Cancel it was.
      externalId: `${i.externalId}/${i.amount}/${i.idempotenceKey}`,
      status: ['REFUNDED', 'PARTIAL_REFUNDED', 'REVERSED', 'PARTIAL_REVERSED', 'CANCELED'].includes(st)
        ? 'succeeded'
        : st === 'REFUNDING' || st === 'REVERSING'
          ? 'pending'
          : 'canceled',
      amount: i.amount,
      cancelReason: null,
    };
  }

  /** T-Bank has no refund object to read: the same Cancel (same ExternalRequestId) answers its state. */
  async getRefund(externalId: string): Promise<ProviderRefund> {
    const [paymentId, amount, key] = splitRefundId(externalId);
    // Amount is always sent: a Cancel without it would refund the whole payment if the first never arrived.
    const a = await this.call('Cancel', { PaymentId: paymentId, Amount: amount, ExternalRequestId: key });
    if (!a.Success) this.fail('Cancel', a);
    const st = a.Status ?? '';
    return {
      externalId,
      status:
        st === 'REFUNDING'
          ? 'pending'
          : FAILED.has(st) && st !== 'REVERSED' && st !== 'CANCELED'
            ? 'canceled'
            : 'succeeded',
      amount,
    };
  }

  async findRefund(i: {
    paymentExternalId: string;
    refundId: number;
    createdAt: Date;
    amount?: number;
    idempotenceKey?: string;
  }): Promise<ProviderRefund | null> {
    if (!i.idempotenceKey || i.amount === undefined) return null;
    return this.getRefund(`${i.paymentExternalId}/${i.amount}/${i.idempotenceKey}`);
  }
}

function splitRefundId(id: string): [string, number, string] {
  const [paymentId, amount, ...key] = id.split('/');
  return [paymentId ?? '', Number(amount), key.join('/')];
}

/** Our payment id back from an OrderId `<installation>-payment-<id>` (null for others). */
function orderPaymentId(orderId: string | undefined): number | null {
  const m = /payment-(\d+)$/.exec(orderId ?? '');
  return m ? Number(m[1]) : null;
}
