import { describe, expect, it } from 'vitest';

import { addDays } from './dates.js';
import { freeDaysAt, planFreeDays, SUSPENSION_DEFAULTS, suspensionCost } from './suspension-rules.js';

const rules = SUSPENSION_DEFAULTS;

describe('suspension free days', () => {
  it('gives 60 free days across several applications, then charges the daily fee', () => {
    const plan = planFreeDays(
      [
        { startsOn: '2026-01-10', lastDay: '2026-02-08', freeDays: null }, // 30 days
        { startsOn: '2026-04-01', lastDay: '2026-04-20', freeDays: null }, // 20 days
        { startsOn: '2026-07-01', lastDay: '2026-07-20', freeDays: null }, // 20 days: 10 free, 10 paid
      ],
      rules,
    );
    expect(plan.map((p) => p.freeDays)).toEqual([30, 20, 10]);
    expect(suspensionCost({ startsOn: '2026-07-01', endsOn: '2026-07-20', freeDays: 10, dailyFee: 300 })).toEqual({
      days: 20,
      freeDays: 10,
      paidDays: 10,
      paidFrom: '2026-07-11',
      cost: 3_000,
    });
  });

  it('frees the allowance as old free days leave the 365-day window', () => {
    const first = { period: { startsOn: '2026-01-01', lastDay: '2026-03-01', freeDays: 60 }, freeDays: 60 };
    // 364 days after the first day, all 60 free days are still inside the window.
    expect(freeDaysAt([first], addDays('2026-01-01', 364), rules)).toBe(0);
    // One day later the first free day has left it.
    expect(freeDaysAt([first], addDays('2026-01-01', 365), rules)).toBe(1);
    expect(freeDaysAt([first], '2027-03-02', rules)).toBe(60);
  });

  it('counts only the days a suspension ended early actually used', () => {
    const plan = planFreeDays(
      [
        { startsOn: '2026-05-01', lastDay: '2026-05-10', freeDays: 45 }, // planned 45 free, ended after 10
        { startsOn: '2026-06-01', lastDay: '2026-07-30', freeDays: null },
      ],
      rules,
    );
    expect(plan[1]!.freeDays).toBe(50);
  });

  it('paid days do not use the allowance', () => {
    const plan = planFreeDays(
      [
        { startsOn: '2026-01-01', lastDay: '2026-03-31', freeDays: null }, // 90 days: 60 free, 30 paid
        // Its window (2026-03-01 … 2027-02-27) holds one free day (03-01) and the 30 paid days.
        { startsOn: '2027-02-28', lastDay: '2027-05-08', freeDays: null },
      ],
      rules,
    );
    expect(plan.map((p) => p.freeDays)).toEqual([60, 59]);
  });

  it('never lets any 365 consecutive days hold more than 60 free days', () => {
    // A dense history of applications: check every window by brute force.
    const periods = [];
    let d = '2026-01-01';
    for (let i = 0; i < 12; i++) {
      const len = 5 + ((i * 17) % 40);
      periods.push({ startsOn: d, lastDay: addDays(d, len - 1), freeDays: null });
      d = addDays(d, len + 10 + ((i * 7) % 30));
    }
    const plan = planFreeDays(periods, rules);
    const free = new Set<string>();
    for (const p of plan) for (let k = 0; k < p.freeDays; k++) free.add(addDays(p.period.startsOn, k));
    for (let s = '2025-01-01'; s < d; s = addDays(s, 1)) {
      let n = 0;
      for (let k = 0; k < 365; k++) if (free.has(addDays(s, k))) n++;
      expect(n).toBeLessThanOrEqual(60);
    }
    expect(free.size).toBeGreaterThan(60);
  });
});
