import { sql } from 'drizzle-orm';

import { isDeclineReason } from '../../../common/decline-reasons.js';
import { AppError } from '../../../common/errors.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';

export interface AutopayInput {
  methodId: number;
  mode: 'threshold' | 'monthly';
  threshold?: number;
  dayOfMonth?: number;
  amount: number;
  monthlyLimit: number;
}

/** The next "day N of the month" at 09:00 UTC strictly after `now`, at least `minHours` later (for the notice). */
export function nextMonthlyCharge(day: number, now: Date, minHours = 24): Date {
  for (let k = 0; k < 3; k++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1, 9));
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    if (d.getTime() - now.getTime() >= minHours * 3600_000) return d;
  }
  throw new Error('unreachable');
}

export async function getAutopay(db: Db, accountId: number) {
  const [r] = await queryRows<{
    method_id: number;
    title: string;
    mode: 'threshold' | 'monthly';
    threshold: number | null;
    day_of_month: number | null;
    amount: number;
    monthly_limit: number;
    enabled: boolean;
    disabled_reason: string | null;
    decline_reason: string | null;
    charge_at: string | Date | null;
    noticed_at: string | Date | null;
  }>(
    db,
    sql`select s.*, m.title from autopay_settings s join saved_payment_methods m on m.id = s.method_id where s.account_id = ${accountId}`,
  );
  if (!r) return null;
  return {
    methodId: r.method_id,
    card: r.title,
    mode: r.mode,
    threshold: r.threshold,
    dayOfMonth: r.day_of_month,
    amount: r.amount,
    monthlyLimit: r.monthly_limit,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    declineReason: isDeclineReason(r.decline_reason) ? r.decline_reason : null,
    nextChargeAt: r.charge_at ? new Date(r.charge_at).toISOString() : null,
    noticedAt: r.noticed_at ? new Date(r.noticed_at).toISOString() : null,
  };
}

/** Turns autopay on (or changes it); any pending announced charge is dropped and announced again. */
export async function setAutopay(db: Db, accountId: number, i: AutopayInput, now = new Date()) {
  validatePaymentAmount(i.amount);
  validatePaymentAmount(i.monthlyLimit);
  if (i.monthlyLimit < i.amount) throw new AppError('validation_failed', { details: 'monthlyLimit < amount' });
  if (i.mode === 'threshold' && (i.threshold === undefined || !Number.isSafeInteger(i.threshold)))
    throw new AppError('validation_failed', { details: 'threshold' });
  if (i.mode === 'monthly' && (!Number.isInteger(i.dayOfMonth) || i.dayOfMonth! < 1 || i.dayOfMonth! > 28))
    throw new AppError('validation_failed', { details: 'dayOfMonth 1..28' });
  const [m] = await queryRows<{ id: number }>(
    db,
    sql`select id from saved_payment_methods where id = ${i.methodId} and account_id = ${accountId} and deleted_at is null`,
  );
  if (!m) throw new AppError('card_not_found');
  const chargeAt = i.mode === 'monthly' ? nextMonthlyCharge(i.dayOfMonth!, now).toISOString() : null;
  await db.execute(
    sql`insert into autopay_settings (account_id, method_id, mode, threshold, day_of_month, amount, monthly_limit, enabled, charge_at, noticed_at, failures, updated_at)
        values (${accountId}, ${i.methodId}, ${i.mode}, ${i.mode === 'threshold' ? i.threshold! : null}, ${i.mode === 'monthly' ? i.dayOfMonth! : null},
                ${i.amount}, ${i.monthlyLimit}, true, ${chargeAt}, null, 0, now())
        on conflict (account_id) do update set method_id = excluded.method_id, mode = excluded.mode, threshold = excluded.threshold,
          day_of_month = excluded.day_of_month, amount = excluded.amount, monthly_limit = excluded.monthly_limit, enabled = true,
          disabled_reason = null, decline_reason = null, charge_at = excluded.charge_at, noticed_at = null, failures = 0, updated_at = now()`,
  );
  return getAutopay(db, accountId);
}

export async function disableAutopay(db: Db, accountId: number, reason: string) {
  await db.execute(sql`update autopay_settings set enabled = false, disabled_reason = ${reason}, charge_at = null, noticed_at = null, updated_at = now()
                       where account_id = ${accountId}`);
}

export async function listCards(db: Db, accountId: number) {
  const rows = await queryRows<{ id: number; provider: string; title: string; created_at: string | Date }>(
    db,
    sql`select id, provider, title, created_at from saved_payment_methods where account_id = ${accountId} and deleted_at is null order by id`,
  );
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider,
    title: r.title,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Deleting a card also turns off autopay that uses it. */
export async function deleteCard(db: Db, accountId: number, id: number) {
  return inTransaction(db, async (tx) => {
    const rows = await queryRows<{ id: number }>(
      tx,
      sql`update saved_payment_methods set deleted_at = now() where id = ${id} and account_id = ${accountId} and deleted_at is null returning id`,
    );
    if (!rows[0]) throw new AppError('card_not_found');
    await tx.execute(
      sql`update autopay_settings set enabled = false, disabled_reason = 'card_deleted', charge_at = null where account_id = ${accountId} and method_id = ${id}`,
    );
  });
}
