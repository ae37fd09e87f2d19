import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { becomesBlocked } from './coverage.js';

export interface ChargeTotals {
  /** Charges written by this call (those already written for the day are not counted again). */
  charged: number;
  /** Kopecks charged (positive). */
  amount: number;
  /** Accounts this call blocked for debt. */
  blocked: number;
}

/**
 * The daily charge's one statement (the billing module decides WHAT is due; this writes it). `due` is
 * a SELECT of rows `(account_id, subscription_id, amount)`, amount in kopecks > 0, at most one row per
 * subscription. In one statement, atomic without an explicit transaction:
 *   1. insert a `charge` entry per due row — unique on (subscription_id, effective_on) for charges,
 *      so a day charged again (a resumed run, a second runner) inserts nothing twice;
 *   2. move each account's balance by the sum of what was actually inserted;
 *   3. block the active accounts this leaves uncovered (coverage.ts), with a 'blocked' event;
 *   4. the caller's `alongside` writes (e.g. the run's totals), each over `totals`, a one-row relation
 *      (charged, amount, blocked) — so they commit exactly when the charges do.
 *
 * Every chargeable thing is a subscription row (tariff, add-on service, and later a suspension fee):
 * a new kind of charge is a new source of `due` rows, never a new writer of balances. A discount
 * lowers a row's amount; a bonus is a credit (postEntry), not a negative charge.
 */
export async function postCharges(
  db: Db,
  opts: { day: string; due: SQL; source?: string; alongside?: (totals: SQL) => SQL[] },
): Promise<ChargeTotals> {
  const alongside = opts.alongside?.(sql.raw('totals')) ?? [];
  // Room for the per-account aggregate in memory instead of spilling it to disk. The accounts are
  // updated in id order (per_account's ORDER BY): in hash order every row's new version and its index
  // entries land on a random page, and with a batch of 100k accounts that was half the statement's time
  // (docs/billing.md, "Speed").
  const [row] = await inTransaction(db, async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return queryRows<{ charged: number | null; amount: number | null; blocked: number | null }>(
      tx,
      sql`with due as (${opts.due}),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, subscription_id, source)
          select account_id, 'charge', -amount, ${opts.day}::date, subscription_id, ${opts.source ?? 'billing'}
          from due where amount > 0
          on conflict (subscription_id, effective_on) where kind = 'charge' do nothing
          returning account_id, amount
        ),
        per_account as (
          select account_id, sum(amount) as total, count(*) as n from ins group by account_id
          order by account_id
        ),
        upd as (
          update accounts a
          set balance = a.balance + p.total,
              status = case when ${becomesBlocked('a', sql`p.total`)} then 'blocked' else a.status end,
              status_changed_at = case when ${becomesBlocked('a', sql`p.total`)} then now() else a.status_changed_at end
          from per_account p
          where a.id = p.account_id
          returning a.id, a.balance, p.total, p.n,
                    (a.status = 'blocked' and a.status_changed_at = now()) as newly_blocked
        ),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'blocked', jsonb_build_object('day', ${opts.day}::text, 'balance', balance)
          from upd where newly_blocked
          returning 1
        ),
        totals as (
          select coalesce(sum(n), 0)::int8 as charged, coalesce(-sum(total), 0)::int8 as amount,
                 (select count(*) from ev)::int8 as blocked
          from upd
        )
        ${sql.join(alongside.map((w, i) => sql`, also${sql.raw(String(i))} as (${w})`))}
        select charged, amount, blocked from totals`,
    );
  });
  return { charged: row?.charged ?? 0, amount: row?.amount ?? 0, blocked: row?.blocked ?? 0 };
}
