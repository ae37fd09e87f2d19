import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { movements, openingsAt } from './ledger-movements.js';
import { checkPeriod, type Period, planPeriod } from './report-period.js';
import { regionCondition, type ReportScope } from './report-scope.js';

/** One account's line of the turnover sheet (оборотно-сальдовая ведомость), kopecks. */
export interface TurnoverLine {
  accountId: number;
  account: string;
  contract: string;
  subscriber: string;
  regionId: number;
  /** Balance at the start of `from` (credit positive: the subscriber's money; negative: a debt). */
  opening: number;
  /** Charges for service (positive). */
  charged: number;
  /** Payments received. */
  paid: number;
  bonus: number;
  /** Money paid back (positive). */
  refunded: number;
  /** Corrections, signed. */
  adjusted: number;
  /** Promised-payment entries, signed (0 while promised payments post no entries: decision 0004). */
  promised: number;
  /** opening − charged + paid + bonus − refunded + adjusted + promised. */
  closing: number;
}

export type TurnoverTotals = Omit<TurnoverLine, 'accountId' | 'account' | 'contract' | 'subscriber' | 'regionId'> & {
  accounts: number;
};

export interface TurnoverQuery extends Period {
  scope: ReportScope;
  /** A personal account or contract number to find. */
  search?: string;
  page?: number;
  /** null: every line (exports). */
  pageSize?: number | null;
}

/**
 * The turnover sheet for any period: per account opening balance, charged, paid, other movements and
 * closing balance, and the totals over every account in scope (not just the page). Accounts with
 * nothing to show (zero opening and no movement) are left out. One statement over the month rollups,
 * the raw days at the edges and the openings at the period's first day (docs/reports.md).
 */
export async function turnoverSheet(db: Db, q: TurnoverQuery) {
  checkPeriod(q);
  const plan = await planPeriod(db, q);
  const opening = await openingsAt(db, q.from);
  const page = q.page ?? 1;
  const size = q.pageSize === undefined ? 100 : q.pageSize;
  const search = q.search?.trim() ? sql`and (a.number = ${q.search.trim()} or c.number = ${q.search.trim()})` : sql``;
  const rows = await queryRows<Record<string, number | string>>(
    db,
    sql`with mv as (
          select account_id,
                 sum(-amount) filter (where kind = 'charge') as charged,
                 sum(amount) filter (where kind = 'payment') as paid,
                 sum(amount) filter (where kind = 'bonus') as bonus,
                 sum(-amount) filter (where kind = 'refund') as refunded,
                 sum(amount) filter (where kind = 'adjustment') as adjusted,
                 sum(amount) filter (where kind in ('promised_payment', 'promised_repayment')) as promised
          from ${movements(plan)} m group by account_id),
        lines as (
          select a.id as account_id, a.number as account, c.number as contract, s.full_name as subscriber,
                 a.region_id,
                 coalesce(o.balance, 0)::int8 as opening, coalesce(mv.charged, 0)::int8 as charged,
                 coalesce(mv.paid, 0)::int8 as paid, coalesce(mv.bonus, 0)::int8 as bonus,
                 coalesce(mv.refunded, 0)::int8 as refunded, coalesce(mv.adjusted, 0)::int8 as adjusted,
                 coalesce(mv.promised, 0)::int8 as promised
          from accounts a
          join contracts c on c.id = a.contract_id
          join subscribers s on s.id = c.subscriber_id
          left join ${opening} o on o.account_id = a.id
          left join mv on mv.account_id = a.id
          where ${regionCondition(q.scope, sql`a.region_id`)} ${search}
            and (o.balance is not null or mv.account_id is not null)),
        shown as (
          select *, (opening - charged + paid + bonus - refunded + adjusted + promised)::int8 as closing
          from lines
          where opening <> 0 or charged <> 0 or paid <> 0 or bonus <> 0 or refunded <> 0 or adjusted <> 0 or promised <> 0)
        select *, count(*) over ()::int8 as t_accounts,
               sum(opening) over ()::int8 as t_opening, sum(charged) over ()::int8 as t_charged,
               sum(paid) over ()::int8 as t_paid, sum(bonus) over ()::int8 as t_bonus,
               sum(refunded) over ()::int8 as t_refunded, sum(adjusted) over ()::int8 as t_adjusted,
               sum(promised) over ()::int8 as t_promised, sum(closing) over ()::int8 as t_closing
        from shown order by account
        ${size === null ? sql`` : sql`limit ${size} offset ${(page - 1) * size}`}`,
  );
  const totals = rows[0] ? totalsOf(rows[0]) : await emptyTotals(db, q);
  return {
    from: q.from,
    to: q.to,
    page,
    pageSize: size,
    lines: rows.map(lineOf),
    totals,
  };
}

const n = (v: unknown) => Number(v ?? 0);

function lineOf(r: Record<string, number | string>): TurnoverLine {
  return {
    accountId: n(r.account_id),
    account: String(r.account),
    contract: String(r.contract),
    subscriber: String(r.subscriber),
    regionId: n(r.region_id),
    opening: n(r.opening),
    charged: n(r.charged),
    paid: n(r.paid),
    bonus: n(r.bonus),
    refunded: n(r.refunded),
    adjusted: n(r.adjusted),
    promised: n(r.promised),
    closing: n(r.closing),
  };
}

function totalsOf(r: Record<string, number | string>): TurnoverTotals {
  return {
    accounts: n(r.t_accounts),
    opening: n(r.t_opening),
    charged: n(r.t_charged),
    paid: n(r.t_paid),
    bonus: n(r.t_bonus),
    refunded: n(r.t_refunded),
    adjusted: n(r.t_adjusted),
    promised: n(r.t_promised),
    closing: n(r.t_closing),
  };
}

/** A page past the end still answers the totals: counted again without the page. */
async function emptyTotals(db: Db, q: TurnoverQuery): Promise<TurnoverTotals> {
  if ((q.page ?? 1) > 1 && q.pageSize !== null) {
    const all = await turnoverSheet(db, { ...q, page: 1, pageSize: 1 });
    return all.totals;
  }
  return { accounts: 0, opening: 0, charged: 0, paid: 0, bonus: 0, refunded: 0, adjusted: 0, promised: 0, closing: 0 };
}
