import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { applyTariffChanges } from './apply-tariff-changes.js';
import { type BatchTotals, chargeBatch } from './charge-batch.js';
import { lowBalanceEvents } from './warn-low-balance.js';

/** Accounts per charging statement: big enough to amortise per-statement cost, small enough for short locks. */
export const BATCH_ACCOUNTS = 100_000;

export interface DayResult extends BatchTotals {
  regionId: number;
  day: string;
  /** True when the day was already done: nothing was done here. */
  skipped: boolean;
}

/**
 * Runs one region's billing for one calendar day. Call it only as the region's runner
 * (withRegionRunner): days are charged strictly in order, so the day is started only when the day
 * before it is done (or the region has no days yet), and a day left `running` by a runner that died
 * is resumed here, batch by batch, before anything later. Each batch is one atomic statement and
 * charges are unique per (subscription, day), so resuming charges nothing twice; the low-balance
 * warnings and the `done` mark are one statement, so they happen once.
 */
export async function runBillingDay(
  db: Db,
  opts: { regionId: number; day: string; batchSize?: number },
): Promise<DayResult> {
  const { regionId, day } = opts;
  const [s] = await queryRows<{ state: string | null; any_day: boolean; prev_done: boolean; blocking: boolean }>(
    db,
    sql`select (select state from billing_days where region_id = ${regionId} and day = ${day}::date) as state,
               exists (select 1 from billing_days where region_id = ${regionId}) as any_day,
               exists (select 1 from billing_days where region_id = ${regionId} and day = ${addDays(day, -1)}::date
                         and state = 'done') as prev_done,
               exists (select 1 from billing_days where region_id = ${regionId}
                         and (day > ${day}::date or (day < ${day}::date and state <> 'done'))) as blocking`,
  );
  if (s?.state === 'done') return { regionId, day, skipped: true, charged: 0, amount: 0, blocked: 0 };
  if (s?.state !== 'running') {
    // Never start a day before the one before it is done, nor a day earlier than one already started.
    if (s?.blocking || (s?.any_day && !s.prev_done))
      throw new AppError('billing_out_of_order', { day, region: regionId });
    await db.execute(
      sql`insert into billing_days (region_id, day, state) values (${regionId}, ${day}::date, 'running') on conflict do nothing`,
    );
  }

  await applyTariffChanges(db, { regionId, day });

  const [range] = await queryRows<{ lo: number | null; hi: number | null }>(
    db,
    sql`select min(id) as lo, max(id) as hi from accounts where region_id = ${regionId}`,
  );
  const totals: BatchTotals = { charged: 0, amount: 0, blocked: 0 };
  const size = opts.batchSize ?? BATCH_ACCOUNTS;
  if (range?.lo != null && range.hi != null) {
    for (let from = range.lo; from <= range.hi; from += size) {
      const t = await chargeBatch(db, { regionId, day, fromId: from, toId: Math.min(from + size - 1, range.hi) });
      totals.charged += t.charged;
      totals.amount += t.amount;
      totals.blocked += t.blocked;
    }
  }
  await db.execute(
    sql`with warn as (${lowBalanceEvents({ regionId, day })})
        update billing_days set state = 'done', finished_at = now()
        where region_id = ${regionId} and day = ${day}::date and state = 'running'`,
  );
  return { regionId, day, skipped: false, ...totals };
}
