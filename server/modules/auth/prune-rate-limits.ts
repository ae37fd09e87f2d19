import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import type { PeriodicTask } from '../../jobs/scheduler.js';

/**
 * Forgets counters no rule still looks at: the longest window is a day (TOTP), a delay starts over after
 * 15 quiet minutes, so a row whose window began two days ago and holds no lock is the same as no row.
 * Addresses, logins and device ids seen once would otherwise stay in `rate_limits` for ever. One
 * statement; every app process may run it, harmlessly.
 */
export async function pruneRateLimits(db: Db): Promise<void> {
  await db.execute(
    sql`delete from rate_limits
        where window_started_at < now() - interval '2 days' and (locked_until is null or locked_until < now())`,
  );
}

export const pruneRateLimitsTask: PeriodicTask = {
  name: 'auth.prune-rate-limits',
  everySeconds: 3600,
  tick: (db) => pruneRateLimits(db),
};
