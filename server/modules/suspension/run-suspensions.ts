import { sql } from 'drizzle-orm';

import type { SuspensionRules } from '../../../common/suspension-rules.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { ACCOUNT_LOCK } from '../ledger/lock-account.js';
import { setServiceStatus } from '../ledger/set-service-status.js';

/**
 * The daily run's suspension step for one region and day D, before D is charged:
 *  1. suspensions whose last day is before D finish, and their accounts resume through the ledger
 *     (active, or blocked when the money does not cover) with `resumed` events;
 *  2. approved suspensions whose first day has come start: their free days are fixed by the rule of
 *     common/suspension-rules.ts (the allowance minus the free days used in the window before them, in
 *     SQL here, set-based), each gets the `suspension` subscription that carries its daily fee in the
 *     charge statement, and the accounts become `suspended` with `suspended` events.
 * The accounts concerned are locked first, in id order (the project's lock order), in one transaction.
 * Few accounts change on a day, so their status goes through the ledger's setServiceStatus one by one.
 * `accountId`: for that account of the region only (runAccountDay).
 */
export async function runSuspensions(
  db: Db,
  opts: {
    regionId: number;
    day: string;
    rules: Pick<SuspensionRules, 'freeDays' | 'windowDays'>;
    accountId?: number;
  },
): Promise<{ started: number; finished: number }> {
  const { regionId, day } = opts;
  return inTransaction(db, async (tx) => {
    const touched = await queryRows<{ id: number }>(
      tx,
      sql`select a.id from accounts a
          where a.region_id = ${regionId} ${opts.accountId === undefined ? sql`` : sql`and a.id = ${opts.accountId}`}
            and exists (
            select 1 from suspensions s where s.account_id = a.id
              and ((s.status = 'active' and coalesce(s.ended_on, s.ends_on) < ${day}::date)
                or (s.status = 'approved' and s.starts_on <= ${day}::date and s.ends_on >= ${day}::date)))
          order by a.id ${ACCOUNT_LOCK} of a`,
    );
    if (touched.length === 0) return { started: 0, finished: 0 };
    const ids = sql.join(
      touched.map((t) => sql`${t.id}::int8`),
      sql`, `,
    );
    const finished = await queryRows<{ id: number; account_id: number }>(
      tx,
      sql`update suspensions set status = 'finished'
          where account_id in (${ids}) and status = 'active' and coalesce(ended_on, ends_on) < ${day}::date
          returning id, account_id`,
    );
    for (const f of finished) {
      await setServiceStatus(tx, { accountId: f.account_id, change: 'resume', data: { suspensionId: f.id, day } });
    }
    const window = opts.rules.windowDays - 1;
    const started = await queryRows<{ id: number; account_id: number; starts_on: string; ends_on: string }>(
      tx,
      sql`update suspensions s set status = 'active',
            free_days = least(s.ends_on - s.starts_on + 1, greatest(0, ${opts.rules.freeDays} - coalesce((
              select sum(greatest(0,
                       least(p.starts_on + p.free_days - 1, coalesce(p.ended_on, p.ends_on), s.starts_on - 1)
                       - greatest(p.starts_on, s.starts_on - ${window}::int) + 1))
              from suspensions p
              where p.account_id = s.account_id and p.id <> s.id and p.status in ('active', 'finished')
                and p.free_days > 0 and p.starts_on < s.starts_on), 0)))
          where s.account_id in (${ids}) and s.status = 'approved'
            and s.starts_on <= ${day}::date and s.ends_on >= ${day}::date
          returning s.id, s.account_id, s.starts_on::text, s.ends_on::text`,
    );
    if (started.length) {
      // A second statement: one statement may not both activate a suspension and link its fee row.
      const startedIds = sql.join(
        started.map((x) => sql`${x.id}::int8`),
        sql`, `,
      );
      await tx.execute(
        sql`with fee as (
              insert into subscriptions (account_id, kind, monthly_fee, starts_on, ends_on)
              select account_id, 'suspension', 0, starts_on, ends_on from suspensions where id in (${startedIds})
              returning id, account_id)
            update suspensions s set subscription_id = fee.id from fee
            where s.id in (${startedIds}) and s.account_id = fee.account_id`,
      );
    }
    for (const s of started) {
      await setServiceStatus(tx, {
        accountId: s.account_id,
        change: 'suspend',
        data: { suspensionId: s.id, from: s.starts_on, to: s.ends_on, day },
      });
    }
    return { started: started.length, finished: finished.length };
  });
}
