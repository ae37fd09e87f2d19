import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRowsPrepared } from '../../db/client.js';

/**
 * Lock order (docs/billing.md, "Locks"): in every transaction that changes money, the ACCOUNT ROW IS
 * LOCKED FIRST, before any row that belongs to it (payment, refund, promised payment) is locked,
 * inserted or updated; several accounts are locked in id order.
 *
 * The lock is `FOR NO KEY UPDATE`, the one an UPDATE of the balance takes anyway. It does not conflict
 * with the `FOR KEY SHARE` lock that PostgreSQL takes on the account when a row referencing it (a
 * payment, an event) is inserted, so inserting such a row never waits for a money transaction, and a
 * transaction that inserted one can still lock the account. (`FOR UPDATE` does conflict: two payments
 * that each inserted their row, then asked `FOR UPDATE` on the account, deadlocked.)
 */
export const ACCOUNT_LOCK = sql.raw('for no key update');

export interface LockedAccount {
  id: number;
  number: string;
  region_id: number;
  time_zone: string;
  /** Today in the account's region (the day a money movement counts from). */
  today: string;
  balance: number;
  credit_limit: number;
  promised_credit: number;
  status: string;
}

function lockStatement(where: SQL): SQL {
  return sql`select a.id, a.number, a.region_id, r.time_zone, (now() at time zone r.time_zone)::date::text as today,
                    a.balance, a.credit_limit, a.promised_credit, a.status
             from accounts a join regions r on r.id = a.region_id
             where ${where} for no key update of a`;
}

/** Locks the account row (call first in the transaction) and returns its money state. */
export async function lockAccount(db: Db, accountId: number): Promise<LockedAccount> {
  const [a] = await queryRowsPrepared<LockedAccount>(db, lockStatement(sql`a.id = ${accountId}`));
  if (!a) throw new AppError('account_not_found', { account: accountId });
  return a;
}

/** lockAccount by the personal account number (what a payer types). */
export async function lockAccountByNumber(db: Db, number: string): Promise<LockedAccount> {
  const [a] = await queryRowsPrepared<LockedAccount>(db, lockStatement(sql`a.number = ${number}`));
  if (!a) throw new AppError('account_not_found', { account: number });
  return a;
}
