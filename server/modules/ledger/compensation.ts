import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { becomesUnblocked } from './coverage.js';

/**
 * What N days of each account's own fee come to (common/compensation.ts is the reference): the monthly
 * fees of the plan and add-ons in force today in the account's region — the plan's under a promotion
 * discount as the daily charge takes it (billing/charge-batch.ts) — times `days`, over the days of the
 * current month, rounded half up. `accounts` is a relation with an `account_id` column. One row per
 * account: `(account_id, monthly, amount)`; an account that pays nothing has amount 0.
 */
export function compensationAmounts(opts: { accounts: SQL; days: number }): SQL {
  const days = Math.trunc(opts.days);
  return sql`select x.account_id, coalesce(f.monthly, 0)::int8 as monthly,
                    ((2 * coalesce(f.monthly, 0) * ${days} + d.n) / (2 * d.n))::int8 as amount
             from (${opts.accounts}) x
             join accounts a on a.id = x.account_id
             join regions r on r.id = a.region_id
             cross join lateral (select (now() at time zone r.time_zone)::date as today) t
             cross join lateral (
               select extract(day from date_trunc('month', t.today) + interval '1 month' - interval '1 day')::int8 as n) d
             left join lateral (
               select sum(case when s.kind = 'tariff' and disc.p is not null
                               then s.monthly_fee - (s.monthly_fee * disc.p + 50) / 100 else s.monthly_fee end)::int8 as monthly
               from subscriptions s
               left join lateral (
                 select max(p.percent) as p from promotion_participations p
                 where p.account_id = s.account_id and p.effect = 'discount'
                   and p.effect_from <= t.today and p.effect_to >= t.today) disc on true
               where s.account_id = a.id and s.kind in ('tariff', 'service')
                 and s.starts_on <= t.today and (s.ends_on is null or s.ends_on >= t.today)) f on true`;
}

export interface BulkCreditRow {
  account_id: number;
  /** What this call credited (0 when the account's entry of this key already existed). */
  credited: number;
  /** The entry had been written before (a retried batch): nothing was written this time. */
  existed: boolean;
  unblocked: boolean;
}

/**
 * Credits many accounts at once, one `adjustment` entry each, in ONE statement (docs/bulk.md): `credits`
 * is a relation `(account_id, amount)` with amount > 0. Each entry's idempotency key is
 * `<keyPrefix>:<account_id>`, so the same call made again (a retried or twice-claimed job) writes nothing
 * twice: the key registry drops the repeated row (ledger_keys). The accounts are locked first, in id
 * order; balances move by what was written; blocked accounts the credit covers are restored with an
 * `unblocked` event, as every credit does (coverage.ts); each account credited now gets a `balance_changed`
 * event with cause `compensation` (its notice: "compensation credited", never "payment credited"). Dated
 * today in each account's region.
 */
export async function postBulkCredits(
  db: Db,
  opts: { credits: SQL; keyPrefix: string; source: string; comment: string },
): Promise<BulkCreditRow[]> {
  return inTransaction(db, (tx) =>
    queryRows<BulkCreditRow>(
      tx,
      sql`with want as (select account_id, amount from (${opts.credits}) c where amount > 0),
        locked as (
          select a.id, a.status as old_status, (now() at time zone r.time_zone)::date as today
          from accounts a join regions r on r.id = a.region_id
          where a.id in (select account_id from want)
          order by a.id
          for no key update of a),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key)
          select l.id, 'adjustment', w.amount, l.today, ${opts.source}, ${opts.comment}, ${opts.keyPrefix} || ':' || l.id
          from locked l join want w on w.account_id = l.id
          on conflict do nothing
          returning account_id, amount),
        upd as (
          update accounts a
          set balance = a.balance + ins.amount,
              status = case when ${becomesUnblocked('a', sql`ins.amount`)} then 'active' else a.status end,
              status_changed_at = case when ${becomesUnblocked('a', sql`ins.amount`)} then now() else a.status_changed_at end
          from ins join locked l on l.id = ins.account_id where a.id = ins.account_id
          returning a.id, a.balance, ins.amount, (l.old_status = 'blocked' and a.status = 'active') as restored),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'unblocked', jsonb_build_object('balance', balance) from upd where restored
          union all
          select id, 'balance_changed', jsonb_build_object('cause', 'compensation', 'amount', amount, 'balance', balance)
          from upd
          returning account_id)
        select l.id as account_id, coalesce(u.amount, 0)::int8 as credited, (u.id is null) as existed,
               coalesce(u.restored, false) as unblocked
        from locked l left join upd u on u.id = l.id
        order by l.id`,
    ),
  );
}
