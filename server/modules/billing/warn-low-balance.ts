import { sql } from 'drizzle-orm';

import { addDays, dayParts } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import type { Db } from '../../db/client.js';

/** Warn while the balance covers this many days or fewer (PRODUCT.md default). */
export const LOW_BALANCE_DAYS = 3;

/**
 * After the day's charge, every active account whose money (balance + credit limit + promised credit)
 * covers at most LOW_BALANCE_DAYS of tomorrow's fee gets one 'low_balance' event for the day; the
 * notifications module turns it into "enough for N days" notices. One statement per region.
 */
export async function warnLowBalance(db: Db, opts: { regionId: number; day: string }): Promise<void> {
  const tomorrow = addDays(opts.day, 1);
  const { year, month, day: d } = dayParts(tomorrow);
  const n = daysInMonth(year, month);
  await db.execute(
    sql`insert into account_events (account_id, kind, data)
        select a.id, 'low_balance',
               jsonb_build_object('day', ${opts.day}::text, 'balance', a.balance,
                                  'daysLeft', (a.balance + a.credit_limit + a.promised_credit) / f.daily)
        from accounts a
        join (select s.account_id,
                     sum((s.monthly_fee * ${d}) / ${n} - (s.monthly_fee * ${d - 1}) / ${n}) as daily
              from subscriptions s
              where s.starts_on <= ${tomorrow}::date and (s.ends_on is null or s.ends_on >= ${tomorrow}::date)
              group by s.account_id) f on f.account_id = a.id
        where a.region_id = ${opts.regionId} and a.status = 'active' and f.daily > 0
          and a.balance + a.credit_limit + a.promised_credit < f.daily * ${LOW_BALANCE_DAYS + 1}
          and a.balance + a.credit_limit + a.promised_credit >= 0`,
  );
}
