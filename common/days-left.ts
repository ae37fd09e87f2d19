import { addDays, dayParts } from './dates.js';
import { dailyShare, daysInMonth } from './money.js';

export const DAYS_LEFT_CAP = 365;

/** Warn (cabinet and notices) when money covers this many whole days or fewer; a region may set its own. */
export const LOW_BALANCE_DAYS = 3;

/**
 * "Enough for N days": how many days after `today` the money covers, charging each day's share of
 * every monthly fee at the start of that day, as the billing run does. Money is the balance plus
 * the credit limit and any promised payment. Null when nothing is charged (no fees).
 */
export function daysLeft(opts: { money: number; monthlyFees: number[]; today: string }): number | null {
  const fees = opts.monthlyFees.filter((f) => f > 0);
  if (fees.length === 0) return null;
  let money = opts.money;
  let day = opts.today;
  for (let n = 0; n < DAYS_LEFT_CAP; n++) {
    day = addDays(day, 1);
    const { year, month, day: d } = dayParts(day);
    const N = daysInMonth(year, month);
    const cost = fees.reduce((s, f) => s + dailyShare(f, d, N), 0);
    if (money - cost < 0) return n;
    money -= cost;
  }
  return DAYS_LEFT_CAP;
}

/** The day's total charge for a set of monthly fees. */
export function dailyCharge(monthlyFees: number[], day: string): number {
  const { year, month, day: d } = dayParts(day);
  const N = daysInMonth(year, month);
  return monthlyFees.reduce((s, f) => s + (f > 0 ? dailyShare(f, d, N) : 0), 0);
}
