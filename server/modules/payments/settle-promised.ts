import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { type AfterCreditHook, afterCreditHooks } from '../ledger/credit-payment.js';

/**
 * Repayment from the next payments (an afterCreditHook, inside the payment's transaction with the
 * account locked): the promised credit shrinks to what the account still needs to stay within its
 * limit; when that is nothing, the promised payment is repaid. No ledger entries: none were posted.
 */
export const repayPromisedOnCredit: AfterCreditHook = async (tx, ctx) => {
  if (ctx.promisedCredit === 0) return; // nothing promised: no round trip
  const [a] = await queryRows<{ promised_credit: number }>(
    tx,
    sql`update accounts set promised_credit = greatest(0, least(promised_credit, -(balance + credit_limit)))
        where id = ${ctx.accountId} and promised_credit > 0 returning promised_credit`,
  );
  if (a && a.promised_credit === 0) {
    await tx.execute(sql`update promised_payments set status = 'repaid', closed_at = now()
                         where account_id = ${ctx.accountId} and status = 'active'`);
  }
};

/**
 * Expiry (set-based, one statement): promised payments past their due day end; their credit goes,
 * and accounts no longer covered are blocked again with a 'blocked' event for the network.
 */
export async function expirePromisedPayments(db: Db): Promise<{ expired: number; blocked: number }> {
  const [r] = await queryRows<{ expired: number; blocked: number }>(
    db,
    sql`with exp as (
          update promised_payments p set status = 'expired', closed_at = now()
          from accounts a join regions r on r.id = a.region_id
          where p.account_id = a.id and p.status = 'active' and p.due_on < (now() at time zone r.time_zone)::date
          returning p.account_id),
        acc as (
          update accounts a set promised_credit = 0,
            status = case when a.status = 'active' and a.balance + a.credit_limit < 0 then 'blocked' else a.status end,
            status_changed_at = case when a.status = 'active' and a.balance + a.credit_limit < 0 then now() else a.status_changed_at end
          where a.id in (select account_id from exp)
          returning a.id, a.balance, (a.status = 'blocked' and a.status_changed_at = now()) as newly_blocked),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'blocked', jsonb_build_object('reason', 'promised_payment_expired', 'balance', balance) from acc where newly_blocked
          returning 1)
        select (select count(*) from exp)::int as expired, (select count(*) from ev)::int as blocked`,
  );
  return r ?? { expired: 0, blocked: 0 };
}

/** Registered once, when the payments module is loaded (by the app and by the job registry). */
export function registerPromisedRepayment(): void {
  if (!afterCreditHooks.includes(repayPromisedOnCredit)) afterCreditHooks.push(repayPromisedOnCredit);
}
registerPromisedRepayment();
