import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { defineJob } from '../../jobs/queue.js';
import { oncePerSlot } from '../../jobs/scheduler.js';
import { loadCoaJobs, sendCoaJobs } from './send-coa.js';

/**
 * The backstop of the network dispatcher: events are normally sent within milliseconds of their
 * NOTIFY (NetworkRuntime.kick); this catches any a process missed (it was restarting, LISTEN was down).
 */
export const networkDispatchJob = defineJob({
  name: 'network.dispatch',
  payload: z.object({}),
  leaseSeconds: 120,
  async handler(_p, { deps }) {
    await deps.network.dispatchNow();
  },
});
export const networkDispatchTask = oncePerSlot(networkDispatchJob, 15);

/**
 * CoA / Disconnect-Requests the NAS did not answer (timeout, a send error, a process that died
 * between recording and sending) are sent again for an hour, at most 6 attempts, unless a newer request
 * for the same session replaced them or the session has ended.
 */
export const coaRetryJob = defineJob({
  name: 'network.coa-retry',
  payload: z.object({}),
  leaseSeconds: 300,
  async handler(_p, { db, deps }) {
    const jobs = await loadCoaJobs(
      db,
      sql`r.attempts < 6 and r.created_at > now() - interval '1 hour'
          and (r.status in ('timeout', 'error') or (r.status = 'pending' and r.created_at < now() - interval '1 minute'))
          and not exists (select 1 from coa_requests n where n.session_id = r.session_id and n.id > r.id)
          and exists (select 1 from radius_sessions s where s.id = r.session_id and s.stopped_at is null)`,
    );
    await sendCoaJobs(db, deps.network.coa, deps.config.secrets, jobs);
  },
});
export const coaRetryTask = oncePerSlot(coaRetryJob, 60);

/**
 * Housekeeping: a session the NAS has not reported for 6 interim intervals is closed as lost (its last
 * report's time and counters stand), and post-auth and CoA logs older than RADIUS_AUTH_LOG_DAYS are
 * deleted in chunks, and so are finished sessions older than RADIUS_SESSIONS_DAYS (docs/personal-data.md:
 * who was online from which address is kept as long as the communications law asks, no longer).
 */
export const networkCleanupJob = defineJob({
  name: 'network.cleanup',
  payload: z.object({}),
  leaseSeconds: 1800,
  async handler(_p, { db, deps }) {
    const c = deps.config;
    await db.execute(
      sql`update radius_sessions set stopped_at = updated_at, terminate_cause = 'Lost-Service'
          where stopped_at is null and updated_at < now() - make_interval(secs => ${c.RADIUS_INTERIM_SECONDS * 6})`,
    );
    const older = [
      { table: 'radius_auth_log', column: sql`at`, days: c.RADIUS_AUTH_LOG_DAYS },
      { table: 'coa_requests', column: sql`created_at`, days: c.RADIUS_AUTH_LOG_DAYS },
      { table: 'radius_sessions', column: sql`stopped_at`, days: c.RADIUS_SESSIONS_DAYS },
    ];
    for (const { table, column, days } of older) {
      for (;;) {
        const res = await db.execute(
          sql`delete from ${sql.identifier(table)} where ctid = any(array(
                select ctid from ${sql.identifier(table)}
                where ${column} < now() - make_interval(days => ${days}) limit 10000))`,
        );
        const r = res as { rowCount?: number | null; affectedRows?: number };
        if ((r.rowCount ?? r.affectedRows ?? 0) < 10_000) break;
      }
    }
  },
});
export const networkCleanupTask = oncePerSlot(networkCleanupJob, 3600);
