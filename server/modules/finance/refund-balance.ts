import type { Db } from '../../db/client.js';
import { postBalanceChange } from './post-balance-change.js';

/**
 * Records a refund to the subscriber: debits the balance (ledger kind 'refund'). Only money that is
 * on the balance can be refunded; the payout itself (cash, bank transfer) happens outside Abonent.
 */
export function refundBalance(
  db: Db,
  i: { accountId: number; amount: number; reason: string; idempotencyKey: string; staffId: number; ip?: string },
) {
  return postBalanceChange(db, { ...i, amount: -i.amount, kind: 'refund' });
}
