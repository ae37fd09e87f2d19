import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { ACCOUNT_LOCK } from './lock-account.js';
import { STATUS_CHANGES } from './set-service-status.js';

export interface StatusChangeRow {
  account_id: number;
  /** The status before (read under the lock). */
  before: string;
  status: string;
  changed: boolean;
}

/**
 * setServiceStatus for many accounts in ONE statement (bulk block and unblock, docs/bulk.md): the same
 * rules (STATUS_CHANGES) and events, the accounts locked first in id order. An account the change does
 * not apply to (resume of one that is not suspended) is returned unchanged. `data` goes into each event
 * (who and why: `{by: 'staff', staffId, operationId}` tells the notices a staff block from a voluntary one).
 */
export async function setServiceStatuses(
  db: Db,
  opts: { accountIds: readonly number[]; change: 'suspend' | 'resume'; data?: Record<string, unknown> },
): Promise<StatusChangeRow[]> {
  if (opts.accountIds.length === 0) return [];
  const ids = `{${opts.accountIds.map((i) => Math.trunc(i)).join(',')}}`;
  const { from, to, event } = STATUS_CHANGES[opts.change];
  const data = JSON.stringify(opts.data ?? {});
  return queryRows<StatusChangeRow>(
    db,
    sql`with old as (
          select id, status from accounts where id = any(${ids}::int8[]) order by id ${ACCOUNT_LOCK}),
        upd as (
          update accounts a set status = ${to}, status_changed_at = now()
          from old where a.id = old.id and old.status in ${from}
          returning a.id, a.status, a.balance),
        ev as (
          insert into account_events (account_id, kind, data)
          select id, ${event}, ${data}::jsonb from upd
          union all
          select id, 'blocked', jsonb_build_object('reason', 'resumed_in_debt', 'balance', balance)
          from upd where ${opts.change === 'resume'} and status = 'blocked')
        select old.id as account_id, old.status as before, coalesce(upd.status, old.status) as status,
               (upd.id is not null) as changed
        from old left join upd on upd.id = old.id order by old.id`,
  );
}
