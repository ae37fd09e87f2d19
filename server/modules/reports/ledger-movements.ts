import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { archiveHorizon, latestCheckpoint } from '../ledger/checkpoint-ledger.js';
import { paymentChannel, paymentJoins } from './payment-channel.js';
import { inMonths, inRawRanges, type PeriodPlan } from './report-period.js';

/**
 * The ledger's movements in a planned period as rows (account_id, kind, channel, amount, entries):
 * trusted month rollups plus the raw entries of the remaining days, each raw range grouped first.
 */
export function movements(plan: PeriodPlan): SQL {
  return sql`(
    select t.account_id, t.kind, t.channel, t.amount, t.entries from report_month_totals t
    where ${inMonths(sql`t.month`, plan.rollupMonths)}
    union all
    select l.account_id, l.kind, ${paymentChannel} as channel, sum(l.amount)::int8 as amount, count(*)::int8 as entries
    from ledger_entries l ${paymentJoins}
    where ${inRawRanges(sql`l.effective_on`, plan.raw)}
    group by 1, 2, 3)`;
}

/**
 * Each account's balance at the start of `day` (the sum of its entries dated before it): the openings
 * of the latest trusted checkpoint on or before the day plus the entries from there to the day
 * (docs/ledger-partitions.md). Rows (account_id, balance) for accounts with any.
 */
export async function openingsAt(db: Db, day: string): Promise<SQL> {
  const horizon = await archiveHorizon(db);
  if (horizon && day < horizon) throw new AppError('report_archived', { month: horizon.slice(0, 7) });
  const cp = await latestCheckpoint(db, day);
  return sql`(
    select account_id, sum(balance)::int8 as balance from (
      select o.account_id, o.balance from ledger_openings o where ${cp ? sql`o.as_of = ${cp}::date` : sql`false`}
      union all
      select l.account_id, sum(l.amount)::int8 from ledger_entries l
      where l.effective_on < ${day}::date ${cp ? sql`and l.effective_on >= ${cp}::date` : sql``}
      group by 1
    ) x group by 1)`;
}
