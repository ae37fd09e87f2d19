import { sql } from 'drizzle-orm';
import { z } from 'zod';

import { defineJob, enqueue } from '../../jobs/queue.js';
import { oncePerSlot, type PeriodicTask } from '../../jobs/scheduler.js';
import { coaGivenUp } from '../../metrics/metrics.js';
import { applySpeedWindows } from './apply-speed-windows.js';
import { assignIpv6Prefixes } from './assign-ipv6-prefixes.js';
import { escalate, loadCoaJobs, sendCoaJobs } from './send-coa.js';

/** Tries a CoA / Disconnect-Request gets (the client's retransmissions each) before it is given up on. */
const MAX_ATTEMPTS = 6;

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
 * for the same session replaced them or the session has ended. One that has used them up is given up on
 * and left to staff (coa_escalations, the abonent_coa_given_up_total metric); what was left to staff is
 * resolved when its session ends.
 */
export const coaRetryJob = defineJob({
  name: 'network.coa-retry',
  payload: z.object({}),
  leaseSeconds: 300,
  async handler(_p, { db, deps }) {
    const current = sql`not exists (select 1 from coa_requests n where n.session_id = r.session_id and n.id > r.id)
          and exists (select 1 from radius_sessions s where s.id = r.session_id and s.stopped_at is null)`;
    const jobs = await loadCoaJobs(
      db,
      sql`r.attempts < ${MAX_ATTEMPTS} and r.created_at > now() - interval '1 hour'
          and (r.status in ('timeout', 'error') or (r.status = 'pending' and r.created_at < now() - interval '1 minute'))
          and ${current}`,
    );
    await sendCoaJobs(db, deps.network.coa, deps.config.secrets, jobs);
    const givenUp = await loadCoaJobs(
      db,
      sql`r.status in ('timeout', 'error') and r.created_at > now() - interval '1 day'
          and (r.attempts >= ${MAX_ATTEMPTS} or r.created_at <= now() - interval '1 hour')
          and ${current}
          and not exists (select 1 from coa_escalations x where x.coa_request_id = r.id)`,
    );
    for (const job of givenUp) {
      await escalate(db, job, 'given_up', null);
      coaGivenUp.inc({ kind: job.kind });
    }
    await db.execute(
      sql`update coa_escalations e set resolved_at = now(), resolution = 'session_ended'
          where e.resolved_at is null
            and exists (select 1 from radius_sessions s where s.id = e.session_id and s.stopped_at is not null)`,
    );
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

/**
 * Speed windows of the plans (night, turbo hours): at each minute, the sessions of plans whose speed
 * changes then get a CoA with the new speed (apply-speed-windows.ts). The minute is the job's payload,
 * so a run that comes late still compares that minute with the one before.
 */
export const speedWindowsJob = defineJob({
  name: 'network.speed-windows',
  payload: z.object({ at: z.string().datetime() }),
  leaseSeconds: 300,
  async handler(p, { db, deps }) {
    await applySpeedWindows(db, {
      sender: deps.network.coa,
      appSecret: deps.config.secrets,
      names: deps.network.names,
      at: new Date(p.at),
    });
  },
});
export const speedWindowsTask: PeriodicTask = {
  name: speedWindowsJob.name,
  everySeconds: 20,
  tick: async (db, now) => {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    await enqueue(
      db,
      speedWindowsJob,
      { at: minute.toISOString() },
      { key: `${speedWindowsJob.name}:${minute.toISOString()}` },
    );
  },
};

/** IPv6 prefixes for accounts in regions with IPv6 pools, within a minute of their network access. */
export const ipv6AssignJob = defineJob({
  name: 'network.ipv6-assign',
  payload: z.object({}),
  leaseSeconds: 600,
  async handler(_p, { db }) {
    await assignIpv6Prefixes(db);
  },
});
export const ipv6AssignTask = oncePerSlot(ipv6AssignJob, 60);
