import { sql } from 'drizzle-orm';

import { addMonths } from '../../../common/dates.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { paymentChannel, paymentJoins } from './payment-channel.js';

export interface RollupSummary {
  made: string[];
  /** Months whose rollup disagreed with the ledger checkpoints and was not kept (logged by the job). */
  refused: string[];
}

/**
 * Makes the month rollups the reports read (docs/reports.md, "How reports stay fast"): for every month
 * whose next month-start checkpoint is ready and not stale, and whose rollup is missing or was made
 * against an older checkpoint, one transaction replaces the month's rows — per account, kind and
 * payment channel, and per region and charged item — from that month's partition alone. The month's
 * total must equal the difference of its two month-start checkpoints (when the earlier one is
 * trusted too); otherwise the rollup is not kept and reports go on reading the ledger.
 */
export async function buildMonthRollups(db: Db, opts: { limit?: number } = {}): Promise<RollupSummary> {
  const due = await queryRows<{ month: string; made_at: string; total: number; prev_total: number | null }>(
    db,
    sql`select (c.as_of - interval '1 month')::date::text as month, c.created_at::text as made_at, c.total,
               (select p.total from ledger_checkpoints p
                where p.as_of = (c.as_of - interval '1 month')::date and p.state = 'ready' and not p.stale) as prev_total
        from ledger_checkpoints c
        left join report_months m on m.month = (c.as_of - interval '1 month')::date
        where c.kind = 'month' and c.state = 'ready' and not c.stale
          and (m.month is null or m.checkpoint_made_at <> c.created_at)
          and (c.as_of - interval '1 month')::date >= coalesce(
                (select (max(month) + interval '1 month')::date from ledger_archive), '-infinity'::date)
        order by c.as_of
        limit ${opts.limit ?? 36}`,
  );
  const made: string[] = [];
  const refused: string[] = [];
  for (const d of due) {
    const ok = await inTransaction(db, (tx) =>
      buildMonth(tx, d.month, d.made_at, d.total - (d.prev_total ?? 0), d.prev_total !== null),
    );
    (ok ? made : refused).push(d.month);
  }
  return { made, refused };
}

async function buildMonth(tx: Db, month: string, madeAt: string, expected: number, check: boolean): Promise<boolean> {
  const next = addMonths(month, 1);
  await tx.execute(sql`delete from report_month_totals where month = ${month}::date`);
  await tx.execute(sql`delete from report_month_charges where month = ${month}::date`);
  const [t] = await queryRows<{ total: number; entries: number }>(
    tx,
    sql`with ins as (
          insert into report_month_totals (month, account_id, kind, channel, amount, entries)
          select ${month}::date, l.account_id, l.kind, ${paymentChannel}, sum(l.amount), count(*)
          from ledger_entries l ${paymentJoins}
          where l.effective_on >= ${month}::date and l.effective_on < ${next}::date
          group by 2, 3, 4
          returning amount, entries)
        select coalesce(sum(amount), 0)::int8 as total, coalesce(sum(entries), 0)::int8 as entries from ins`,
  );
  if (check && t!.total !== expected) {
    // Disagrees with the checkpoints (should not happen): keep nothing, reports read the ledger.
    await tx.execute(sql`delete from report_month_totals where month = ${month}::date`);
    return false;
  }
  await tx.execute(
    sql`insert into report_month_charges (month, region_id, item_kind, item_id, amount, entries, accounts)
        select ${month}::date, a.region_id, coalesce(s.kind, 'other'),
               coalesce(s.tariff_id, s.service_id, 0), -sum(l.amount), count(*), count(distinct l.account_id)
        from ledger_entries l
        join accounts a on a.id = l.account_id
        left join subscriptions s on s.id = l.subscription_id
        where l.kind = 'charge' and l.effective_on >= ${month}::date and l.effective_on < ${next}::date
        group by 2, 3, 4`,
  );
  await tx.execute(
    sql`insert into report_months (month, checkpoint_made_at, entries, total, made_at)
        values (${month}::date, ${madeAt}::timestamptz, ${t!.entries}, ${t!.total}, now())
        on conflict (month) do update set checkpoint_made_at = excluded.checkpoint_made_at,
          entries = excluded.entries, total = excluded.total, made_at = now()`,
  );
  return true;
}
