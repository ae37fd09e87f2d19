import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { becomesUnblocked } from './coverage.js';

/**
 * Service comes back at once when money covers the debt: a blocked-for-debt account that is covered
 * again (coverage.ts) becomes active, with an 'unblocked' event. Returns true when it unblocked. Call
 * inside the transaction that changed what coverage depends on, with the account locked first.
 * postEntry, creditPayment and grantPromisedCredit already restore in their own statement: this is for
 * a change that moved no money (none in the code today).
 */
export async function restoreIfCovered(db: Db, accountId: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`with upd as (
          update accounts a set status = 'active', status_changed_at = now()
          where a.id = ${accountId} and ${becomesUnblocked('a')}
          returning a.id, a.balance)
        insert into account_events (account_id, kind, data)
        select id, 'unblocked', jsonb_build_object('balance', balance) from upd
        returning account_id as id`,
  );
  return rows.length > 0;
}
