import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { formatRubles, MAX_PAYMENT_TEXT } from '../../../common/money.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { lockAccount } from '../ledger/lock-account.js';
import { postEntry } from '../ledger/post-entry.js';

export interface BalanceChangeInput {
  accountId: number;
  /** Signed kopecks as they go to the ledger. */
  amount: number;
  kind: 'refund' | 'adjustment';
  reason: string;
  idempotencyKey: string;
  staffId: number;
  ip?: string | null;
}

export interface BalanceChangeResult {
  entryId: number;
  created: boolean;
  balanceBefore: number;
  balance: number;
  unblocked: boolean;
}

/**
 * A staff money movement that is not a payment (refund, correction): validated, posted under the
 * account row lock (taken first), restoring a blocked account that a credit covers, audited with the balance before and after, all in one transaction. A refund may
 * take only money that is on the balance. The key makes a double-submitted form harmless.
 */
export async function postBalanceChange(db: Db, input: BalanceChangeInput): Promise<BalanceChangeResult> {
  const { amount } = input;
  // A correction may go either way; a refund only takes money. Either is one payment-sized amount.
  validatePaymentAmount(Math.abs(amount));
  if (input.kind === 'refund' && amount > 0) throw new AppError('bad_amount', { max: MAX_PAYMENT_TEXT });
  const reason = input.reason.trim();
  if (!reason) throw new AppError('reason_required');
  const key = `${input.kind}:${input.idempotencyKey.trim()}`;
  if (!input.idempotencyKey.trim() || key.length > 220)
    throw new AppError('validation_failed', { details: 'idempotencyKey' });

  return inTransaction(db, async (tx) => {
    const acc = await lockAccount(tx, input.accountId);
    const [prev] = await queryRows<{ id: number; account_id: number; amount: number; kind: string }>(
      tx,
      sql`select id, account_id, amount, kind from ledger_entries where idempotency_key = ${key}`,
    );
    if (prev) {
      if (prev.account_id !== acc.id || prev.amount !== amount || prev.kind !== input.kind)
        throw new AppError('idempotency_conflict');
      return { entryId: prev.id, created: false, balanceBefore: acc.balance, balance: acc.balance, unblocked: false };
    }
    if (input.kind === 'refund' && -amount > Math.max(0, acc.balance)) {
      throw new AppError('refund_exceeds_balance', { available: availableRubles(acc.balance) });
    }
    const posted = await postEntry(tx, {
      accountId: acc.id,
      kind: input.kind,
      amount,
      effectiveOn: acc.today,
      source: `staff:${input.staffId}`,
      comment: reason,
      idempotencyKey: key,
      // A correction is told as one ("balance corrected"), never as a payment; a refund paid out is not.
      notice: input.kind === 'adjustment' ? 'correction' : undefined,
    });
    const { unblocked } = posted;
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: input.kind === 'refund' ? 'account.refund' : 'account.correction',
      entity: 'account',
      entityId: acc.id,
      before: { balance: acc.balance },
      after: { balance: posted.balance, amount, reason, entryId: posted.entryId, unblocked },
      ip: input.ip ?? null,
    });
    return { entryId: posted.entryId, created: true, balanceBefore: acc.balance, balance: posted.balance, unblocked };
  });
}

/** Kopecks as the `{available}` of a refund error (whose message adds the ₽); never below zero. */
export function availableRubles(kopecks: number): string {
  return formatRubles(Math.max(0, kopecks)).replace(/\s?₽$/, '');
}
