import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { coveredSql } from './coverage.js';

export interface OpenedTotals {
  /** Accounts opened by this call. */
  accounts: number;
  /** Opening entries written (accounts with a zero balance get none). */
  entries: number;
  /** Their sum in kopecks. */
  amount: number;
  /** Accounts that start blocked: not covered by their balance and credit limit. */
  blocked: number;
}

/**
 * The money side of accounts moved in from another billing (docs/import.md, "Money"), for accounts the
 * import has just created (balance 0, active, no credit) — any other account in `rows` is left alone. In
 * one statement: `rows` is a SELECT of
 *   (account_id, amount, credit_limit, status, effective_on, idempotency_key, comment)
 * with status 'active' | 'suspended' | 'terminated' as the source had it. Each non-zero amount becomes
 * ONE `adjustment` entry (the opening balance, keyed, so it is never written twice), the balance moves by
 * it, the credit limit is set, and the status is the source's — except that an active account its money
 * does not cover starts blocked (coverage.ts). No account events: nothing changed for the subscriber.
 * A key that was used before (it cannot be, for an account made in the same transaction) fails the whole
 * call, so a balance never moves without its entry.
 */
export async function openImportedAccounts(db: Db, opts: { rows: SQL; source: string }): Promise<OpenedTotals> {
  const [r] = await queryRows<{ accounts: number; entries: number; wanted: number; amount: number; blocked: number }>(
    db,
    sql`with src as (${opts.rows}),
        fresh as (
          select a.id, s.amount, s.credit_limit, s.status, s.effective_on, s.idempotency_key, s.comment
          from src s join accounts a on a.id = s.account_id
          where a.balance = 0 and a.credit_limit = 0 and a.promised_credit = 0 and a.status = 'active'
          order by a.id
          for no key update of a),
        ins as (
          insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key)
          select id, 'adjustment', amount, effective_on, ${opts.source}, comment, idempotency_key
          from fresh where amount <> 0
          on conflict do nothing
          returning account_id, amount),
        upd as (
          update accounts a
          set balance = a.balance + f.amount,
              credit_limit = f.credit_limit,
              status = case
                when f.status in ('terminated', 'suspended') then f.status
                when ${coveredSql('a', sql`f.amount + f.credit_limit`)} then 'active'
                else 'blocked' end,
              status_changed_at = now()
          from fresh f
          where a.id = f.id
          returning a.id, a.status)
        select (select count(*) from upd)::int8 as accounts, (select count(*) from ins)::int8 as entries,
               (select count(*) from fresh where amount <> 0)::int8 as wanted,
               (select coalesce(sum(amount), 0) from ins)::int8 as amount,
               (select count(*) from upd where status = 'blocked')::int8 as blocked`,
  );
  // An opening entry whose key was used before would leave a balance without its entry: undo it all.
  if (r && r.entries !== r.wanted) throw new AppError('idempotency_conflict');
  return { accounts: r?.accounts ?? 0, entries: r?.entries ?? 0, amount: r?.amount ?? 0, blocked: r?.blocked ?? 0 };
}
