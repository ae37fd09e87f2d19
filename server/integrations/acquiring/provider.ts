/**
 * What Abonent needs from a card acquirer. Every call carries an idempotence key so a retried request
 * never creates a second payment at the provider. Notifications are never trusted as such: the
 * webhook only says "look at payment X", and the status comes from `getPayment`.
 */
export type ProviderName = 'test_acquirer' | 'yookassa';

export interface ProviderPayment {
  externalId: string;
  status: 'pending' | 'succeeded' | 'canceled';
  amount: number;
  /** Set when the payer agreed to save the card and the provider saved it. */
  savedMethod?: { ref: string; title: string } | null;
  confirmationUrl?: string | null;
}

export interface CreatePaymentInput {
  amount: number;
  description: string;
  returnUrl: string;
  savePaymentMethod: boolean;
  idempotenceKey: string;
  /** Our payment id, stored in the provider's metadata for reconciliation. */
  paymentId: number;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  createPayment(input: CreatePaymentInput): Promise<ProviderPayment>;
  getPayment(externalId: string): Promise<ProviderPayment>;
  /** Charge a saved method without the payer (autopay). */
  chargeSaved(
    input: Omit<CreatePaymentInput, 'returnUrl' | 'savePaymentMethod'> & { methodRef: string },
  ): Promise<ProviderPayment>;
  refund(input: {
    externalId: string;
    amount: number;
    idempotenceKey: string;
  }): Promise<{ status: 'succeeded' | 'canceled' | 'pending' }>;
}

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
    .filter((x): x is ProviderName => x === 'test_acquirer' || x === 'yookassa');
}
