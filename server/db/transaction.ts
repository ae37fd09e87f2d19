import { TransactionRollbackError } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';

import type { Db } from './client.js';

/** True when `db` is an open transaction (a use-case was called inside its caller's transaction). */
export function isTransaction(db: Db): boolean {
  return db instanceof PgTransaction;
}

/**
 * The one way a use-case makes its work atomic (docs/code-style.md, "Transactions"): inside the caller's
 * transaction it runs in it — the caller's commit or rollback covers it, and no savepoint is taken;
 * given the database itself it opens a transaction of its own. So a use-case is atomic whether it is
 * called alone (a route, a job) or composed with others in one transaction.
 *
 * An error inside `fn` aborts the caller's transaction too: do not catch a use-case's error and go on
 * with the same transaction.
 */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return isTransaction(db) ? fn(db) : db.transaction(fn);
}

/**
 * For a use-case that calls a network service (payment provider, ATOL, SMTP) between its database steps:
 * each step must commit on its own, so being called inside a transaction would hold that transaction
 * (and its row locks) across the call. Throws — a bug of the caller — instead.
 */
export function assertNoTransaction(db: Db, useCase: string): void {
  if (isTransaction(db)) {
    throw new Error(`${useCase} calls a network service between its steps: call it outside any transaction`);
  }
}

/**
 * Runs `fn` in a transaction of its own that is ALWAYS rolled back, and returns what `fn` returned: a
 * forecast made by running the real code on the real rows (the termination's expected settlement runs
 * the daily run's steps and the settlement itself, docs/termination.md) with none of its writes kept.
 * NOTIFYs are dropped with it (they are sent only at commit); sequences advance (gaps in ids only).
 */
export async function inRolledBackTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (isTransaction(db)) throw new Error('inRolledBackTransaction: call it outside any transaction');
  let result: { value: T } | null = null;
  try {
    await db.transaction(async (tx) => {
      result = { value: await fn(tx) };
      tx.rollback();
    });
  } catch (e) {
    if (!(e instanceof TransactionRollbackError)) throw e;
  }
  if (!result) throw new Error('inRolledBackTransaction: the transaction ended without a result');
  return (result as { value: T }).value;
}
