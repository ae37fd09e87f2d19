import { type SQL, sql } from 'drizzle-orm';

import { addDays, dayParts } from '../../../common/dates.js';
import { LOW_BALANCE_DAYS } from '../../../common/days-left.js';
import { daysInMonth } from '../../../common/money.js';
import { spendable } from '../ledger/coverage.js';

/**
 * After the day's charge, every active account whose spendable money covers at most N days of
 * tomorrow's fee (N = the region's `lowBalanceDays`, default LOW_BALANCE_DAYS) gets one 'low_balance'
 * event for the day, with the whole days left. Suspended, blocked and terminated accounts get none.
 * Returned as an INSERT for the statement that also marks the day done (run-billing-day.ts), so a
 * resumed day cannot warn twice. The notice itself is written by notifications (notify-account-events).
 */
export function lowBalanceEvents(opts: { regionId: number; day: string }): SQL {
  const tomorrow = addDays(opts.day, 1);
  const { year, month, day: d } = dayParts(tomorrow);
  const n = daysInMonth(year, month);
  const money = spendable('a');
  return sql`insert into account_events (account_id, kind, data)
        select a.id, 'low_balance',
               jsonb_build_object('day', ${opts.day}::text, 'balance', a.balance, 'daysLeft', ${money} / f.daily)
        from accounts a
        join regions r on r.id = a.region_id
        join (select s.account_id,
                     sum((s.monthly_fee * ${d}) / ${n} - (s.monthly_fee * ${d - 1}) / ${n})::int8 as daily
              from subscriptions s
              where s.starts_on <= ${tomorrow}::date and (s.ends_on is null or s.ends_on >= ${tomorrow}::date)
              group by s.account_id) f on f.account_id = a.id
        where a.region_id = ${opts.regionId} and a.status = 'active' and f.daily > 0
          and ${money} >= 0
          and ${money} / f.daily <= coalesce((r.settings->>'lowBalanceDays')::int, ${LOW_BALANCE_DAYS})`;
}
