import { sql } from 'drizzle-orm';

import { addDays, daysBetween, isValidDay, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { LedgerKind } from '../../db/schema/index.js';

export const MAX_STATEMENT_DAYS = 3 * 366;

export interface StatementEntry {
  id: number;
  date: string;
  kind: LedgerKind;
  amount: number;
  comment: string | null;
  balanceAfter: number;
}

/**
 * Every ledger entry of the account in [from, to] with the running balance after each. Entries are
 * ordered by (effective day, id); the running sum is taken over the account's whole history, so the
 * first entry of a period mid-history shows the true balance.
 */
export async function getStatement(db: Db, accountId: number, opts: { from?: string; to?: string; now?: Date }) {
  const [acc] = await queryRows<{ time_zone: string }>(
    db,
    sql`select r.time_zone from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  if (!acc) throw new AppError('account_not_found', { account: accountId });
  const today = todayIn(acc.time_zone, opts.now);
  const to = opts.to ?? today;
  const from = opts.from ?? `${to.slice(0, 7)}-01`;
  for (const d of [from, to]) if (!isValidDay(d)) throw new AppError('bad_date', { value: d });
  if (from > to || daysBetween(from, to) > MAX_STATEMENT_DAYS)
    throw new AppError('bad_period', { max: MAX_STATEMENT_DAYS });

  const entries = await queryRows<{
    id: number;
    effective_on: string;
    kind: LedgerKind;
    amount: number;
    comment: string | null;
    balance_after: number;
  }>(
    db,
    sql`select * from (
          select id, effective_on, kind, amount, comment,
                 sum(amount) over (order by effective_on, id rows unbounded preceding)::int8 as balance_after
          from ledger_entries where account_id = ${accountId}
        ) l where effective_on between ${from}::date and ${to}::date
        order by effective_on, id`,
  );
  const [open] = await queryRows<{ total: number }>(
    db,
    sql`select coalesce(sum(amount), 0)::int8 as total from ledger_entries where account_id = ${accountId} and effective_on < ${from}::date`,
  );
  const opening = open?.total ?? 0;
  const totals: Partial<Record<LedgerKind, number>> = {};
  for (const e of entries) totals[e.kind] = (totals[e.kind] ?? 0) + e.amount;
  const closing = entries.length ? entries[entries.length - 1]!.balance_after : opening;

  // End-of-day balance for each day of the period (for the chart); days without entries carry over.
  const series: { date: string; balance: number }[] = [];
  let i = 0;
  let bal = opening;
  const last = to > today ? today : to;
  for (let d = from; d <= last; d = addDays(d, 1)) {
    while (i < entries.length && entries[i]!.effective_on === d) bal = entries[i++]!.balance_after;
    series.push({ date: d, balance: bal });
  }
  return {
    from,
    to,
    openingBalance: opening,
    closingBalance: closing,
    totals: (Object.entries(totals) as [LedgerKind, number][]).map(([kind, amount]) => ({ kind, amount })),
    entries: entries.map((e): StatementEntry => ({
      id: e.id,
      date: e.effective_on,
      kind: e.kind,
      amount: e.amount,
      comment: e.comment,
      balanceAfter: e.balance_after,
    })),
    series,
  };
}

export type Statement = Awaited<ReturnType<typeof getStatement>>;
