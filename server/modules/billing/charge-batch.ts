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
 *      (subscription_id, effective_on) makes a second run of the day insert nothing; a tariff plan
 *      under a promotion discount is charged its share of the discounted fee (common/promotions.ts);
 *      a voluntarily suspended account is charged the suspension's daily fee past its free days;
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
      sql`with disc as (
          select x.account_id, max(x.percent) as p from promotion_participations x
          where x.effect = 'discount' and x.effect_from <= ${opts.day}::date and x.effect_to >= ${opts.day}::date
            and x.account_id between ${opts.fromId} and ${opts.toId}
          group by x.account_id
        ),
        fees as (
          select s.id as subscription_id, s.account_id,
                 case when s.kind = 'tariff' and disc.p is not null
                      then s.monthly_fee - (s.monthly_fee * disc.p + 50) / 100 else s.monthly_fee end as fee,
                 case when s.kind = 'tariff' and disc.p is not null then 'promotion-discount:' || disc.p end as comment
          from accounts a
          join subscriptions s on s.account_id = a.id
          left join disc on disc.account_id = a.id
          where a.region_id = ${opts.regionId} and a.status = 'active'
            and a.id between ${opts.fromId} and ${opts.toId}
            and s.starts_on <= ${opts.day}::date and (s.ends_on is null or s.ends_on >= ${opts.day}::date)
            and s.monthly_fee > 0
        ),
        due as (
          select subscription_id, account_id, comment,
                 (fee * ${d}) / ${n} - (fee * ${d - 1}) / ${n} as share
          from fees
        ),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, subscription_id, source, comment)
          select account_id, 'charge', -share, ${opts.day}::date, subscription_id, 'billing', comment
          from due where share > 0
          on conflict (subscription_id, effective_on) where kind = 'charge' do nothing
          returning account_id, amount
        ),
        -- A voluntarily suspended account pays no subscription fee; past its free days it pays the
        -- suspension's daily fee (docs/suspension.md), once per suspension and day by its key.
        susp as (
          insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key)
          select a.id, 'charge', -x.daily_fee, ${opts.day}::date, 'billing', 'suspension-fee:' || x.id,
                 'suspension-fee:' || x.id || ':' || ${opts.day}::text
          from accounts a join suspensions x on x.account_id = a.id and x.status = 'active'
          where a.region_id = ${opts.regionId} and a.status = 'suspended'
            and a.id between ${opts.fromId} and ${opts.toId}
            and x.starts_on <= ${opts.day}::date and coalesce(x.ended_on, x.ends_on) >= ${opts.day}::date
            and ${opts.day}::date >= x.starts_on + x.free_days and x.daily_fee > 0
          on conflict (idempotency_key) do nothing
          returning account_id, amount
        ),
        per_account as (
          select account_id, sum(amount) as total, count(*) as n
          from (select account_id, amount from ins union all select account_id, amount from susp) c
          group by account_id
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
