import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { LedgerKind } from '../../db/schema/index.js';
import { becomesUnblocked } from './coverage.js';

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
  /**
   * Tell the subscriber (docs/notifications.md, "Money notices"): a `balance_changed` account event with
   * this cause, written in the same statement. Never "payment": only creditPayment says a payment came.
   */
  notice?: BalanceNoticeCause;
}

/** Why a balance moved without a payment, as the subscriber is told it (account event `balance_changed`). */
export type BalanceNoticeCause = 'correction' | 'refund_reversed' | 'compensation';

export interface PostedEntry {
  entryId: number;
  accountId: number;
  balance: number;
  /** False when the idempotency key had already been used: nothing was written this time. */
  created: boolean;
  /** True when this credit covered a blocked account and restored it (an 'unblocked' event was written). */
  unblocked: boolean;
}

/**
 * The only way a single balance change happens (corrections, refunds, opening balances): in ONE
 * statement it locks the account row (first, as the lock order says), appends the entry, moves the
 * balance and, for a credit that covers a blocked account, restores it with an 'unblocked' event —
 * so none of them can exist without the others. A debit never blocks here: blocking for debt is the
 * daily charge's (and promised-payment expiry's) decision. With `notice`, the subscriber is told of the
 * change (a `balance_changed` event; never "payment credited"). Run it inside the caller's transaction when
 * other state changes with it. A repeated idempotency key writes nothing and returns the first entry
 * (its amount and account must match, or it is a conflict).
 */
export async function postEntry(db: Db, e: PostEntryInput): Promise<PostedEntry> {
  if (!Number.isSafeInteger(e.amount)) throw new AppError('bad_amount', { max: '' });
  const credit = sql`${e.amount}::int8`;
  const unblock = e.amount > 0 ? becomesUnblocked('a', credit) : sql`false`;
  const rows = await queryRows<{ entry_id: number; account_id: number; balance: number; unblocked: boolean }>(
    db,
    sql`with old as (
          select id, status from accounts where id = ${e.accountId} for no key update),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key, subscription_id)
          select id, ${e.kind}, ${credit}, ${e.effectiveOn}::date, ${e.source}, ${e.comment ?? null},
                 ${e.idempotencyKey ?? null}, ${e.subscriptionId ?? null}
          from old
          on conflict do nothing
          returning id, account_id, amount),
        upd as (
          update accounts a set balance = a.balance + ins.amount,
            status = case when ${unblock} then 'active' else a.status end,
            status_changed_at = case when ${unblock} then now() else a.status_changed_at end
          from ins, old where a.id = ins.account_id
          returning ins.id as entry_id, a.id as account_id, a.balance, (old.status = 'blocked' and a.status = 'active') as unblocked),
        ev as (
          insert into account_events (account_id, kind, data)
          select account_id, 'unblocked', jsonb_build_object('balance', balance) from upd where unblocked
          union all
          select account_id, 'balance_changed',
                 jsonb_build_object('cause', ${e.notice ?? null}::text, 'amount', ${credit}, 'balance', balance)
          from upd where ${e.notice !== undefined})
        select entry_id, account_id, balance, unblocked from upd`,
  );
  if (rows[0]) return { ...rowToPosted(rows[0]), created: true };
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
  return { entryId: prev.id, accountId: prev.account_id, balance: prev.balance, created: false, unblocked: false };
}

function rowToPosted(r: { entry_id: number; account_id: number; balance: number; unblocked: boolean }) {
  return { entryId: r.entry_id, accountId: r.account_id, balance: r.balance, unblocked: r.unblocked };
}
