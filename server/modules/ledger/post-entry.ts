import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { LedgerKind } from '../../db/schema/index.js';

export interface PostEntryInput {
  accountId: number;
  kind: LedgerKind;
  /** Signed kopecks: positive credits, negative debits. */
  amount: number;
  effectiveOn: string;
  source: string;
  comment?: string | null;
  idempotencyKey?: string | null;
  subscriptionId?: number | null;
}

export interface PostedEntry {
  entryId: number;
  accountId: number;
  balance: number;
  /** False when the idempotency key had already been used: nothing was written this time. */
  created: boolean;
}

/**
 * The only way a single balance change happens: appends the ledger entry and moves the balance in
 * one statement, so neither can exist without the other. Run it inside the caller's transaction
 * when other state changes with it. A repeated idempotency key writes nothing and returns the
 * first entry (its amount and account must match, or it is a conflict).
 */
export async function postEntry(db: Db, e: PostEntryInput): Promise<PostedEntry> {
  if (!Number.isSafeInteger(e.amount)) throw new AppError('bad_amount', { max: '' });
  const rows = await queryRows<{ entry_id: number; account_id: number; balance: number }>(
    db,
    sql`with ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key, subscription_id)
          select id, ${e.kind}, ${e.amount}, ${e.effectiveOn}::date, ${e.source}, ${e.comment ?? null},
                 ${e.idempotencyKey ?? null}, ${e.subscriptionId ?? null}
          from accounts where id = ${e.accountId}
          on conflict do nothing
          returning id, account_id, amount)
        update accounts a set balance = a.balance + ins.amount
        from ins where a.id = ins.account_id
        returning ins.id as entry_id, a.id as account_id, a.balance`,
  );
  if (rows[0])
    return { entryId: rows[0].entry_id, accountId: rows[0].account_id, balance: rows[0].balance, created: true };
  if (!e.idempotencyKey) {
    const [acc] = await queryRows<{ id: number }>(db, sql`select id from accounts where id = ${e.accountId}`);
    if (!acc) throw new AppError('account_not_found', { account: e.accountId });
    throw new AppError('conflict', { details: 'duplicate ledger entry' });
  }
  const [prev] = await queryRows<{ id: number; account_id: number; amount: number; kind: string; balance: number }>(
    db,
    sql`select l.id, l.account_id, l.amount, l.kind, a.balance from ledger_entries l join accounts a on a.id = l.account_id
        where l.idempotency_key = ${e.idempotencyKey}`,
  );
  if (!prev) throw new AppError('account_not_found', { account: e.accountId });
  if (prev.account_id !== e.accountId || prev.amount !== e.amount || prev.kind !== e.kind) {
    throw new AppError('idempotency_conflict');
  }
  return { entryId: prev.id, accountId: prev.account_id, balance: prev.balance, created: false };
}
