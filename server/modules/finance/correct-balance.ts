import type { Db } from '../../db/client.js';
import { postBalanceChange } from './post-balance-change.js';

/** A signed correction of the balance (ledger kind 'adjustment') with a required reason. */
export function correctBalance(
  db: Db,
  i: { accountId: number; amount: number; reason: string; idempotencyKey: string; staffId: number; ip?: string },
) {
  return postBalanceChange(db, { ...i, kind: 'adjustment' });
}
