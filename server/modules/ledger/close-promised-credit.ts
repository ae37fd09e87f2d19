import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { ACCOUNT_LOCK } from './lock-account.js';

/**
 * Closes an account's active promised payment when the contract ends (termination): the row is marked
 * repaid and the credit goes. Only for an account that owes nothing (balance ≥ 0) — a termination with a
 * debt is refused first — so no money is lost: the credit was never spent. One statement, the account
 * row locked first. Returns the credit that was closed (0 when there was none).
 */
export async function closePromisedCredit(db: Db, accountId: number): Promise<number> {
  const [row] = await queryRows<{ closed: number }>(
    db,
    sql`with old as (
          select id, promised_credit from accounts where id = ${accountId} and balance >= 0 ${ACCOUNT_LOCK}),
        pp as (
          update promised_payments p set status = 'repaid', closed_at = now()
          from old where p.account_id = old.id and p.status = 'active' returning p.id),
        upd as (
          update accounts a set promised_credit = 0 from old where a.id = old.id and old.promised_credit > 0 returning a.id)
        select coalesce((select promised_credit from old), 0)::int8 as closed`,
  );
  return row?.closed ?? 0;
}
