import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { runServicesDay } from '../services/run-services-day.js';
import { applyTariffChanges } from './apply-tariff-changes.js';
import { type BatchTotals, chargeBatch } from './charge-batch.js';
import { warnLowBalance } from './warn-low-balance.js';

/** Accounts per charging statement: big enough to amortise per-statement cost, small enough for short locks. */
export const BATCH_ACCOUNTS = 100_000;
/** A run that has not finished (or extended its lease) in this time is considered dead and taken over. */
const LEASE_SECONDS = 600;

export interface DayResult extends BatchTotals {
  regionId: number;
  day: string;
  /** True when another process holds or already finished this day: nothing was done here. */
  skipped: boolean;
}

/**
 * Runs one region's billing for one calendar day. The billing_days row is the claim: only the process
 * that inserts it (or takes over a dead one's expired lease) runs the day, so two app servers starting
 * the same run at once charge once. Each batch is its own atomic statement, and charges are unique per
 * (subscription, day), so a run killed half-way is finished by the next one without double charges.
 */
export async function runBillingDay(
  db: Db,
  opts: { regionId: number; day: string; batchSize?: number },
): Promise<DayResult> {
  const { regionId, day } = opts;
  const claimed = await queryRows<{ region_id: number }>(
    db,
    sql`insert into billing_days (region_id, day, state, lease_until)
        values (${regionId}, ${day}::date, 'running', now() + make_interval(secs => ${LEASE_SECONDS}))
        on conflict (region_id, day) do update
          set lease_until = excluded.lease_until, started_at = now()
          where billing_days.state = 'running' and billing_days.lease_until < now()
        returning region_id`,
  );
  if (claimed.length === 0) return { regionId, day, skipped: true, charged: 0, amount: 0, blocked: 0 };

  await applyTariffChanges(db, { regionId, day });
  await runServicesDay(db, { regionId, day });

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
      await db.execute(
        sql`update billing_days set lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
            where region_id = ${regionId} and day = ${day}::date`,
      );
    }
  }
  await warnLowBalance(db, { regionId, day });
  await db.execute(
    sql`update billing_days
        set state = 'done', finished_at = now(), lease_until = null,
            charged = charged + ${totals.charged}, amount = amount + ${totals.amount}, blocked = blocked + ${totals.blocked}
        where region_id = ${regionId} and day = ${day}::date`,
  );
  return { regionId, day, skipped: false, ...totals };
}
