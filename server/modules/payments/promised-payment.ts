import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { kopecksToDecimal } from '../../../common/money.js';
import { PROMISED_REASON_TEXT, type PromisedReason } from '../../../common/promised-reasons.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { lockAccount } from '../ledger/lock-account.js';
import { grantPromisedCredit } from '../ledger/promised-credit.js';

/** PRODUCT.md defaults: up to one month's fee, for 5 days, once a calendar month, not when in debt over a month. */
export const PROMISED_DAYS = 5;

export type { PromisedReason };

interface State {
  id: number;
  balance: number;
  status: string;
  time_zone: string;
  fee: number;
  active: number;
  this_month: number;
}

/** The account and its promised payments; in takePromisedPayment read after the account is locked. */
async function load(db: Db, accountId: number): Promise<State & { today: string }> {
  const [a] = await queryRows<State>(
    db,
    sql`select a.id, a.balance, a.status, r.time_zone,
          (select coalesce(sum(monthly_fee), 0)::int8 from subscriptions s where s.account_id = a.id
            and s.starts_on <= current_date and (s.ends_on is null or s.ends_on >= current_date)) as fee,
          (select count(*)::int from promised_payments p where p.account_id = a.id and p.status = 'active') as active,
          (select count(*)::int from promised_payments p where p.account_id = a.id
            and date_trunc('month', p.taken_on) = date_trunc('month', (now() at time zone r.time_zone)::date)) as this_month
        from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  if (!a) throw new AppError('account_not_found', { account: accountId });
  return { ...a, today: todayIn(a.time_zone) };
}

function reasonOf(a: State): PromisedReason | null {
  if (a.status === 'terminated') return 'terminated';
  if (a.active > 0) return 'active_exists';
  if (a.this_month > 0) return 'already_this_month';
  if (a.fee <= 0) return 'no_fee';
  // "In debt for over a month": the debt is larger than one month's fee.
  if (-a.balance > a.fee) return 'debt_over_month';
  return null;
}

export async function getPromisedPayment(db: Db, accountId: number) {
  const a = await load(db, accountId);
  const [cur] = await queryRows<{ id: number; amount: number; taken_on: string; due_on: string }>(
    db,
    sql`select id, amount, taken_on, due_on from promised_payments where account_id = ${accountId} and status = 'active'`,
  );
  const reason = reasonOf(a);
  return {
    available: reason === null,
    reason,
    maxAmount: reason === null ? a.fee : 0,
    days: PROMISED_DAYS,
    active: cur ? { id: cur.id, amount: cur.amount, takenOn: cur.taken_on, dueOn: cur.due_on } : null,
  };
}

/**
 * Takes a promised payment: a promised_payments row plus accounts.promised_credit (no money moves,
 * so no ledger entry; balance stays the sum of entries), granted by the ledger (grantPromisedCredit),
 * which also unblocks an account the credit covers. The account row is locked FIRST, in a statement of
 * its own, and the rules are read after it: a second request at the same moment waits for the first
 * to commit and then sees its promised payment (409 `promised_unavailable`), never a unique violation.
 */
export async function takePromisedPayment(db: Db, accountId: number, amount?: number) {
  return inTransaction(db, async (tx) => {
    await lockAccount(tx, accountId);
    const a = await load(tx, accountId);
    const reason = reasonOf(a);
    if (reason) throw new AppError('promised_unavailable', { reason: PROMISED_REASON_TEXT[reason] });
    const sum = amount ?? a.fee;
    if (!Number.isSafeInteger(sum) || sum <= 0 || sum > a.fee)
      throw new AppError('promised_too_much', { max: kopecksToDecimal(a.fee) });
    const dueOn = addDays(a.today, PROMISED_DAYS);
    const { id, unblocked } = await grantPromisedCredit(tx, { accountId, amount: sum, takenOn: a.today, dueOn });
    await recordAudit(tx, {
      actorType: 'subscriber',
      actorId: String(accountId),
      action: 'promised_payment.taken',
      entity: 'account',
      entityId: String(accountId),
      before: { balance: a.balance, status: a.status },
      after: { amount: sum, dueOn, unblocked },
    });
    return { id, amount: sum, dueOn, unblocked };
  });
}
