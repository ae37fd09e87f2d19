import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { coveredSql } from './coverage.js';
import { ACCOUNT_LOCK } from './lock-account.js';

export type ServiceStatusChange = 'suspend' | 'resume' | 'terminate';

/**
 * Each change: the statuses it applies to, the new status (over the `accounts` alias `a`), and its event.
 * One table for the single change below and the set-based one (set-service-statuses.ts).
 */
export const STATUS_CHANGES: Record<ServiceStatusChange, { from: SQL; to: SQL; event: string }> = {
  suspend: { from: sql`('active', 'blocked')`, to: sql`'suspended'`, event: 'suspended' },
  resume: {
    from: sql`('suspended')`,
    to: sql`case when ${coveredSql('a')} then 'active' else 'blocked' end`,
    event: 'resumed',
  },
  terminate: { from: sql`('active', 'blocked', 'suspended')`, to: sql`'terminated'`, event: 'terminated' },
};

/**
 * The account's status is money state too (blocked = not covered), so every change of it goes through
 * the ledger. Other modules decide *when* (a voluntary suspension starts or ends, a contract is
 * terminated); this writes it with its account event, in one statement, the account row locked first:
 * - `suspend`: active or blocked → suspended (no subscription fee while suspended);
 * - `resume`: suspended → active when the account is covered, else blocked (with a 'blocked' event);
 * - `terminate`: any → terminated.
 * Returns the new status; a change that does not apply (resume of an account that is not suspended)
 * changes nothing and returns the current one.
 */
export async function setServiceStatus(
  db: Db,
  opts: { accountId: number; change: ServiceStatusChange; data?: Record<string, unknown> },
): Promise<string> {
  const { from, to, event } = STATUS_CHANGES[opts.change];
  const data = JSON.stringify(opts.data ?? {});
  const [row] = await queryRows<{ status: string }>(
    db,
    sql`with old as (
          select id, status from accounts where id = ${opts.accountId} ${ACCOUNT_LOCK}),
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
        select coalesce((select status from upd), old.status) as status from old`,
  );
  if (!row) throw new AppError('account_not_found', { account: opts.accountId });
  return row.status;
}
