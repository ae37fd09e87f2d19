import { type SQL, sql } from 'drizzle-orm';

import { dayParts } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import type { Db } from '../../db/client.js';
import { type ChargeTotals, postCharges } from '../ledger/post-charges.js';

export type BatchTotals = ChargeTotals;

/**
 * What is due on `day` for the active accounts of a region whose ids are in [fromId, toId]: one row per
 * subscription in force that day, `(account_id, subscription_id, amount)`. The daily share of a
 * monthly fee M on day d of an N-day month is floor(M·d/N) − floor(M·(d−1)/N), so a full month sums to
 * M exactly. Only active accounts pay: blocked, suspended and terminated ones do not.
 */
export function dueSubscriptions(opts: { regionId: number; day: string; fromId: number; toId: number }): SQL {
  const { year, month, day: d } = dayParts(opts.day);
  const n = daysInMonth(year, month);
  return sql`select s.account_id, s.id as subscription_id,
                    (s.monthly_fee * ${d}) / ${n} - (s.monthly_fee * ${d - 1}) / ${n} as amount
             from accounts a
             join subscriptions s on s.account_id = a.id
             where a.region_id = ${opts.regionId} and a.status = 'active'
               and a.id between ${opts.fromId} and ${opts.toId}
               and s.starts_on <= ${opts.day}::date and (s.ends_on is null or s.ends_on >= ${opts.day}::date)
               and s.monthly_fee > 0`;
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
