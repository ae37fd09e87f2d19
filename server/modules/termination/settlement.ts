import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AccountContext } from '../accounts/load-account.js';
import { chargeBatch } from '../billing/charge-batch.js';
import { CARD_PROVIDERS } from '../finance/refund-card-payment.js';

/**
 * The days a termination must still charge for this account so it is settled to the day: today, when
 * the region's run has not charged it yet. A region whose run is behind by more than today is refused
 * (the days in between would be charged out of order); a region that never ran charges just today.
 */
export async function daysToSettle(db: Db, a: AccountContext): Promise<string[]> {
  const [r] = await queryRows<{ day: string | null }>(
    db,
    sql`select max(day)::text as day from billing_days where region_id = ${a.regionId} and state = 'done'`,
  );
  const last = r?.day ?? null;
  if (last !== null && last >= a.today) return [];
  if (last !== null && last < addDays(a.today, -1)) throw new AppError('termination_day_not_charged');
  return [a.today];
}

/** Charges this account's subscriptions for `days` exactly as the daily run would (idempotent per day). */
async function settleDays(db: Db, a: AccountContext, days: string[]): Promise<void> {
  for (const day of days) await chargeBatch(db, { regionId: a.regionId, day, fromId: a.id, toId: a.id });
}

/**
 * The final settlement to the day, in the termination's transaction under the account's lock: what is
 * still due today is charged (daysToSettle → the daily run's own charge), and the balance the contract
 * closes with is read back. The termination itself and its forecasts (forecast-settlement.ts) run this.
 */
export async function settleToDay(db: Db, a: AccountContext): Promise<number> {
  await settleDays(db, a, await daysToSettle(db, a));
  const [row] = await queryRows<{ balance: number }>(db, sql`select balance from accounts where id = ${a.id}`);
  return row?.balance ?? 0;
}

/** What a closing balance means: a debt to be paid before the contract can close, or a remainder to refund. */
export function settlementOutcome(balance: number): { debt: number; refund: number } {
  return { debt: Math.max(0, -balance), refund: Math.max(0, balance) };
}

/** Succeeded card payments with what is left of each to refund, newest first. */
export async function refundableCardPayments(db: Db, accountId: number) {
  return queryRows<{ id: number; left: number }>(
    db,
    sql`select * from (
          select p.id, (p.amount - coalesce((select sum(f.amount) from payment_refunds f
                                             where f.payment_id = p.id and f.status <> 'failed'), 0))::int8 as left
          from payments p
          where p.account_id = ${accountId} and p.status = 'succeeded'
            and p.provider in (${sql.join(
              [...CARD_PROVIDERS].map((x) => sql`${x}`),
              sql`, `,
            )})
          order by p.succeeded_at desc nulls last, p.id desc) x
        where x.left > 0`,
  );
}

/** Splits `amount` over card payments newest first: what goes back to each card. */
export function planCardRefunds(payments: { id: number; left: number }[], amount: number) {
  const plan: { paymentId: number; amount: number }[] = [];
  let rest = amount;
  for (const p of payments) {
    if (rest <= 0) break;
    const take = Math.min(rest, p.left);
    plan.push({ paymentId: p.id, amount: take });
    rest -= take;
  }
  return { plan, uncovered: rest };
}
