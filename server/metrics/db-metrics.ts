import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

import { type Database, queryRows } from '../db/client.js';
import { allJobs } from '../jobs/registry.js';
import { withTimeout } from '../lifecycle.js';
import { listLedgerPartitions, monthsAhead } from '../modules/ledger/ledger-partitions.js';
import { processRegistry } from './metrics.js';

/**
 * Gauges read from the database at each scrape: the same cluster-wide numbers in every app process
 * (dashboards and alerts take max() across instances), plus this process's connection pool. Each
 * query uses a partial or primary-key index, so a scrape stays cheap however big the tables grow.
 */
export interface AppMetrics {
  registry: Registry;
  /** The Prometheus text exposition of this process: in-process instruments + fresh database gauges. */
  render(): Promise<{ contentType: string; body: string }>;
}

const SCRAPE_TIMEOUT_MS = 3000;
let defaultsStarted = false;

export function createAppMetrics(database: Database, opts: { processMetrics?: boolean } = {}): AppMetrics {
  if (opts.processMetrics && !defaultsStarted) {
    defaultsStarted = true;
    collectDefaultMetrics({ register: processRegistry, prefix: 'abonent_' });
  }
  const registry = new Registry();
  const registers = [registry];
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers });

  const dbUp = g('abonent_db_up', '1 when the database answered the metrics queries within 3 s, else 0');
  const pool = g('abonent_db_pool_connections', "This process's database connections by state (total, idle, waiting)", [
    'state',
  ]);
  const poolMax = g('abonent_db_pool_max', "This process's connection pool size");
  const queueDepth = g('abonent_job_queue_depth', 'Jobs due and not yet claimed, by job name', ['job_name']);
  const queueRunning = g('abonent_jobs_running', 'Jobs claimed by a worker and running, by job name', ['job_name']);
  const queueAge = g('abonent_job_queue_oldest_age_seconds', 'Age of the oldest due, unclaimed job, by job name', [
    'job_name',
  ]);
  const outboxBacklog = g('abonent_outbox_backlog', 'Messages waiting for delivery, by channel', ['channel']);
  const outboxAge = g('abonent_outbox_oldest_age_seconds', 'Age of the oldest message waiting, by channel', [
    'channel',
  ]);
  const outboxFailed = g('abonent_outbox_failed_24h', 'Messages given up on in the last 24 hours, by channel', [
    'channel',
  ]);
  const receipts = g(
    'abonent_receipts_unfinished',
    'Fiscal receipts not done, by status (pending, registered, failed)',
    ['status'],
  );
  const receiptsAge = g(
    'abonent_receipts_oldest_unfinished_age_seconds',
    'Age of the oldest pending or registered receipt',
  );
  const receiptsOverHour = g(
    'abonent_receipts_pending_over_hour',
    'Fiscal receipts still pending or registered (no fiscal data) an hour after the payment: a fine each under 54-ФЗ',
  );
  const behind = g(
    'abonent_billing_days_behind',
    "Days between a region's local today and its last finished billing day (0: today is charged)",
    ['region'],
  );
  const running = g('abonent_billing_day_running_seconds', "How long a region's unfinished billing day has run", [
    'region',
  ]);
  const lastDuration = g(
    'abonent_billing_last_day_duration_seconds',
    "Duration of a region's last finished billing day",
    ['region'],
  );
  const lastCharges = g('abonent_billing_last_day_charges', "Charges of a region's last finished billing day", [
    'region',
  ]);
  const partitionsAhead = g(
    'abonent_ledger_partitions_ahead',
    'Months after the current one whose ledger partition exists (the maintenance job keeps 3)',
  );
  const defaultRows = g(
    'abonent_ledger_default_partition_rows',
    'Ledger entries in the default partition (dated where no month partition exists; counted up to 100000)',
  );
  const checkpointAge = g(
    'abonent_ledger_checkpoint_age_days',
    'Days since the latest verified ledger checkpoint (normally 2: the day before yesterday)',
  );
  const deadJobs = g(
    'abonent_jobs_dead_24h',
    'Jobs parked as dead in the last 24 hours (every attempt failed, or the worker died during the last one), by job name',
    ['job_name'],
  );
  const sessionsOpen = g(
    'abonent_radius_sessions_open',
    'Network sessions open: the NAS reported their start and no stop',
  );
  const blockPending = g(
    'abonent_network_block_pending_seconds',
    'Age of the oldest block (blocked, suspended, terminated) the NAS has not yet acknowledged on an open session; 0: none',
  );
  const escalationsOpen = g(
    'abonent_coa_escalations_open',
    'CoA and Disconnect-Requests that did not take effect on the NAS and are left to staff, not yet resolved',
  );
  const gauges = [
    deadJobs,
    sessionsOpen,
    blockPending,
    escalationsOpen,
    partitionsAhead,
    defaultRows,
    checkpointAge,
    dbUp,
    pool,
    poolMax,
    queueDepth,
    queueRunning,
    queueAge,
    outboxBacklog,
    outboxAge,
    outboxFailed,
    receipts,
    receiptsAge,
    receiptsOverHour,
    behind,
    running,
    lastDuration,
    lastCharges,
  ];

  const readDatabase = async () => {
    const db = database.db;
    const jobs = await queryRows<{ name: string; due: number; running: number; oldest: number | null }>(
      db,
      sql`select name,
                 count(*) filter (where state = 'queued' and run_at <= now())::int as due,
                 count(*) filter (where state = 'running')::int as running,
                 extract(epoch from now() - min(run_at) filter (where state = 'queued' and run_at <= now()))::float8 as oldest
          from jobs where state in ('queued', 'running') group by name`,
    );
    // Every job's series, at 0 when none is waiting: a panel shows 0, not "no data".
    for (const j of allJobs) {
      queueDepth.set({ job_name: j.name }, 0);
      queueRunning.set({ job_name: j.name }, 0);
      queueAge.set({ job_name: j.name }, 0);
    }
    for (const j of jobs) {
      queueDepth.set({ job_name: j.name }, j.due);
      queueRunning.set({ job_name: j.name }, j.running);
      queueAge.set({ job_name: j.name }, j.oldest ?? 0);
    }
    const dead = await queryRows<{ name: string; n: number }>(
      db,
      sql`select name, count(*)::int as n from jobs
          where state = 'dead' and finished_at > now() - interval '1 day' group by name`,
    );
    for (const d of dead) deadJobs.set({ job_name: d.name }, d.n);
    await readNetwork();
    const outbox = await queryRows<{ channel: string; backlog: number; oldest: number | null; failed: number }>(
      db,
      sql`select channel,
                 count(*) filter (where state = 'queued')::int as backlog,
                 extract(epoch from now() - min(created_at) filter (where state = 'queued'))::float8 as oldest,
                 count(*) filter (where state = 'failed' and created_at > now() - interval '1 day')::int as failed
          from outbox where state <> 'sent' group by channel`,
    );
    for (const c of ['email', 'sms']) {
      const o = outbox.find((r) => r.channel === c);
      outboxBacklog.set({ channel: c }, o?.backlog ?? 0);
      outboxAge.set({ channel: c }, o?.oldest ?? 0);
      outboxFailed.set({ channel: c }, o?.failed ?? 0);
    }
    const rc = await queryRows<{ status: string; n: number; oldest: number | null; over_hour: number }>(
      db,
      sql`select status, count(*)::int as n,
                 extract(epoch from now() - min(created_at) filter (where status in ('pending', 'registered')))::float8 as oldest,
                 count(*) filter (where status in ('pending', 'registered') and created_at < now() - interval '1 hour')::int as over_hour
          from receipts where status in ('pending', 'registered', 'failed') group by status`,
    );
    receiptsOverHour.set(rc.reduce((a, r) => a + r.over_hour, 0));
    for (const s of ['pending', 'registered', 'failed'])
      receipts.set({ status: s }, rc.find((r) => r.status === s)?.n ?? 0);
    receiptsAge.set(Math.max(0, ...rc.map((r) => r.oldest ?? 0)));
    const regions = await queryRows<{
      code: string;
      behind: number | null;
      running: number | null;
      last_duration: number | null;
      last_charges: number | null;
    }>(
      db,
      sql`select r.code,
                 ((now() at time zone r.time_zone)::date - d.day)::int as behind,
                 (select extract(epoch from now() - min(b.started_at))::float8 from billing_days b
                   where b.region_id = r.id and b.state = 'running') as running,
                 extract(epoch from d.finished_at - d.started_at)::float8 as last_duration,
                 d.charged as last_charges
          from regions r
          left join lateral (select day, started_at, finished_at, charged from billing_days b
                             where b.region_id = r.id and b.state = 'done' order by day desc limit 1) d on true
          where r.active`,
    );
    partitionsAhead.set(monthsAhead(await listLedgerPartitions(db)));
    const [ledger] = await queryRows<{ default_rows: number; age: number | null }>(
      db,
      sql`select (select count(*) from (select 1 from ledger_entries_default limit 100000) d)::int as default_rows,
                 (current_date - (select max(as_of) from ledger_checkpoints where state = 'ready' and not stale))::int as age`,
    );
    defaultRows.set(ledger?.default_rows ?? 0);
    if (ledger?.age != null) checkpointAge.set(ledger.age);
    for (const r of regions) {
      running.set({ region: r.code }, r.running ?? 0);
      if (r.behind === null) continue; // never billed yet
      behind.set({ region: r.code }, r.behind);
      lastDuration.set({ region: r.code }, r.last_duration ?? 0);
      lastCharges.set({ region: r.code }, r.last_charges ?? 0);
    }
  };

  /** Network gauges: each query reads a partial index (open sessions, pending events, unfinished CoA). */
  const readNetwork = async () => {
    const db = database.db;
    const [n] = await queryRows<{ open: number; pending: number | null; escalations: number }>(
      db,
      sql`select (select count(*) from radius_sessions where stopped_at is null)::int as open,
                 greatest(
                   (select extract(epoch from now() - min(e.at)) from account_events e
                    where e.network_at is null and e.kind in ('blocked', 'suspended', 'terminated')
                      and exists (select 1 from nas where active)),
                   (select extract(epoch from now() - min(r.created_at)) from coa_requests r
                    where r.status in ('pending', 'timeout', 'error') and r.created_at > now() - interval '1 day'
                      and r.reason ~ '(^|,)(blocked|suspended|terminated)(,|$)'
                      and not exists (select 1 from coa_requests n where n.session_id = r.session_id and n.id > r.id)
                      and exists (select 1 from radius_sessions s where s.id = r.session_id and s.stopped_at is null))
                 )::float8 as pending,
                 (select count(*) from coa_escalations where resolved_at is null)::int as escalations`,
    );
    sessionsOpen.set(n?.open ?? 0);
    blockPending.set(Math.max(0, n?.pending ?? 0));
    escalationsOpen.set(n?.escalations ?? 0);
  };

  return {
    registry,
    async render() {
      for (const m of gauges) m.reset();
      if (database.pool) {
        pool.set({ state: 'total' }, database.pool.totalCount);
        pool.set({ state: 'idle' }, database.pool.idleCount);
        pool.set({ state: 'waiting' }, database.pool.waitingCount);
        poolMax.set(database.pool.options.max ?? 10);
      } else {
        // PGlite: one in-process connection.
        pool.set({ state: 'total' }, 1);
        poolMax.set(1);
      }
      try {
        await withTimeout(readDatabase(), SCRAPE_TIMEOUT_MS, 'metrics queries');
        dbUp.set(1);
      } catch {
        dbUp.set(0);
      }
      const merged = Registry.merge([processRegistry, registry]);
      return { contentType: merged.contentType, body: await merged.metrics() };
    },
  };
}
