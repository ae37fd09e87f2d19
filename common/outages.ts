/**
 * Outage rules both the back office and the server use (docs/outages.md).
 */

/** An outage shorter than this suggests no compensation (staff may still give one). */
export const OUTAGE_FREE_HOURS = 2;

/**
 * The days of fee an outage's compensation suggests: nothing under OUTAGE_FREE_HOURS; otherwise one day
 * for every started 24 hours ("каждые начатые сутки"): 3 h → 1, 24 h → 1, 25 h → 2.
 */
export function compensationDays(startsAt: Date | string, endedAt: Date | string): number {
  const ms = new Date(endedAt).getTime() - new Date(startsAt).getTime();
  if (!(ms >= OUTAGE_FREE_HOURS * 3_600_000)) return 0;
  return Math.ceil(ms / 86_400_000);
}

/**
 * Moving the expected end later by at least this tells the subscribers again (once per such move);
 * smaller moves, and any move earlier, only change the banner.
 */
export const OUTAGE_RENOTIFY_MINUTES = 120;

/** Whether changing the expected end from what subscribers were told to `next` sends a new notice. */
export function shouldRenotify(toldEnd: Date | string | null, next: Date | string): boolean {
  if (toldEnd === null) return true;
  return new Date(next).getTime() - new Date(toldEnd).getTime() >= OUTAGE_RENOTIFY_MINUTES * 60_000;
}

/** Compensation days a bulk operation may credit at once. */
export const COMPENSATION_MAX_DAYS = 31;
