import { describe, expect, it } from 'vitest';

import { addDays, isValidDay, todayIn } from './dates.js';
import { dailyShare, daysInMonth, kopecksToDecimal, parseRubles, percentOf } from './money.js';
import { amountForMonths, prepayBonus } from './prepay.js';

describe('dailyShare', () => {
  it.each([28, 29, 30, 31])('sums to the monthly fee exactly over a %i-day month for many fees', (n) => {
    for (const fee of [0, 1, 99, 29_999, 59_999, 60_000, 123_457, 99_999_999]) {
      let sum = 0;
      for (let d = 1; d <= n; d++) sum += dailyShare(fee, d, n);
      expect(sum).toBe(fee);
    }
  });
  it('spreads the remainder so days differ by at most one kopeck', () => {
    const shares = Array.from({ length: 31 }, (_, i) => dailyShare(100, i + 1, 31));
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
  });
  it('knows month lengths including leap February', () => {
    expect([daysInMonth(2026, 2), daysInMonth(2028, 2), daysInMonth(2026, 11), daysInMonth(2026, 12)]).toEqual([
      28, 29, 30, 31,
    ]);
  });
});

describe('parseRubles', () => {
  it('parses decimal ruble strings exactly', () => {
    expect(parseRubles('1500')).toBe(150_000);
    expect(parseRubles('1500.5')).toBe(150_050);
    expect(parseRubles('1 500,05')).toBe(150_005);
    expect(parseRubles('0.01')).toBe(1);
    expect(parseRubles('19.99')).toBe(1_999); // 19.99*100 in floats is 1998.9999…
  });
  it('refuses fractions of a kopeck and garbage', () => {
    for (const bad of ['1.005', 'abc', '', '1e3', '12.', '.5', '1,2,3', 'NaN']) expect(parseRubles(bad)).toBeNull();
  });
  it('formats kopecks as exact decimals', () => {
    expect(kopecksToDecimal(150_005)).toBe('1500.05');
    expect(kopecksToDecimal(-7)).toBe('-0.07');
  });
});

describe('prepay bonus', () => {
  const fee = 60_000;
  it('gives 5/10/15 % for 3/6/12 months', () => {
    expect(prepayBonus({ amount: 3 * fee, monthlyFee: fee, balanceBefore: 0 })).toEqual({
      months: 3,
      percent: 5,
      bonus: 9_000,
    });
    expect(prepayBonus({ amount: 6 * fee, monthlyFee: fee, balanceBefore: 0 })?.bonus).toBe(36_000);
    expect(prepayBonus({ amount: 12 * fee + 5, monthlyFee: fee, balanceBefore: 0 })?.bonus).toBe(108_000);
  });
  it('gives nothing below three months, or when the payment only covers debt', () => {
    expect(prepayBonus({ amount: 3 * fee - 1, monthlyFee: fee, balanceBefore: 0 })).toBeNull();
    expect(prepayBonus({ amount: 3 * fee, monthlyFee: fee, balanceBefore: -1 })).toBeNull();
    expect(
      prepayBonus({ amount: amountForMonths(3, fee, -5_000), monthlyFee: fee, balanceBefore: -5_000 })?.months,
    ).toBe(3);
  });
  it('honours per-region tiers', () => {
    expect(
      prepayBonus({ amount: 2 * fee, monthlyFee: fee, balanceBefore: 0, tiers: [{ months: 2, percent: 3 }] })?.bonus,
    ).toBe(3_600);
  });
  it('rounds percentages half-up to whole kopecks', () => {
    expect(percentOf(10, 5)).toBe(1); // 0.5 → 1
    expect(percentOf(9, 5)).toBe(0); // 0.45 → 0
  });
});

describe('calendar days', () => {
  it('validates and steps days across month ends', () => {
    expect(isValidDay('2028-02-29')).toBe(true);
    expect(isValidDay('2026-02-29')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('takes today in the region time zone', () => {
    const t = new Date('2026-11-25T21:30:00Z');
    expect(todayIn('Europe/Moscow', t)).toBe('2026-11-26');
    expect(todayIn('Europe/Kaliningrad', t)).toBe('2026-11-25');
  });
});
