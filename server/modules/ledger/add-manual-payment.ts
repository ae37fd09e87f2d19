import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { type Db, queryRows } from '../../db/client.js';
import { creditPayment, type CreditPaymentResult, lockForCredit } from './credit-payment.js';

export interface ManualPaymentInput {
  accountNumber: string;
  amount: number;
  /** The caller's idempotency key: the same key again credits nothing and returns the first result. */
  key: string;
  /** cli | office_cash | bank_transfer | staff */
  provider: string;
  method: string;
  source: string;
  comment?: string | null;
  /** The day the money counts from (default: today in the account's region); demo history uses past days. */
  effectiveOn?: string;
}

export interface ManualPaymentResult extends CreditPaymentResult {
  paymentId: number;
  accountId: number;
}

/**
 * A payment entered by hand (CLI, office cash desk, bank transfer): a `payments` row marked succeeded
 * and its ledger credit in one transaction. Keyed by (provider, key): a repeat returns the first
 * payment; the same key with another account or amount is refused.
 */
export async function addManualPayment(db: Db, input: ManualPaymentInput): Promise<ManualPaymentResult> {
  validatePaymentAmount(input.amount);
  if (!input.key.trim() || input.key.length > 200) throw new AppError('validation_failed', { details: 'key' });
  return db.transaction(async (tx) => {
    // The account row first (lock order), then the payment row that references it.
    const acc = await lockForCredit(tx, { number: input.accountNumber }, input.effectiveOn);
    const idem = `${input.provider}:${input.key}`;
    const inserted = await queryRows<{ id: number }>(
      tx,
      sql`insert into payments (account_id, provider, external_id, idempotency_key, amount, status, method, description, succeeded_at)
          values (${acc.account_id}, ${input.provider}, ${input.key}, ${idem}, ${input.amount}, 'succeeded', ${input.method},
                  ${input.comment ?? null}, now())
          on conflict do nothing
          returning id`,
    );
    let paymentId = inserted[0]?.id;
    if (!paymentId) {
      const [prev] = await queryRows<{ id: number; account_id: number; amount: number }>(
        tx,
        sql`select id, account_id, amount from payments where idempotency_key = ${idem}`,
      );
      if (!prev || prev.account_id !== acc.account_id || prev.amount !== input.amount)
        throw new AppError('idempotency_conflict');
      paymentId = prev.id;
    } else if (acc.account_status === 'terminated') {
      throw new AppError('account_terminated');
    }
    const credited = await creditPayment(
      tx,
      {
        accountId: acc.account_id,
        amount: input.amount,
        idempotencyKey: `payment:${paymentId}`,
        source: input.source,
        effectiveOn: acc.today,
        comment: input.comment,
        alongside: (c) => [
          sql`update payments set ledger_entry_id = c.entry_id from ${c} c where payments.id = ${paymentId}`,
        ],
      },
      acc,
    );
    return { ...credited, paymentId, accountId: acc.account_id };
  });
}
