import { asc, eq } from 'drizzle-orm';
import { sql } from 'drizzle-orm';

import { addDays, daysBetween, isValidDay, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { regions } from '../../db/schema/index.js';
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
 * Brings every region's billing up to `until` (default: each region's today). For each region the days
 * after its last completed day are run in order, so a missed night is caught up; the first run of a
 * region runs just `until`. A day that is in the future in a region's time zone is refused.
 */
export async function runBilling(
  db: Db,
  opts: { until?: string; regionId?: number; now?: Date; batchSize?: number } = {},
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

    const [last] = await queryRows<{ day: string | null }>(
      db,
      sql`select max(day)::text as day from billing_days where region_id = ${region.id} and state = 'done'`,
    );
    let from = last?.day ? addDays(last.day, 1) : until;
    // An unfinished (crashed) day before `from` is picked up too: start from the earliest unfinished one.
    const [unfinished] = await queryRows<{ day: string | null }>(
      db,
      sql`select min(day)::text as day from billing_days where region_id = ${region.id} and state = 'running'`,
    );
    if (unfinished?.day && unfinished.day < from) from = unfinished.day;
    if (daysBetween(from, until) >= MAX_CATCH_UP_DAYS) {
      throw new AppError('billing_catch_up_too_long', { from, until, max: MAX_CATCH_UP_DAYS });
    }
    for (let day = from; day <= until; day = addDays(day, 1)) {
      const r: DayResult = await runBillingDay(db, { regionId: region.id, day, batchSize: opts.batchSize });
      summary.days.push(r);
      summary.charged += r.charged;
      summary.amount_kopecks += r.amount;
      summary.blocked += r.blocked;
    }
  }
  return summary;
}
