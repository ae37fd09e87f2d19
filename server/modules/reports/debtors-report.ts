import { sql } from 'drizzle-orm';

import { addDays, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus } from '../../db/schema/index.js';
import { openingsAt } from './ledger-movements.js';
import { regionCondition, type ReportScope } from './report-scope.js';

/** Age buckets of a debt in days since the balance last went below zero (0 = that very day). */
export const DEBT_BUCKETS = [
  { key: 'd0_30', min: 0, max: 30 },
  { key: 'd31_60', min: 31, max: 60 },
  { key: 'd61_90', min: 61, max: 90 },
  { key: 'd91_180', min: 91, max: 180 },
  { key: 'd181_365', min: 181, max: 365 },
  { key: 'over365', min: 366, max: null },
] as const;
export type DebtBucket = (typeof DEBT_BUCKETS)[number]['key'];

export interface DebtorLine {
  accountId: number;
  account: string;
  contract: string;
  subscriber: string;
  regionId: number;
  status: AccountStatus;
  /** Kopecks owed at the end of `asOf` (positive). */
  debt: number;
  /** The first day of the debt that is still open: the balance has been below zero every day since. */
  since: string;
  days: number;
  bucket: DebtBucket;
}

/**
 * Debtors at the end of a day with the age of their debt. The age is how long the balance has been
 * below zero without a break: the latest month-start checkpoint at which the balance was not negative
 * bounds the search, so only that stretch of one account's entries is read (docs/reports.md).
 */
export async function debtorsReport(
  db: Db,
  q: { asOf: string; scope: ReportScope; page?: number; pageSize?: number | null },
) {
  if (!isValidDay(q.asOf)) throw new AppError('bad_date', { value: q.asOf });
  const end = addDays(q.asOf, 1);
  const balances = await openingsAt(db, end);
  const size = q.pageSize === undefined ? 100 : q.pageSize;
  const page = q.page ?? 1;
  const rows = await queryRows<{
    account_id: number;
    account: string;
    contract: string;
    subscriber: string;
    region_id: number;
    status: AccountStatus;
    debt: number;
    since: string;
    t_count: number;
    t_debt: number;
  }>(
    db,
    sql`with debtors as (
          select b.account_id, -b.balance as debt from ${balances} b where b.balance < 0),
        bound as (
          -- the latest trusted checkpoint on or before the day's end at which the balance was not negative
          select d.account_id, d.debt,
                 (select max(c.as_of) from ledger_checkpoints c
                  where c.state = 'ready' and not c.stale and c.as_of <= ${end}::date
                    and coalesce((select o.balance from ledger_openings o
                                  where o.as_of = c.as_of and o.account_id = d.account_id), 0) >= 0) as cp
          from debtors d),
        start as (
          select b.account_id, b.debt, b.cp,
                 coalesce((select o.balance from ledger_openings o where o.as_of = b.cp and o.account_id = b.account_id), 0) as base
          from bound b),
        days as (
          select s.account_id, l.effective_on as day,
                 s.base + sum(sum(l.amount)) over (partition by s.account_id order by l.effective_on) as closing
          from start s join ledger_entries l on l.account_id = s.account_id
          where l.effective_on < ${end}::date and (s.cp is null or l.effective_on >= s.cp)
          group by s.account_id, s.base, l.effective_on),
        went as (
          -- the first day that ended below zero after the last one that did not (or after the bound)
          select s.account_id, s.debt,
                 coalesce((select min(d.day) from days d
                           where d.account_id = s.account_id and d.closing < 0
                             and d.day > coalesce((select max(k.day) from days k
                                                   where k.account_id = s.account_id and k.closing >= 0), '-infinity'::date)),
                          s.cp) as since
          from start s)
        select w.account_id, a.number as account, c.number as contract, sb.full_name as subscriber, a.region_id,
               a.status, w.debt::int8 as debt, w.since::text as since,
               count(*) over ()::int8 as t_count, sum(w.debt) over ()::int8 as t_debt
        from went w
        join accounts a on a.id = w.account_id
        join contracts c on c.id = a.contract_id
        join subscribers sb on sb.id = c.subscriber_id
        where ${regionCondition(q.scope, sql`a.region_id`)}
        order by w.since, a.number`,
  );
  const lines: DebtorLine[] = rows.map((r) => {
    const days = Math.round((Date.parse(q.asOf) - Date.parse(r.since)) / 86_400_000);
    return {
      accountId: r.account_id,
      account: r.account,
      contract: r.contract,
      subscriber: r.subscriber,
      regionId: r.region_id,
      status: r.status,
      debt: r.debt,
      since: r.since,
      days,
      bucket: bucketOf(days),
    };
  });
  const buckets = DEBT_BUCKETS.map((b) => {
    const inB = lines.filter((l) => l.bucket === b.key);
    return { bucket: b.key, accounts: inB.length, debt: inB.reduce((s, l) => s + l.debt, 0) };
  });
  return {
    asOf: q.asOf,
    page,
    pageSize: size,
    lines: size === null ? lines : lines.slice((page - 1) * size, page * size),
    buckets,
    total: { accounts: lines.length, debt: lines.reduce((s, l) => s + l.debt, 0) },
  };
}

export function bucketOf(days: number): DebtBucket {
  return DEBT_BUCKETS.find((b) => days >= b.min && (b.max === null || days <= b.max))!.key;
}
