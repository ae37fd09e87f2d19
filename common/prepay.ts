/**
 * Prepay discount: paying several months of the fee at once gives a percentage back as a bonus.
 * Rule (docs/billing.md): the part of the payment that prepays future service is the amount minus any
 * current debt; the highest tier whose months × monthly fee fits in it applies; the bonus is that
 * tier's percent of months × monthly fee (not of the whole payment), rounded half-up to a kopeck.
 */
import { percentOf } from './money.js';

export interface PrepayTier {
  months: number;
  percent: number;
}

export const DEFAULT_PREPAY_TIERS: PrepayTier[] = [
  { months: 3, percent: 5 },
  { months: 6, percent: 10 },
  { months: 12, percent: 15 },
];

export interface PrepayBonus {
  months: number;
  percent: number;
  bonus: number;
}

export function prepayBonus(opts: {
  amount: number;
  /** Sum of the account's monthly fees (tariff + services). */
  monthlyFee: number;
  /** Balance before the payment; a negative balance is debt that the payment covers first. */
  balanceBefore: number;
  tiers?: PrepayTier[];
}): PrepayBonus | null {
  const { amount, monthlyFee, balanceBefore } = opts;
  if (amount <= 0 || monthlyFee <= 0) return null;
  const prepaid = amount + Math.min(balanceBefore, 0);
  const tiers = [...(opts.tiers ?? DEFAULT_PREPAY_TIERS)].sort((a, b) => b.months - a.months);
  const tier = tiers.find((t) => t.months > 0 && prepaid >= t.months * monthlyFee);
  if (!tier) return null;
  return { months: tier.months, percent: tier.percent, bonus: percentOf(tier.months * monthlyFee, tier.percent) };
}

/**
 * The amount to pay for N months: N × fee plus any debt. A positive balance is not subtracted, since
 * the bonus is earned by the payment itself (otherwise one kopeck on a rich balance would earn it).
 */
export function amountForMonths(months: number, monthlyFee: number, balance: number): number {
  return months * monthlyFee + Math.max(0, -balance);
}
