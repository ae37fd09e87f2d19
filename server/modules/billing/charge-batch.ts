import { sql } from 'drizzle-orm';

import { dayParts } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';

export interface BatchTotals {
  charged: number;
  amount: number;
  blocked: number;
}

/**
 * Charges one day's subscription fees for the active accounts of a region whose ids are in
 * [fromId, toId], in ONE statement (so it is atomic without an explicit transaction):
 *   1. insert a charge entry per active subscription — the partial unique index on
 *      (subscription_id, effective_on) makes a second run of the day insert nothing;
 *   2. move each account's balance by the sum of what was actually inserted;
 *   3. block the accounts that fell below their limit (balance + credit limit + promised credit < 0)
 *      and record a 'blocked' event for the network and notifications.
 * The daily share is floor(M*d/N) - floor(M*(d-1)/N), so a full month sums to M exactly.
 * Concurrent payments are safe: the UPDATE adds to the current row under its row lock.
 */
export async function chargeBatch(
  db: Db,
  opts: { regionId: number; day: string; fromId: number; toId: number },
): Promise<BatchTotals> {
  const { year, month, day: d } = dayParts(opts.day);
  const n = daysInMonth(year, month);
  // Room for the per-account aggregate in memory instead of spilling it to disk.
  const [row] = await db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return queryRows<{ charged: number | null; amount: number | null; blocked: number | null }>(
      tx,
      sql`with due as (
          select s.id as subscription_id, s.account_id,
                 (s.monthly_fee * ${d}) / ${n} - (s.monthly_fee * ${d - 1}) / ${n} as share
          from accounts a
          join subscriptions s on s.account_id = a.id
          where a.region_id = ${opts.regionId} and a.status = 'active'
            and a.id between ${opts.fromId} and ${opts.toId}
            and s.starts_on <= ${opts.day}::date and (s.ends_on is null or s.ends_on >= ${opts.day}::date)
            and s.monthly_fee > 0
        ),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, subscription_id, source)
          select account_id, 'charge', -share, ${opts.day}::date, subscription_id, 'billing'
          from due where share > 0
          on conflict (subscription_id, effective_on) where kind = 'charge' do nothing
          returning account_id, amount
        ),
        per_account as (
          select account_id, sum(amount) as total, count(*) as n from ins group by account_id
        ),
        upd as (
          update accounts a
          set balance = a.balance + p.total,
              status = case when a.status = 'active' and a.balance + p.total + a.credit_limit + a.promised_credit < 0
                            then 'blocked' else a.status end,
              status_changed_at = case when a.status = 'active' and a.balance + p.total + a.credit_limit + a.promised_credit < 0
                            then now() else a.status_changed_at end
          from per_account p
          where a.id = p.account_id
          returning a.id, a.balance, a.status, p.total, p.n,
                    (a.status = 'blocked' and a.status_changed_at = now()) as newly_blocked
        ),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'blocked', jsonb_build_object('day', ${opts.day}::text, 'balance', balance)
          from upd where newly_blocked
          returning 1
        )
        select sum(n)::int8 as charged, (-sum(total))::int8 as amount,
               (select count(*) from ev)::int8 as blocked
        from upd`,
    );
  });
  return { charged: row?.charged ?? 0, amount: row?.amount ?? 0, blocked: row?.blocked ?? 0 };
}
