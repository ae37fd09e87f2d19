import { randomUUID } from 'node:crypto';

import { type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';

import { type Db, queryRows } from '../db/client.js';
import type { AppDeps } from '../deps.js';
import { safeErrorMessage } from '../logging.js';
import { combinations, jobDuration, jobsFinished, zeroSeries } from '../metrics/metrics.js';

/**
 * A small PostgreSQL-backed job queue (see docs/decisions/0002-job-queue.md for why not pg-boss).
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of app processes can share the table;
 * a claimed job carries a lease (locked_until) and is taken over if its worker dies mid-way. Every
 * claim counts an attempt, so a job that keeps failing or keeps killing its process is parked as
 * `dead` after maxAttempts with its last error (the back office lists them and can retry one).
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  /** Attempts (claims, including runs that died mid-way) before the job is parked as dead (default 5). */
  maxAttempts?: number;
  /** How long a worker may hold the job before others consider it abandoned (default 5 min). */
  leaseSeconds?: number;
  /**
   * How many jobs of this name one worker runs at once (default 1: one after another). For jobs that
   * mostly wait on a remote peer that takes several requests in flight (an SMSC's window).
   */
  concurrency?: number;
  handler(payload: z.infer<S>, ctx: JobContext): Promise<void>;
}

export interface JobContext {
  db: Db;
  deps: AppDeps;
  jobId: number;
  attempt: number;
  /**
   * Aborted when the process shuts down. A long job checks it between steps (`signal.throwIfAborted()`)
   * so its job goes back to the queue for another process instead of running past the shutdown deadline.
   */
  signal: AbortSignal;
  /**
   * A long job (bulk operations) calls it between steps: extends the job's lease by its lease time and
   * answers whether the job is still this worker's (false once given back at shutdown or taken over).
   */
  heartbeat: () => Promise<boolean>;
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/**
 * Thrown by a handler that cannot proceed now for a reason that is not a failure of the job — an SMSC
 * that throttles, a fiscal document the cash register is still processing. The job goes back to the
 * queue, due after `delayMs`, and the attempt is not counted: waiting never uses up a job's attempts.
 * The handler bounds how long it keeps deferring.
 */
export class JobDeferred extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'JobDeferred';
  }
}

export interface EnqueueOptions {
  /** Deterministic key: a second enqueue with the same key is ignored (returns null). */
  key?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/** Adds a job; with `key`, only the first enqueue counts. Works inside a caller's transaction. */
export async function enqueue<S extends z.ZodType>(
  db: Db,
  job: JobDefinition<S>,
  payload: z.input<S>,
  opts: EnqueueOptions = {},
): Promise<number | null> {
  const rows = await queryRows<{ id: number }>(db, sql`${enqueueStatement(job, payload, opts)} returning id`);
  return rows[0]?.id ?? null;
}

/**
 * The INSERT that enqueues a job, for callers that fold it into a bigger statement (one round trip).
 * With `forEachRowOf` (a relation, e.g. a CTE name) the job is added once per row of it, so none
 * when it is empty.
 */
export function enqueueStatement<S extends z.ZodType>(
  job: JobDefinition<S>,
  payload: z.input<S>,
  opts: EnqueueOptions = {},
  forEachRowOf?: SQL,
): SQL {
  const parsed = job.payload.parse(payload);
  return sql`insert into jobs (name, key, payload, run_at, max_attempts)
      select ${job.name}, ${opts.key ?? null}, ${JSON.stringify(parsed)}::jsonb,
             ${(opts.runAt ?? new Date()).toISOString()}::timestamptz, ${opts.maxAttempts ?? job.maxAttempts ?? 5}
      ${forEachRowOf ? sql`from ${forEachRowOf}` : sql``}
      on conflict (key) do nothing`;
}

interface ClaimedJob {
  id: number;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** A job this worker is running now (for crash reports: what was the process doing?). */
export interface RunningJob {
  id: number;
  name: string;
  attempt: number;
  startedAt: string;
}

/** Exponential backoff: 10 s, 40 s, 2.5 min, 10 min, … capped at 1 hour. */
export function backoffSeconds(attempt: number): number {
  return Math.min(3600, 10 * 4 ** Math.max(0, attempt - 1));
}

/** How long a claimed job is the worker's before others consider it abandoned (unless the job says). */
const DEFAULT_LEASE_SECONDS = 300;

/**
 * Jobs whose worker stopped mid-run (killed, crashed: the lease expired while `running`) after using
 * every attempt are parked as dead instead of being claimed again — a job that takes its process down
 * cannot do so forever. The attempt is counted when a job is claimed, so a dying run counts too.
 */
export async function parkAbandonedJobs(db: Db): Promise<number> {
  const rows = await queryRows<{ id: number; name: string }>(
    db,
    sql`update jobs set state = 'dead', finished_at = now(), locked_until = null, locked_by = null,
          last_error = left('gave up after ' || attempts || ' attempts: the worker stopped mid-run (lease expired)'
                            || coalesce('; before that: ' || last_error, ''), 2000)
        where state = 'running' and locked_until < now() and attempts >= max_attempts
        returning id, name`,
  );
  // Dead like a job that failed its last attempt: counted the same way.
  for (const r of rows) jobsFinished.inc({ job_name: r.name, outcome: 'failed' });
  return rows.length;
}

/** How a job run ends, for abonent_jobs_finished_total (failed: its last attempt, parked as dead). */
const JOB_OUTCOMES = ['done', 'retry', 'failed', 'returned'] as const;

export class JobWorker {
  private readonly handlers = new Map<string, JobDefinition>();
  private readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private started = false;
  /** Set by stop(): claim nothing more, give back what was claimed but not started. */
  private stopping = false;
  private readonly abort = new AbortController();
  /** Jobs this worker claimed and has not finished (the running one first). */
  private readonly held = new Set<number>();
  private readonly current = new Map<number, RunningJob>();

  private readonly db: Db;
  /** The largest `concurrency` of the jobs this worker runs: a claim takes at least that many. */
  private readonly widest: number;

  constructor(
    private readonly deps: AppDeps,
    jobs: JobDefinition[],
    private readonly opts: { pollMs?: number; batch?: number; log?: (msg: string, extra?: object) => void } = {},
  ) {
    this.db = deps.database.db;
    for (const j of jobs) this.handlers.set(j.name, j);
    this.widest = Math.max(1, ...jobs.map((j) => j.concurrency ?? 1));
    // Every job's series exists from the start: an alert on increase() sees its first failure.
    zeroSeries(jobsFinished, combinations({ job_name: jobs.map((j) => j.name), outcome: JOB_OUTCOMES }));
  }

  start(): void {
    this.started = true;
    const tick = () => {
      if (this.stopping) return;
      this.running = this.drain()
        .catch((e) => this.opts.log?.('job worker tick failed', { err: String(e) }))
        .finally(() => {
          if (!this.stopping) this.timer = setTimeout(tick, this.opts.pollMs ?? 1000);
        });
    };
    tick();
  }

  /**
   * Stops claiming jobs and gives back the claimed ones not started yet. The running job gets until
   * `timeoutMs` to finish (its `signal` is aborted at once, so a long job can stop between steps);
   * if it is still running then, it is given back too: its lease is cleared so another process takes
   * it at once, and what it does afterwards can no longer mark it done or failed.
   * Returns the number of jobs given back.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<number> {
    this.stopping = true;
    this.abort.abort(new Error('worker stopping'));
    if (this.timer) clearTimeout(this.timer);
    if (!this.started) return 0;
    const finished = await this.waitRunning(opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    if (finished && this.held.size === 0) return 0;
    return this.release([...this.held], 'given back at shutdown');
  }

  private async waitRunning(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    if (!Number.isFinite(timeoutMs)) {
      await this.running;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
    });
    const done = await Promise.race([this.running.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return done;
  }

  /** Puts claimed jobs back in the queue, due now, without counting the attempt. */
  private async release(ids: number[], reason: string): Promise<number> {
    if (ids.length === 0) return 0;
    for (const id of ids) this.held.delete(id);
    const rows = await queryRows<{ id: number; name: string }>(
      this.db,
      sql`update jobs set state = 'queued', attempts = greatest(attempts - 1, 0), locked_until = null,
            locked_by = null, run_at = now(), last_error = ${reason}
          where id in (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )}) and state = 'running' and locked_by = ${this.id}
          returning id, name`,
    );
    for (const r of rows) jobsFinished.inc({ job_name: r.name, outcome: 'returned' });
    if (rows.length) this.opts.log?.('jobs given back', { ids: rows.map((r) => r.id), reason });
    return rows.length;
  }

  /** The jobs this worker is running at this moment. */
  runningJobs(): RunningJob[] {
    return [...this.current.values()];
  }

  /**
   * The process is going down because of `err` (an uncaught exception): the jobs it was running keep
   * it as their last error, so the dead-jobs page shows why if they keep doing this. Their leases are
   * left to expire: another worker takes them over, within their attempts.
   */
  async recordCrash(err: unknown): Promise<void> {
    const ids = [...this.current.keys()];
    if (ids.length === 0) return;
    const message = `the process stopped on an uncaught exception: ${errorMessage(err)}`;
    await this.db.execute(
      sql`update jobs set last_error = ${message.slice(0, 2000)} where state = 'running' and locked_by = ${this.id}
            and id in (${sql.join(
              ids.map((i) => sql`${i}`),
              sql`, `,
            )})`,
    );
  }

  /** Runs due jobs until none are left; returns how many ran. Tests call it directly. */
  async drain(limit = 1000): Promise<number> {
    let ran = 0;
    // Once per drain (a tick), not per batch: leases expire in minutes, so a tick's parking is current
    // enough, and a claim then sees no abandoned job without attempts left.
    if (!this.stopping) await parkAbandonedJobs(this.db);
    while (ran < limit && !this.stopping) {
      const batch = await this.claim(Math.max(this.opts.batch ?? 10, this.widest));
      if (batch.length === 0) break;
      for (const j of batch) this.held.add(j.id);
      ran += await this.runBatch(batch);
      const notStarted = batch.filter((j) => this.held.has(j.id)).map((j) => j.id);
      if (notStarted.length) await this.release(notStarted, 'given back at shutdown');
    }
    return ran;
  }

  /**
   * Runs a claimed batch: jobs one after another, except that jobs whose definition allows it run up
   * to `concurrency` at a time. Stops starting new ones when the worker is stopping.
   */
  private async runBatch(batch: ClaimedJob[]): Promise<number> {
    let ran = 0;
    const byName = new Map<string, ClaimedJob[]>();
    for (const job of batch) {
      const c = this.handlers.get(job.name)?.concurrency ?? 1;
      if (c <= 1) {
        if (this.stopping) return ran;
        await this.runOne(job);
        ran++;
      } else byName.set(job.name, [...(byName.get(job.name) ?? []), job]);
    }
    for (const [name, jobs] of byName) {
      const lanes = Math.min(this.handlers.get(name)?.concurrency ?? 1, jobs.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < jobs.length && !this.stopping) {
            await this.runOne(jobs[next++]!);
            ran++;
          }
        }),
      );
    }
    return ran;
  }

  private async claim(n: number): Promise<ClaimedJob[]> {
    const names = [...this.handlers.keys()];
    if (names.length === 0) return [];
    // A job is due when queued and its time has come, or running with an expired lease (its worker
    // died; parkAbandonedJobs has already parked those without attempts left). A taken-over run
    // notes that the previous attempt never finished.
    return queryRows<ClaimedJob>(
      this.db,
      sql`update jobs set state = 'running', attempts = attempts + 1, locked_by = ${this.id},
            locked_until = now() + make_interval(secs => ${DEFAULT_LEASE_SECONDS}),
            last_error = case when state = 'running'
                              then left('attempt ' || attempts || ': the worker stopped mid-run (lease expired)'
                                        || coalesce('; before that: ' || last_error, ''), 2000)
                              else last_error end
          where id in (
            select id from jobs
            where ((state = 'queued' and run_at <= now())
                   or (state = 'running' and locked_until < now() and attempts < max_attempts))
              and name in (${sql.join(
                names.map((n) => sql`${n}`),
                sql`, `,
              )})
            order by run_at, id
            limit ${n}
            for update skip locked)
          returning id, name, payload, attempts, max_attempts`,
    );
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    const def = this.handlers.get(job.name)!;
    this.current.set(job.id, {
      id: job.id,
      name: job.name,
      attempt: job.attempts,
      startedAt: new Date().toISOString(),
    });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    // Once given back (shutdown), this worker no longer owns the row: nothing below may change it.
    const mine = sql`id = ${job.id} and state = 'running' and locked_by = ${this.id}`;
    try {
      if (def.leaseSeconds) {
        await this.db.execute(
          sql`update jobs set locked_until = now() + make_interval(secs => ${def.leaseSeconds}) where ${mine}`,
        );
      }
      const payload = def.payload.parse(job.payload);
      try {
        await def.handler(payload, {
          db: this.db,
          deps: this.deps,
          jobId: job.id,
          attempt: job.attempts,
          signal: this.abort.signal,
          heartbeat: async () => {
            const rows = await queryRows<{ id: number }>(
              this.db,
              sql`update jobs set locked_until = now() + make_interval(secs => ${def.leaseSeconds ?? DEFAULT_LEASE_SECONDS})
                  where ${mine} returning id`,
            );
            return rows.length > 0;
          },
        });
      } finally {
        // A job may have changed balances or sessions: this process's read caches start over, and the
        // other processes drop their overviews.
        await this.deps.caches?.changed();
      }
      await this.db.execute(
        sql`update jobs set state = 'done', finished_at = now(), locked_until = null, last_error = null where ${mine}`,
      );
      this.held.delete(job.id);
      jobsFinished.inc({ job_name: job.name, outcome: 'done' });
      jobDuration.observe({ job_name: job.name }, seconds());
    } catch (e) {
      if (!this.held.has(job.id)) return; // given back meanwhile: not ours to mark
      const message = errorMessage(e).slice(0, 2000);
      if (this.stopping && this.abort.signal.aborted && isAbort(e)) {
        await this.release([job.id], 'stopped at shutdown');
        return;
      }
      if (e instanceof JobDeferred) {
        // Not a failure: back to the queue for later, and this claim does not count as an attempt.
        this.held.delete(job.id);
        jobsFinished.inc({ job_name: job.name, outcome: 'deferred' });
        await this.db.execute(
          sql`update jobs set state = 'queued', attempts = greatest(attempts - 1, 0), locked_until = null, locked_by = null,
                last_error = ${message}, run_at = now() + make_interval(secs => ${Math.max(0, e.delayMs) / 1000})
              where ${mine}`,
        );
        return;
      }
      const final = job.attempts >= job.max_attempts;
      this.opts.log?.(final ? 'job failed for good: parked as dead' : 'job failed, will retry', {
        job: job.name,
        id: job.id,
        attempt: job.attempts,
        err: message,
      });
      this.held.delete(job.id);
      jobsFinished.inc({ job_name: job.name, outcome: final ? 'failed' : 'retry' });
      jobDuration.observe({ job_name: job.name }, seconds());
      await this.db.execute(
        final
          ? sql`update jobs set state = 'dead', finished_at = now(), locked_until = null, last_error = ${message} where ${mine}`
          : sql`update jobs set state = 'queued', locked_until = null, last_error = ${message},
                  run_at = now() + make_interval(secs => ${backoffSeconds(job.attempts)}) where ${mine}`,
      );
    } finally {
      this.current.delete(job.id);
    }
  }
}

/** As kept in `last_error` (shown to admins) and logged: no query parameters, contacts or tokens. */
function errorMessage(e: unknown): string {
  return safeErrorMessage(e);
}

/** A handler that stopped because its `signal` was aborted (it threw the signal's reason or an AbortError). */
function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.message === 'worker stopping');
}
