/**
 * What Abonent needs from a card acquirer. Every POST carries an idempotence key so a repeated request
 * never creates a second payment or refund at the provider. Notifications are never trusted as such:
 * the webhook only says "look at payment X", and the status comes from `getPayment`.
 *
 * Errors say what the caller may do next (docs/payments.md, "Provider answers"):
 * - ProviderUnknownError: the answer does not decide the operation — HTTP 5xx, a timeout, a broken
 *   connection, HTTP 202 "still processing", or 401/429 (not done now). It may have happened. Repeat
 *   with the same key while the key lives, or look the object up; never start it again with a new key.
 * - ProviderRefusedError: a 4xx that says it did not happen and the same request never will.
 */
export type ProviderName = 'test_acquirer' | 'yookassa' | 'tbank';
export const PROVIDER_NAMES: readonly ProviderName[] = ['test_acquirer', 'yookassa', 'tbank'];

/** How the payer pays: a bank card on the provider's page, or SBP (the Faster Payments System) in a bank app. */
export type PayMethod = 'card' | 'sbp';

export class ProviderUnknownError extends Error {
  constructor(
    message: string,
    /** HTTP 202: the provider's advice when to ask again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class ProviderRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ProviderPayment {
  externalId: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: number;
  /** Set when the payer agreed to save the card and the provider saved it. */
  savedMethod?: { ref: string; title: string } | null;
  confirmationUrl?: string | null;
  /** SBP on a desktop: what the QR code carries (the NSPK payment link the payer's bank app opens). */
  qrData?: string | null;
  /** Our payment id as we put it in the provider's metadata (how a lost answer is found again). */
  paymentId?: number | null;
  /** Why the provider canceled it (for the record). */
  cancelReason?: string | null;
  /** Why it was declined, in YooKassa's vocabulary (common/decline-reasons.ts); null when not said. */
  declineReason?: string | null;
}

export interface ProviderRefund {
  externalId: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: number;
  cancelReason?: string | null;
}

export interface CreatePaymentInput {
  amount: number;
  description: string;
  returnUrl: string;
  savePaymentMethod: boolean;
  /** Default card. */
  method?: PayMethod;
  /** SBP: a QR code to scan from another device (desktop), or a redirect to the bank app (phone). */
  confirmation?: 'redirect' | 'qr';
  idempotenceKey: string;
  /** Our payment id, stored in the provider's metadata for reconciliation. */
  paymentId: number;
  /** The account paying (a provider that keeps saved cards per customer names it: T-Bank CustomerKey). */
  accountId?: number;
}

export interface RefundInput {
  /** The provider's id of the refunded payment. */
  externalId: string;
  amount: number;
  idempotenceKey: string;
  /** Our refund id: put in the refund's description so a lost answer can be found. */
  refundId: number;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Payment methods this provider takes (SBP only where it is implemented and enabled). */
  readonly methods: readonly PayMethod[];
  createPayment(input: CreatePaymentInput): Promise<ProviderPayment>;
  getPayment(externalId: string): Promise<ProviderPayment>;
  /** Charge a saved method without the payer (autopay). */
  chargeSaved(
    input: Omit<CreatePaymentInput, 'returnUrl' | 'savePaymentMethod'> & { methodRef: string },
  ): Promise<ProviderPayment>;
  /**
   * Looks for the provider's payment carrying our payment id, created while we were asking for it
   * (`from`..`to`, the first and last POST): how an answer lost to a timeout is recovered once the
   * idempotence key may have expired. null: there is none.
   */
  findPayment(input: {
    paymentId: number;
    from: Date;
    to: Date;
    /** The key the payment was asked with (T-Bank finds a payment by the OrderId made from it). */
    idempotenceKey?: string;
  }): Promise<ProviderPayment | null>;
  refund(input: RefundInput): Promise<ProviderRefund>;
  getRefund(externalId: string): Promise<ProviderRefund>;
  /** Looks for the refund we asked for (by our refund id) among the payment's refunds. */
  findRefund(input: {
    paymentExternalId: string;
    refundId: number;
    createdAt: Date;
    amount?: number;
    idempotenceKey?: string;
  }): Promise<ProviderRefund | null>;
}

/** YooKassa keeps an Idempotence-Key for 24 hours; after that the same key starts a new operation. */
export const IDEMPOTENCE_KEY_LIFE_MS = 24 * 3600_000;
/** We repeat a POST with its key only this long after the first, to stay clear of the key's end. */
export const REPEAT_WITH_SAME_KEY_MS = 23 * 3600_000;

/** The description of a refund we ask for: names our refund id so a lost answer can be found. */
export const refundDescription = (refundId: number) => `Возврат средств, заявка ${refundId}`;

/** Providers enabled for a region: PAYMENT_PROVIDERS is `a,b` or `msk=yookassa;*=test_acquirer`. */
export function providersForRegion(spec: string, regionCode: string): ProviderName[] {
  const parts = spec
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  let chosen: string | undefined;
  for (const part of parts) {
    const [k, v] = part.includes('=') ? part.split('=', 2) : ['*', part];
    if (k === regionCode) chosen = v;
    else if (k === '*' && chosen === undefined) chosen = v;
  }
  return (chosen ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x): x is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(x));
}
