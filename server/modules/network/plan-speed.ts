import type { SpeedWindow } from '../../db/schema/index.js';

/**
 * The speed in force (docs/network.md, "Plans on the network"): a plan's speed window (night, turbo
 * hours) in the region's local time, else the plan's own speed. A window from 23:00 to 07:00 runs past
 * midnight; its `days` are the days it starts on.
 */
export function speedAt(
  plan: { downKbps: number; upKbps: number; windows: readonly SpeedWindow[] | undefined; timeZone: string },
  at: Date,
): { downKbps: number; upKbps: number } {
  if (!plan.windows?.length) return { downKbps: plan.downKbps, upKbps: plan.upKbps };
  const { minute, weekday } = localClock(plan.timeZone, at);
  for (const w of plan.windows) {
    if (inWindow(w, minute, weekday)) return { downKbps: w.downKbps, upKbps: w.upKbps };
  }
  return { downKbps: plan.downKbps, upKbps: plan.upKbps };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function inWindow(w: SpeedWindow, minute: number, weekday: number): boolean {
  const from = toMinutes(w.from);
  const to = toMinutes(w.to);
  if (from === to) return false;
  if (from < to) return minute >= from && minute < to && (!w.days || w.days.includes(weekday));
  // Past midnight: before `to` it is the morning after the day it started.
  if (minute >= from) return !w.days || w.days.includes(weekday);
  if (minute < to) return !w.days || w.days.includes(weekday === 1 ? 7 : weekday - 1);
  return false;
}

const clocks = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Minutes since local midnight and the ISO weekday in `timeZone`. */
export function localClock(timeZone: string, at: Date): { minute: number; weekday: number } {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    clocks.set(timeZone, f);
  }
  let hour = 0;
  let minute = 0;
  let weekday = 1;
  for (const p of f.formatToParts(at)) {
    if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
    else if (p.type === 'weekday') weekday = WEEKDAYS[p.value] ?? 1;
  }
  return { minute: hour * 60 + minute, weekday };
}
