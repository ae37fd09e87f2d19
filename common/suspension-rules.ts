import { addDays, daysBetween } from './dates.js';

/** Voluntary suspension rules (PRODUCT.md defaults; per region in `regions.settings.suspension`). */
export interface SuspensionRules {
  autoApprove: boolean;
  /** Kopecks per suspended day beyond the free days. */
  dailyFee: number;
  /** At most this many free days within any `windowDays` consecutive days. */
  freeDays: number;
  windowDays: number;
  minDays: number;
  maxDays: number;
}

export const SUSPENSION_DEFAULTS: SuspensionRules = {
  autoApprove: false,
  dailyFee: 300,
  freeDays: 60,
  windowDays: 365,
  minDays: 1,
  maxDays: 90,
};

/** How far ahead an application may start (days after today). */
export const SUSPENSION_MAX_AHEAD_DAYS = 180;

export function suspensionRules(settings: Partial<SuspensionRules> | undefined): SuspensionRules {
  return { ...SUSPENSION_DEFAULTS, ...(settings ?? {}) };
}

/** A suspension period as the rules see it: first and last day (inclusive), free days once fixed. */
export interface SuspensionPeriod {
  startsOn: string;
  /** The last day it runs (the planned end, or the day it was ended early). */
  lastDay: string;
  /** Fixed when it started; null for one still to come (projected by the same rule). */
  freeDays: number | null;
}

/** Number of days of [from, to] (inclusive), 0 when empty. */
export function daysIn(from: string, to: string): number {
  return Math.max(0, daysBetween(from, to) + 1);
}

/** The free days a period actually used: its first `freeDays` days that it ran. */
function freeSpan(p: SuspensionPeriod, freeDays: number): { from: string; to: string } | null {
  if (freeDays <= 0) return null;
  const to = addDays(p.startsOn, freeDays - 1);
  return { from: p.startsOn, to: to < p.lastDay ? to : p.lastDay };
}

/**
 * Free days a suspension starting on `startsOn` gets: the allowance minus the free days used in the
 * `windowDays − 1` days before it. Together with its own first day that is a window of `windowDays`,
 * and since a suspension's free days are its first ones, no `windowDays` consecutive days ever hold more
 * than `freeDays` free days (docs/suspension.md proves it). `earlier` must be the account's suspensions
 * that start before this one, with their own free days (see planFreeDays for ones not yet started).
 */
export function freeDaysAt(
  earlier: { period: SuspensionPeriod; freeDays: number }[],
  startsOn: string,
  rules: Pick<SuspensionRules, 'freeDays' | 'windowDays'>,
): number {
  const windowFrom = addDays(startsOn, -(rules.windowDays - 1));
  const windowTo = addDays(startsOn, -1);
  let used = 0;
  for (const e of earlier) {
    const span = freeSpan(e.period, e.freeDays);
    if (!span) continue;
    const from = span.from > windowFrom ? span.from : windowFrom;
    const to = span.to < windowTo ? span.to : windowTo;
    used += daysIn(from, to);
  }
  return Math.max(0, rules.freeDays - used);
}

/**
 * Free days of each period in order of start: a started one keeps its fixed number, one still to come
 * is projected from those before it (so a preview counts applications already approved or waiting).
 */
export function planFreeDays(
  periods: SuspensionPeriod[],
  rules: Pick<SuspensionRules, 'freeDays' | 'windowDays'>,
): { period: SuspensionPeriod; freeDays: number }[] {
  const sorted = [...periods].sort((a, b) => (a.startsOn < b.startsOn ? -1 : a.startsOn > b.startsOn ? 1 : 0));
  const out: { period: SuspensionPeriod; freeDays: number }[] = [];
  for (const p of sorted) {
    const free = p.freeDays ?? freeDaysAt(out, p.startsOn, rules);
    out.push({ period: p, freeDays: Math.min(free, daysIn(p.startsOn, p.lastDay)) });
  }
  return out;
}

/** What a suspension of [startsOn, endsOn] costs given its free days. */
export function suspensionCost(opts: { startsOn: string; endsOn: string; freeDays: number; dailyFee: number }) {
  const days = daysIn(opts.startsOn, opts.endsOn);
  const free = Math.min(days, Math.max(0, opts.freeDays));
  const paid = days - free;
  return {
    days,
    freeDays: free,
    paidDays: paid,
    /** The first paid day, or null when all days are free. */
    paidFrom: paid > 0 ? addDays(opts.startsOn, free) : null,
    cost: paid * opts.dailyFee,
  };
}

/** Two inclusive periods share at least one day. */
export function periodsOverlap(a: { startsOn: string; lastDay: string }, b: { startsOn: string; lastDay: string }) {
  return a.startsOn <= b.lastDay && b.startsOn <= a.lastDay;
}
