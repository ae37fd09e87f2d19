import type { AddressInfo } from 'node:net';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { type Database, queryRows } from './db/client.js';
import { type AppDeps, buildDeps } from './deps.js';
import { defineJob, enqueue, JobWorker } from './jobs/queue.js';
import { Scheduler } from './jobs/scheduler.js';
import { gracefulShutdown } from './shutdown.js';
import { createTestDatabase } from './test/db.js';

const jobRow = async (db: Database, id: number) =>
  (
    await queryRows<{ state: string; attempts: number; last_error: string | null; locked_by: string | null }>(
      db.db,
      sql`select state, attempts, last_error, locked_by from jobs where id = ${id}`,
    )
  )[0]!;

const until = async (cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

// One database for the file (migrating one costs seconds); the last test shuts it down with the app.
let database: Database;
let deps: AppDeps;
let closed = false;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  deps = buildDeps(loadConfig({ NODE_ENV: 'test' }), database);
});
afterAll(async () => {
  if (!closed) await database.close();
});

describe('job worker at shutdown', () => {
  it('gives back a job that stops on the shutdown signal, and the claimed jobs not started yet', async () => {
    let started = 0;
    const job = defineJob({
      name: 'test.cooperative',
      payload: z.object({ n: z.number() }),
      async handler(_p, { signal }) {
        started++;
        // A long job: one step after another, checking the signal between steps.
        for (;;) {
          signal.throwIfAborted();
          await new Promise((r) => setTimeout(r, 10));
        }
      },
    });
    const ids = await Promise.all([1, 2, 3].map((n) => enqueue(database.db, job, { n }, { key: `coop:${n}` })));
    const worker = new JobWorker(deps, [job], { batch: 3, pollMs: 50 });
    worker.start();
    await until(() => started === 1);
    expect(await worker.stop({ timeoutMs: 5000 })).toBe(0);
    expect(started).toBe(1);
    for (const id of ids) {
      const row = await jobRow(database, id!);
      // Back in the queue, the attempt not counted, nobody holding it: another process takes it now.
      expect(row).toMatchObject({ state: 'queued', attempts: 0, locked_by: null });
      expect(row.last_error).toMatch(/shutdown/);
    }
    // And it does run to the end later, elsewhere.
    const done = defineJob({ name: 'test.cooperative', payload: z.object({ n: z.number() }), async handler() {} });
    expect(await new JobWorker(deps, [done]).drain()).toBe(3);
  });

  it('gives back a job still running at the deadline, which can then no longer mark it done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = false;
    const job = defineJob({
      name: 'test.stubborn',
      payload: z.object({}),
      async handler() {
        running = true;
        await gate; // ignores the signal
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    const worker = new JobWorker(deps, [job], { pollMs: 50 });
    worker.start();
    await until(() => running);
    expect(await worker.stop({ timeoutMs: 100 })).toBe(1);
    expect(await jobRow(database, id)).toMatchObject({ state: 'queued', attempts: 0, locked_by: null });
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect((await jobRow(database, id)).state).toBe('queued');
  });

  it('lets a job that finishes in time finish', async () => {
    const job = defineJob({
      name: 'test.quick',
      payload: z.object({}),
      async handler() {
        await new Promise((r) => setTimeout(r, 200));
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    const worker = new JobWorker(deps, [job], { pollMs: 50 });
    worker.start();
    await until(async () => (await jobRow(database, id)).state === 'running');
    expect(await worker.stop({ timeoutMs: 5000 })).toBe(0);
    expect((await jobRow(database, id)).state).toBe('done');
  });
});

describe('graceful shutdown of a listening app', () => {
  it('drains: not ready, still serving with Connection: close, hooks flush before the database closes', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, database });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const events: string[] = [];
    app.deps.lifecycle.onShutdown('buffer', async ({ deadline }) => {
      expect(deadline).toBeGreaterThan(Date.now());
      // The database is still open for the flush.
      await database.db.execute(sql`select 1`);
      events.push('flushed');
    });
    app.deps.lifecycle.onShutdown('broken', async () => {
      throw new Error('a failing hook does not stop the others');
    });
    app.deps.lifecycle.onShutdown('after', async () => {
      events.push('after');
    });
    const worker = new JobWorker(app.deps, []);
    const scheduler = new Scheduler(database.db, []);
    worker.start();
    scheduler.start();
    const close = database.close.bind(database);
    database.close = async () => {
      events.push('db closed');
      closed = true;
      await close();
    };

    const log: string[] = [];
    let balancerMovedAway!: () => void;
    const done = gracefulShutdown(
      { app, database, worker, scheduler, log: (m) => log.push(m) },
      { timeoutMs: 30_000, drainMs: 0, drained: new Promise<void>((r) => (balancerMovedAway = r)) },
    );
    const ready = await fetch(`${base}/api/health/ready`);
    expect(ready.status).toBe(503);
    const live = await fetch(`${base}/api/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('connection')).toBe('close');
    balancerMovedAway();

    expect(await done).toBe(true);
    expect(events).toEqual(['flushed', 'after', 'db closed']);
    expect(log).toContain('shutdown complete');
    await expect(fetch(`${base}/api/health/live`)).rejects.toThrow();
  });
});
