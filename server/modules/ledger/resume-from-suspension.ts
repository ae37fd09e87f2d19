import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * The debt status an account comes back to after a voluntary suspension (or any pause of service that
 * is not about money): `active` when its money covers (balance + credit limit + promised credit ≥ 0),
 * otherwise `blocked` for debt with a `blocked` event. Together with a `resumed` event for the network
 * and notices. `which` selects the account ids; only accounts that are `suspended` are touched. One
 * statement; call it where the account rows are already locked.
 */
export async function resumeAccounts(
  db: Db,
  which: SQL,
  data: SQL = sql`'{}'::jsonb`,
): Promise<{ id: number; status: 'active' | 'blocked' }[]> {
  return queryRows<{ id: number; status: 'active' | 'blocked' }>(
    db,
    sql`with upd as (
          update accounts a
          set status = case when a.balance + a.credit_limit + a.promised_credit >= 0 then 'active' else 'blocked' end,
              status_changed_at = now()
          where a.id in (${which}) and a.status = 'suspended'
          returning a.id, a.status, a.balance),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, 'resumed', ${data} from upd
          union all
          select id, 'blocked', jsonb_build_object('reason', 'resumed_in_debt', 'balance', balance) from upd where status = 'blocked')
        select id, status from upd`,
  );
}

/**
 * Marks accounts suspended (their debt status is kept aside until they resume), with `suspended` events
 * whose data may read the updated account as `upd.id`.
 */
export async function suspendAccounts(db: Db, which: SQL, data: SQL = sql`'{}'::jsonb`): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`with upd as (
          update accounts a set status = 'suspended', status_changed_at = now()
          where a.id in (${which}) and a.status in ('active', 'blocked')
          returning a.id),
        ev as (insert into account_events (account_id, kind, data) select id, 'suspended', ${data} from upd)
        select id from upd`,
  );
  return rows.map((r) => r.id);
}
