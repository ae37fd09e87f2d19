import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * Service comes back at once when money covers the debt: a blocked-for-debt account whose balance
 * is at or above its limit (credit limit plus any promised payment) becomes active. Returns true when
 * it unblocked. Call inside the transaction that changed the balance.
 */
export async function restoreIfCovered(db: Db, accountId: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update accounts set status = 'active', status_changed_at = now()
        where id = ${accountId} and status = 'blocked' and balance + credit_limit + promised_credit >= 0
        returning id`,
  );
  if (rows.length > 0) {
    await db.execute(sql`insert into account_events (account_id, kind) values (${accountId}, 'unblocked')`);
  }
  return rows.length > 0;
}
