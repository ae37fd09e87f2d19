import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { becomesBlocked, becomesUnblocked } from './coverage.js';
import { ACCOUNT_LOCK } from './lock-account.js';

/**
 * A promised payment is a temporary credit, not money (docs/decisions/0004): a `promised_payments`
 * row and `accounts.promised_credit`, which the coverage rule counts. The payments module decides
 * whether one may be taken; the ledger owns the credit itself: granting it (and restoring the service
 * it covers), repaying it (inside creditPayment's statement) and expiring it.
 */

/**
 * Grants a promised credit in one statement: the row, the account's credit, and unblocking when it
 * covers the debt (with an 'unblocked' event). Call inside the transaction that locked the account
 * first (lockAccount) and checked the rules; `promised_one_active` refuses a second active one.
 */
export async function grantPromisedCredit(
  tx: Db,
  p: { accountId: number; amount: number; takenOn: string; dueOn: string },
): Promise<{ id: number; unblocked: boolean }> {
  const credit = sql`${p.amount}::int8`;
  const unblock = becomesUnblocked('a', credit);
  const [row] = await queryRows<{ id: number; unblocked: boolean }>(
    tx,
    sql`with old as (
          select id, status from accounts where id = ${p.accountId} ${ACCOUNT_LOCK}),
        pp as (
          insert into promised_payments (account_id, amount, taken_on, due_on)
          select id, ${credit}, ${p.takenOn}::date, ${p.dueOn}::date from old returning id),
        upd as (
          update accounts a set promised_credit = a.promised_credit + ${credit},
            status = case when ${unblock} then 'active' else a.status end,
            status_changed_at = case when ${unblock} then now() else a.status_changed_at end
          from old where a.id = old.id
          returning a.id, a.balance, (old.status = 'blocked' and a.status = 'active') as unblocked),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'unblocked', jsonb_build_object('reason', 'promised_payment', 'balance', balance)
          from upd where unblocked)
        select pp.id, upd.unblocked from pp, upd`,
  );
  if (!row) throw new Error(`grantPromisedCredit: account ${p.accountId} not found`);
  return row;
}

/**
 * Expiry (set-based, one statement): promised payments whose due day has passed in the account's
 * region end; their credit goes, and active accounts no longer covered are blocked with a 'blocked'
 * event. Accounts are locked first, in id order, and an account that another transaction holds right
 * now is skipped (SKIP LOCKED) and expired by the next run: this statement never waits on an account,
 * so it cannot deadlock with the daily charge or a payment.
 */
export async function expirePromisedCredits(db: Db): Promise<{ expired: number; blocked: number }> {
  const lost = sql`-a.promised_credit`;
  const [r] = await queryRows<{ expired: number; blocked: number }>(
    db,
    sql`with due as (
          select a.id, a.status, (now() at time zone r.time_zone)::date as today
          from accounts a join regions r on r.id = a.region_id
          where a.promised_credit > 0 and exists (
            select 1 from promised_payments p
            where p.account_id = a.id and p.status = 'active' and p.due_on < (now() at time zone r.time_zone)::date)
          order by a.id
          ${ACCOUNT_LOCK} of a skip locked),
        exp as (
          update promised_payments p set status = 'expired', closed_at = now()
          from due where p.account_id = due.id and p.status = 'active' and p.due_on < due.today
          returning p.account_id),
        acc as (
          update accounts a set promised_credit = 0,
            status = case when ${becomesBlocked('a', lost)} then 'blocked' else a.status end,
            status_changed_at = case when ${becomesBlocked('a', lost)} then now() else a.status_changed_at end
          from exp join due on due.id = exp.account_id
          where a.id = exp.account_id
          returning a.id, a.balance, (due.status = 'active' and a.status = 'blocked') as newly_blocked),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'blocked', jsonb_build_object('reason', 'promised_payment_expired', 'balance', balance)
          from acc where newly_blocked
          returning 1)
        select (select count(*) from exp)::int as expired, (select count(*) from ev)::int as blocked`,
  );
  return r ?? { expired: 0, blocked: 0 };
}
