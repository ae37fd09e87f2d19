import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS, parseRubles } from '../../../common/money.js';

/** API amounts: a number is integer kopecks, a string is rubles; fractions of a kopeck are refused, never rounded. */
export function parseAmount(v: number | string): number {
  const k = typeof v === 'number' ? v : parseRubles(v);
  if (k === null || !Number.isSafeInteger(k) || k <= 0 || k > MAX_PAYMENT_KOPECKS) {
    throw new AppError('bad_amount', { max: (MAX_PAYMENT_KOPECKS / 100).toLocaleString('ru-RU') });
  }
  return k;
}
