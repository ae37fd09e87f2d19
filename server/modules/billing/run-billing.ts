import { asc, eq, sql } from 'drizzle-orm';

import { addDays, daysBetween, isValidDay, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { regions } from '../../db/schema/index.js';
import { withRegionRunner } from './region-runner.js';
import { type DayResult, runBillingDay } from './run-billing-day.js';

/** Catch-up never runs more than this many days in one call (a guard against a wrong clock). */
export const MAX_CATCH_UP_DAYS = 400;

export interface BillingRunSummary {
  date: string;
  /** Days actually run (region-days), in order. */
  days: { regionId: number; day: string; charged: number; amount: number; blocked: number; skipped: boolean }[];
  charged: number;
  amount_kopecks: number;
  blocked: number;
}

/**
 * Brings every region's billing up to `until` (default: each region's today). Per region, as its one
 * runner (withRegionRunner: another runner of the region, in any process, waits for this one and then
 * finds the days done), the days are run strictly in order: first a day a dead runner left unfinished,
 * then every day after the last completed one up to `until`; a region's first run runs just `until`.
 * A day that is in the future in a region's time zone is refused.
 */
export async function runBilling(
  db: Db,
  opts: { until?: string; regionId?: number; now?: Date; batchSize?: number; waitSeconds?: number } = {},
): Promise<BillingRunSummary> {
  if (opts.until !== undefined && !isValidDay(opts.until)) throw new AppError('bad_date', { value: opts.until });
  const list = await db
    .select()
    .from(regions)
    .where(opts.regionId ? eq(regions.id, opts.regionId) : undefined)
    .orderBy(asc(regions.id));
  if (opts.regionId && list.length === 0) throw new AppError('region_not_found');

  const summary: BillingRunSummary = {
    date: opts.until ?? todayIn('UTC', opts.now),
    days: [],
    charged: 0,
    amount_kopecks: 0,
    blocked: 0,
  };
  for (const region of list) {
    const today = todayIn(region.timeZone, opts.now);
    const until = opts.until ?? today;
    if (daysBetween(today, until) > 0) throw new AppError('billing_future_date', { date: until });
    if (!opts.until && (list.indexOf(region) === 0 || until > summary.date)) summary.date = until;

    const days = await withRegionRunner(db, region.id, { waitSeconds: opts.waitSeconds }, (rdb) =>
      runRegion(rdb, region.id, until, opts.batchSize),
    );
    for (const r of days) {
      summary.days.push(r);
      summary.charged += r.charged;
      summary.amount_kopecks += r.amount;
      summary.blocked += r.blocked;
    }
  }
  return summary;
}

/** The region's days from the first unfinished one up to `until`, in order (the runner lock is held). */
async function runRegion(db: Db, regionId: number, until: string, batchSize?: number): Promise<DayResult[]> {
  const [state] = await queryRows<{ last_done: string | null; first_open: string | null }>(
    db,
    sql`select max(day) filter (where state = 'done')::text as last_done,
               min(day) filter (where state <> 'done')::text as first_open
        from billing_days where region_id = ${regionId}`,
  );
  // A day a dead runner left unfinished comes first, even when it is after `until` (it was started).
  const from = state?.first_open ?? (state?.last_done ? addDays(state.last_done, 1) : until);
  const to = state?.first_open && state.first_open > until ? state.first_open : until;
  if (daysBetween(from, to) >= MAX_CATCH_UP_DAYS) {
    throw new AppError('billing_catch_up_too_long', { from, until: to, max: MAX_CATCH_UP_DAYS });
  }
  const out: DayResult[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    out.push(await runBillingDay(db, { regionId, day, batchSize }));
  }
  return out;
}
