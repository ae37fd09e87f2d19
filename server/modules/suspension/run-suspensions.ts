import { sql } from 'drizzle-orm';

import type { SuspensionRules } from '../../../common/suspension-rules.js';
import { type Db, queryRows } from '../../db/client.js';
import { resumeAccounts, suspendAccounts } from '../ledger/resume-from-suspension.js';

/**
 * The daily run's suspension step for one region and day D, before D is charged (set-based):
 *  1. suspensions whose last day is before D finish, and their accounts resume (active, or blocked
 *     when the money does not cover) with `resumed` events;
 *  2. approved suspensions whose first day has come start: their free days are fixed by the rule of
 *     common/suspension-rules.ts (the allowance minus the free days used in the window before them,
 *     in SQL here), and the accounts become `suspended` with `suspended` events.
 * Accounts are locked first, in id order, then the suspensions (the project's lock order).
 */
export async function runSuspensions(
  db: Db,
  opts: { regionId: number; day: string; rules: Pick<SuspensionRules, 'freeDays' | 'windowDays'> },
): Promise<{ started: number; finished: number }> {
  const { regionId, day } = opts;
  return db.transaction(async (tx) => {
    const touched = await queryRows<{ id: number }>(
      tx,
      sql`select a.id from accounts a
          where a.region_id = ${regionId} and exists (
            select 1 from suspensions s where s.account_id = a.id
              and ((s.status = 'active' and coalesce(s.ended_on, s.ends_on) < ${day}::date)
                or (s.status = 'approved' and s.starts_on <= ${day}::date and s.ends_on >= ${day}::date)))
          order by a.id for update of a`,
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
    if (finished.length) {
      await resumeAccounts(
        tx,
        sql.join(
          finished.map((f) => sql`${f.account_id}::int8`),
          sql`, `,
        ),
        sql`jsonb_build_object('day', ${day}::text)`,
      );
    }
    const window = opts.rules.windowDays - 1;
    const started = await queryRows<{ account_id: number }>(
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
          returning s.account_id`,
    );
    if (started.length) {
      await suspendAccounts(
        tx,
        sql.join(
          started.map((f) => sql`${f.account_id}::int8`),
          sql`, `,
        ),
        sql`(select jsonb_build_object('day', ${day}::text, 'suspensionId', s.id, 'from', s.starts_on, 'to', s.ends_on)
             from suspensions s where s.account_id = upd.id and s.status = 'active')`,
      );
    }
    return { started: started.length, finished: finished.length };
  });
}
