/**
 * Why a payment was declined, in YooKassa's vocabulary (`cancellation_details.reason`, "Неуспешные
 * платежи": https://yookassa.ru/developers/payment-acceptance/after-the-payment/declined-payments), and
 * what each means for a charge of a saved card without the payer (autopay). Other acquirers' codes are
 * mapped onto these (T-Bank: server/integrations/acquiring/tbank-errors.ts). docs/payments.md, "Declines".
 *
 * - `retry`: YooKassa tells to try again later (money may come, the bank may come back, the limit resets
 *   next day, a timeout on its side): the charge is repeated on the retry schedule, no sooner than
 *   `retryAfterHours`.
 * - `relink`: the saved card cannot be charged without the payer any more (permission revoked, card
 *   expired, fraud suspected, card blocked, 3-D Secure needed, wrong data…): autopay stops, the card is
 *   forgotten and the subscriber is asked to pay once with "save card" to link one again.
 * - `contact_bank`: declined for a reason only the payer's bank can tell ("call issuer", "general
 *   decline"): autopay stops, the card stays, the subscriber is asked to call the bank and turn it on again.
 */
export const DECLINE_REASONS = [
  '3d_secure_failed',
  'call_issuer',
  'canceled_by_merchant',
  'card_expired',
  'country_forbidden',
  'deal_expired',
  'expired_on_capture',
  'expired_on_confirmation',
  'fraud_suspected',
  'general_decline',
  'identification_required',
  'insufficient_funds',
  'internal_timeout',
  'invalid_card_number',
  'invalid_csc',
  'issuer_unavailable',
  'payment_method_limit_exceeded',
  'payment_method_restricted',
  'permission_revoked',
  'unsupported_mobile_operator',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export type DeclineAction = 'retry' | 'relink' | 'contact_bank';

export interface DeclineRule {
  action: DeclineAction;
  /** retry: not before this many hours (YooKassa: "повторить оплату на следующий день" → 24). */
  retryAfterHours?: number;
  ru: string;
  en: string;
}

export const DECLINE_RULES: Record<DeclineReason, DeclineRule> = {
  '3d_secure_failed': {
    action: 'relink',
    ru: 'банк потребовал подтверждения по 3-D Secure, а без вас его не пройти',
    en: 'the bank asked for 3-D Secure confirmation, which cannot be done without you',
  },
  call_issuer: {
    action: 'contact_bank',
    ru: 'банк отклонил списание без объяснения причин — позвоните в банк, выпустивший карту',
    en: 'the bank declined the charge without giving a reason: please call the bank that issued the card',
  },
  canceled_by_merchant: { action: 'retry', ru: 'платёж отменён', en: 'the payment was canceled' },
  card_expired: { action: 'relink', ru: 'истёк срок действия карты', en: 'the card has expired' },
  country_forbidden: {
    action: 'relink',
    ru: 'карты банков этой страны не принимаются',
    en: 'cards issued in this country are not accepted',
  },
  deal_expired: { action: 'retry', ru: 'истёк срок платежа', en: 'the payment expired' },
  expired_on_capture: { action: 'retry', ru: 'истёк срок платежа', en: 'the payment expired' },
  expired_on_confirmation: {
    action: 'relink',
    ru: 'платёж не подтверждён вовремя',
    en: 'the payment was not confirmed in time',
  },
  fraud_suspected: {
    action: 'relink',
    ru: 'платёж заблокирован из-за подозрения в мошенничестве',
    en: 'the payment was blocked as suspected fraud',
  },
  general_decline: {
    action: 'contact_bank',
    ru: 'банк отклонил списание — узнайте причину в банке, выпустившем карту',
    en: 'the bank declined the charge: the bank that issued the card can tell why',
  },
  identification_required: {
    action: 'relink',
    ru: 'превышены ограничения кошелька без идентификации',
    en: 'the limits of an unidentified wallet were exceeded',
  },
  insufficient_funds: {
    action: 'retry',
    ru: 'на карте не хватило денег',
    en: 'there was not enough money on the card',
  },
  internal_timeout: {
    action: 'retry',
    ru: 'технический сбой у платёжного сервиса',
    en: 'a technical fault at the payment service',
  },
  invalid_card_number: { action: 'relink', ru: 'неверный номер карты', en: 'the card number is wrong' },
  invalid_csc: { action: 'relink', ru: 'неверный код CVC', en: 'the CVC code is wrong' },
  issuer_unavailable: {
    action: 'retry',
    ru: 'банк, выпустивший карту, временно недоступен',
    en: 'the bank that issued the card is unavailable for now',
  },
  payment_method_limit_exceeded: {
    action: 'retry',
    retryAfterHours: 24,
    ru: 'исчерпан лимит платежей по карте',
    en: 'the card’s payment limit is used up',
  },
  payment_method_restricted: {
    action: 'relink',
    ru: 'операции по карте запрещены (например, карта заблокирована)',
    en: 'the card may not be used (for example, it is blocked)',
  },
  permission_revoked: {
    action: 'relink',
    ru: 'вы отозвали разрешение на списания без подтверждения',
    en: 'you revoked the permission to charge the card without confirmation',
  },
  unsupported_mobile_operator: {
    action: 'relink',
    ru: 'оплата с номера этого оператора невозможна',
    en: 'payments from this mobile operator are not supported',
  },
};

export function isDeclineReason(v: unknown): v is DeclineReason {
  return typeof v === 'string' && (DECLINE_REASONS as readonly string[]).includes(v);
}

/** The rule for a decline; an unknown or missing reason is treated as a passing one (retry on schedule). */
export function declineRule(reason: string | null | undefined): DeclineRule & { reason: DeclineReason | null } {
  if (isDeclineReason(reason)) return { ...DECLINE_RULES[reason], reason };
  return { action: 'retry', ru: 'банк отклонил списание', en: 'the bank declined the charge', reason: null };
}
