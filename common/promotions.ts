import { addDays, addMonths } from './dates.js';
import { percentOf } from './money.js';

/**
 * A tariff plan's monthly fee under a promotion discount: the discount is `percent` of the fee rounded
 * half-up to a kopeck, so 50 % of 599,99 ₽ takes 300,00 ₽ off. The daily run splits the discounted fee
 * into days by the usual rule, so a whole discounted month sums to it exactly. The same arithmetic is
 * in the charge statement (SQL); this is the reference its tests hold it to.
 */
export function discountedFee(monthlyFee: number, percent: number): number {
  if (!Number.isSafeInteger(monthlyFee) || monthlyFee < 0) throw new RangeError(`bad fee ${monthlyFee}`);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`bad percent ${percent}`);
  return monthlyFee - percentOf(monthlyFee, percent);
}

/** An effect that lasts `months` from `from`: its last day (inclusive). */
export function effectLastDay(from: string, months: number): string {
  return addDays(addMonths(from, months), -1);
}
