/**
 * The one per-payment amount rule: every money input (card top-up, agent payment, office payment,
 * refund, correction, autopay settings) is a whole number of kopecks from 1 to MAX_PAYMENT_KOPECKS.
 */
import { AppError } from './errors.js';
import { isPaymentAmount, MAX_PAYMENT_TEXT, parseRubles } from './money.js';

/** Throws `bad_amount` (with the limit in the message) unless `amount` is a valid single payment. */
export function validatePaymentAmount(amount: number): void {
  if (!isPaymentAmount(amount)) throw new AppError('bad_amount', { max: MAX_PAYMENT_TEXT });
}

/**
 * An API amount: a number is integer kopecks, a string is rubles ("1500.50"); fractions of a kopeck are
 * refused, never rounded.
 */
export function parsePaymentAmount(value: number | string): number {
  const kopecks = typeof value === 'number' ? value : parseRubles(value);
  if (kopecks === null) throw new AppError('bad_amount', { max: MAX_PAYMENT_TEXT });
  validatePaymentAmount(kopecks);
  return kopecks;
}
