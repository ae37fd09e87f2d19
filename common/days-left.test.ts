import { describe, expect, it } from 'vitest';

import { dailyCharge, daysLeft } from './days-left.js';

describe('days left', () => {
  it('counts whole days the money covers, charged at the start of each day', () => {
    // 600 ₽/month in a 30-day month: 20 ₽ a day.
    expect(daysLeft({ money: 6_000, monthlyFees: [60_000], today: '2026-11-01' })).toBe(3);
    expect(daysLeft({ money: 5_999, monthlyFees: [60_000], today: '2026-11-01' })).toBe(2);
    expect(daysLeft({ money: 0, monthlyFees: [60_000], today: '2026-11-01' })).toBe(0);
    expect(daysLeft({ money: -100, monthlyFees: [60_000], today: '2026-11-01' })).toBe(0);
  });
  it('follows month lengths and caps at a year', () => {
    expect(daysLeft({ money: 60_000, monthlyFees: [60_000], today: '2026-10-31' })).toBe(30); // all of November
    expect(daysLeft({ money: 10_000_000, monthlyFees: [100], today: '2026-01-01' })).toBe(365);
    expect(daysLeft({ money: 100, monthlyFees: [], today: '2026-01-01' })).toBeNull();
  });
  it('sums the shares of several fees', () => {
    expect(dailyCharge([60_000, 15_000], '2026-11-05')).toBe(2_000 + 500);
  });
});
