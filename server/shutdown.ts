import type { FastifyInstance } from 'fastify';

import type { Database } from './db/client.js';
import type { JobWorker } from './jobs/queue.js';
import type { Scheduler } from './jobs/scheduler.js';
import { withTimeout } from './lifecycle.js';

export interface ShutdownParts {
  app: FastifyInstance;
  database: Database;
  worker: JobWorker;
  scheduler: Scheduler;
  /** Other listeners to close with HTTP (the metrics port). */
  extraServers?: { close(): Promise<void> }[];
  log: (msg: string, extra?: object) => void;
}

/**
 * Graceful shutdown (docs/scale.md): bounded by `timeoutMs` as a whole.
 *  1. Not ready any more (readiness 503, `Connection: close` on every response, jobs' signal aborted);
 *     the scheduler stops and the worker claims nothing new.
 *  2. For `drainMs` requests are still served normally: the load balancer notices readiness and
 *     stops sending; meanwhile the running job finishes (or, past the deadline, is given back).
 *  3. HTTP stops listening and waits for in-flight requests; the shutdown hooks flush what they hold.
 *  4. The database closes. Returns true when everything finished in time.
 */
export async function gracefulShutdown(
  parts: ShutdownParts,
  opts: {
    timeoutMs: number;
    drainMs: number;
    /** Ends the drain period instead of the drainMs timer (tests decide when the balancer has moved away). */
    drained?: Promise<unknown>;
  },
): Promise<boolean> {
  const { app, database, worker, scheduler, log } = parts;
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  app.deps.lifecycle.beginDrain(opts.timeoutMs);
  scheduler.stop();
  let clean = true;

  // Jobs get until a little before the deadline, so giving one back still has time to reach the database.
  const jobs = worker.stop({ timeoutMs: Math.max(0, opts.timeoutMs - 2000) }).then(
    (returned) => {
      if (returned > 0) {
        clean = false;
        log('running jobs given back to the queue', { returned });
      }
    },
    (e: unknown) => {
      clean = false;
      log('stopping the job worker failed', { err: String(e) });
    },
  );
  await (opts.drained ?? sleep(Math.min(opts.drainMs, left())));
  try {
    // Stops listening, waits for in-flight requests, then runs the shutdown hooks (plugins/lifecycle).
    await withTimeout(
      Promise.all([app.close(), ...(parts.extraServers ?? []).map((s) => s.close())]),
      left(),
      'closing HTTP',
    );
  } catch (e) {
    clean = false;
    log('HTTP did not close in time: dropping connections', { err: String(e) });
    app.server.closeAllConnections();
  }
  await withTimeout(jobs, left(), 'stopping jobs').catch(() => {
    clean = false;
  });
  try {
    await withTimeout(database.close(), left(), 'closing the database');
  } catch (e) {
    clean = false;
    log('database did not close in time', { err: String(e) });
  }
  log('shutdown complete', { ms: Date.now() - started, clean });
  return clean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
