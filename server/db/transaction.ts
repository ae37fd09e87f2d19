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
