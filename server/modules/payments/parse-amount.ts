import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS, parseRubles } from '../../../common/money.js';
import { validatePaymentAmount } from '../ledger/credit-payment.js';

/** API amounts: a number is integer kopecks, a string is rubles; fractions of a kopeck are refused, never rounded. */
export function parseAmount(v: number | string): number {
  const k = typeof v === 'number' ? v : parseRubles(v);
  if (k === null) throw new AppError('bad_amount', { max: (MAX_PAYMENT_KOPECKS / 100).toLocaleString('ru-RU') });
  validatePaymentAmount(k);
  return k;
}
