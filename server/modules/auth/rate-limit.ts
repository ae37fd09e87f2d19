import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

/*
 * Counting events that are not guesses: SMS and codes sent, public payment lookups. A try at a secret (a
 * password, a TOTP or one-time code) is counted BEFORE it is checked, with attempts.ts instead: checking
 * `assertNotLocked` first and counting afterwards lets parallel guesses through one window.
 */
export interface LimitRule {
  /** Events allowed in the window before the key is locked. */
  limit: number;
  windowSeconds: number;
  /** How long the key stays locked once over the limit. */
  lockSeconds: number;
}

/** Throws `rate_limited` with the seconds to wait if any of the keys is locked now. */
export async function assertNotLocked(db: Db, keys: string[]): Promise<void> {
  const [row] = await queryRows<{ wait: number | null }>(
    db,
    sql`select ceil(extract(epoch from max(locked_until) - now()))::int as wait
        from rate_limits where key in (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )}) and locked_until > now()`,
  );
  if (row?.wait && row.wait > 0) throw new AppError('rate_limited', { retryAfter: row.wait });
}

/**
 * Counts one event for the key (a failed sign-in, an SMS sent) in a fixed window; when the count
 * reaches the limit the key is locked for `lockSeconds`. Atomic: one upsert, safe across servers.
 * Returns the seconds until the lock ends when this event locked it, else 0.
 */
export async function countEvent(db: Db, key: string, rule: LimitRule): Promise<number> {
  const [row] = await queryRows<{ count: number; wait: number | null }>(
    db,
    sql`insert into rate_limits as r (key, count, window_started_at, locked_until)
        values (${key}, 1, now(), case when 1 >= ${rule.limit} then now() + make_interval(secs => ${rule.lockSeconds}) end)
        on conflict (key) do update set
          count = case when r.window_started_at < now() - make_interval(secs => ${rule.windowSeconds}) then 1 else r.count + 1 end,
          window_started_at = case when r.window_started_at < now() - make_interval(secs => ${rule.windowSeconds}) then now() else r.window_started_at end,
          locked_until = case
            when (case when r.window_started_at < now() - make_interval(secs => ${rule.windowSeconds}) then 1 else r.count + 1 end) >= ${rule.limit}
            then now() + make_interval(secs => ${rule.lockSeconds}) else r.locked_until end
        returning count, ceil(extract(epoch from locked_until - now()))::int as wait`,
  );
  return row && row.count >= rule.limit ? Math.max(1, row.wait ?? rule.lockSeconds) : 0;
}
