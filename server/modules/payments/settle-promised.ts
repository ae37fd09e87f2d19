import type { Db } from '../../db/client.js';
import { expirePromisedCredits } from '../ledger/promised-credit.js';

/**
 * Promised payments past their due day end (job `payments.expire-promised`): the ledger removes the
 * credit and blocks the accounts it no longer covers (expirePromisedCredits). Repayment needs no job:
 * every credit repays in its own statement (creditPayment).
 */
export async function expirePromisedPayments(db: Db): Promise<{ expired: number; blocked: number }> {
  return expirePromisedCredits(db);
}
