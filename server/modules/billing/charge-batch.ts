import { type SQL, sql } from 'drizzle-orm';

import { dayParts } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import type { Db } from '../../db/client.js';
import { type ChargeTotals, postCharges } from '../ledger/post-charges.js';

export type BatchTotals = ChargeTotals;

/**
 * What is due on `day` for the accounts of a region whose ids are in [fromId, toId]: one row per
 * subscription, `(account_id, subscription_id, amount)`. The daily share of a monthly fee M on day d of
 * an N-day month is floor(M·d/N) − floor(M·(d−1)/N), so a full month sums to M exactly.
 * - Active accounts pay every subscription in force that day; a tariff plan under a promotion
 *   discount is charged the share of its discounted fee, M − round(M·p/100) (common/promotions.ts), so
 *   a whole discounted month sums to exactly that.
 * - A voluntarily suspended account pays no subscription fee; past its free days it pays the
 *   suspension's daily fee through the suspension's own subscription row (docs/suspension.md).
 * Blocked and terminated accounts pay nothing.
 * The batch's id range is also stated on subscriptions (`s.account_id between`), so a batch reads only
 * its own accounts' subscriptions instead of probing every subscription of the region.
 */
export function dueSubscriptions(opts: { regionId: number; day: string; fromId: number; toId: number }): SQL {
  const { year, month, day: d } = dayParts(opts.day);
  const n = daysInMonth(year, month);
  return sql`with disc as (
               select x.account_id, max(x.percent) as p from promotion_participations x
               where x.effect = 'discount' and x.effect_from <= ${opts.day}::date and x.effect_to >= ${opts.day}::date
                 and x.account_id between ${opts.fromId} and ${opts.toId}
               group by x.account_id),
             fees as (
               select s.account_id, s.id as subscription_id,
                      case when s.kind = 'tariff' and disc.p is not null
                           then s.monthly_fee - (s.monthly_fee * disc.p + 50) / 100 else s.monthly_fee end as fee
               from accounts a
               join subscriptions s on s.account_id = a.id
               left join disc on disc.account_id = a.id
               where a.region_id = ${opts.regionId} and a.status = 'active'
                 and a.id between ${opts.fromId} and ${opts.toId}
                 and s.account_id between ${opts.fromId} and ${opts.toId}
                 and s.kind in ('tariff', 'service')
                 and s.starts_on <= ${opts.day}::date and (s.ends_on is null or s.ends_on >= ${opts.day}::date)
                 and s.monthly_fee > 0)
             select account_id, subscription_id, (fee * ${d}) / ${n} - (fee * ${d - 1}) / ${n} as amount from fees
             union all
             select a.id, x.subscription_id, x.daily_fee
             from accounts a join suspensions x on x.account_id = a.id and x.status = 'active'
             where a.region_id = ${opts.regionId} and a.status = 'suspended'
               and a.id between ${opts.fromId} and ${opts.toId}
               and x.subscription_id is not null and x.daily_fee > 0
               and x.starts_on <= ${opts.day}::date and coalesce(x.ended_on, x.ends_on) >= ${opts.day}::date
               and ${opts.day}::date >= x.starts_on + x.free_days`;
}

/**
 * Charges one batch of a region's day through the ledger's charge statement (postCharges): charges,
 * balances, blocking and 'blocked' events, and the day's running totals in billing_days — all in one
 * statement, so a run killed between batches leaves whole batches and exact totals behind.
 */
export async function chargeBatch(
  db: Db,
  opts: { regionId: number; day: string; fromId: number; toId: number },
): Promise<BatchTotals> {
  return postCharges(db, {
    day: opts.day,
    due: dueSubscriptions(opts),
    alongside: (t) => [
      sql`update billing_days d set charged = d.charged + t.charged, amount = d.amount + t.amount,
            blocked = d.blocked + t.blocked
          from ${t} t where d.region_id = ${opts.regionId} and d.day = ${opts.day}::date`,
    ],
  });
}
