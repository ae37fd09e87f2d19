import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { loadConfig } from '../config.js';
import { type Database, queryRows } from '../db/client.js';
import { type AppDeps, buildDeps } from '../deps.js';
import { createTestDatabase } from '../test/db.js';
import { buildRegion, buildSubscriber } from '../test/factories.js';
import { billingRunJob, billingScheduler } from './billing.job.js';
import { backoffSeconds, defineJob, enqueue, JobDeferred, JobWorker } from './queue.js';

let database: Database;
let deps: AppDeps;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
  deps = buildDeps(loadConfig({ NODE_ENV: 'test' }), database);
});
afterAll(() => database.close());

const stateOf = async (id: number) =>
  (
    await queryRows<{ state: string; attempts: number; last_error: string | null }>(
      database.db,
      sql`select state, attempts, last_error from jobs where id = ${id}`,
    )
  )[0]!;

describe('job queue', () => {
  it('enqueues a keyed job once and runs it once', async () => {
    const seen: string[] = [];
    const job = defineJob({
      name: 'test.once',
      payload: z.object({ v: z.string() }),
      async handler(p) {
        seen.push(p.v);
      },
    });
    const id = await enqueue(database.db, job, { v: 'a' }, { key: 'once:1' });
    const dup = await enqueue(database.db, job, { v: 'b' }, { key: 'once:1' });
    expect(id).toBeTypeOf('number');
    expect(dup).toBeNull();
    await new JobWorker(deps, [job]).drain();
    await new JobWorker(deps, [job]).drain();
    expect(seen).toEqual(['a']);
    expect((await stateOf(id!)).state).toBe('done');
  });

  it('retries a failing job with backoff and parks it as dead with its last error at the end', async () => {
    let calls = 0;
    const job = defineJob({
      name: 'test.fail',
      payload: z.object({}),
      maxAttempts: 3,
      async handler() {
        calls++;
        throw new Error(`gateway down ${calls}`);
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    const worker = new JobWorker(deps, [job]);
    for (let i = 0; i < 3; i++) {
      await worker.drain();
      await database.db.execute(sql`update jobs set run_at = now() where id = ${id} and state = 'queued'`); // skip the wait
    }
    expect(calls).toBe(3);
    expect(await stateOf(id)).toEqual({ state: 'dead', attempts: 3, last_error: 'gateway down 3' });
    expect([backoffSeconds(1), backoffSeconds(2), backoffSeconds(3), backoffSeconds(10)]).toEqual([10, 40, 160, 3600]);
  });

  it('a deferred job goes back to the queue without using an attempt, as often as it is deferred', async () => {
    let calls = 0;
    const job = defineJob({
      name: 'test.defer',
      payload: z.object({}),
      maxAttempts: 2,
      async handler() {
        calls++;
        if (calls <= 5) throw new JobDeferred(60_000, `peer busy ${calls}`);
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    const worker = new JobWorker(deps, [job]);
    await worker.drain();
    const [after] = await queryRows<{ state: string; attempts: number; last_error: string; later: boolean }>(
      database.db,
      sql`select state, attempts, last_error, run_at > now() + interval '50 seconds' as later from jobs where id = ${id}`,
    );
    expect(after).toEqual({ state: 'queued', attempts: 0, last_error: 'peer busy 1', later: true });
    for (let i = 0; i < 5; i++) {
      await database.db.execute(sql`update jobs set run_at = now() where id = ${id} and state = 'queued'`);
      await worker.drain();
    }
    // Five deferrals and a success, with maxAttempts 2: waiting never made it dead.
    expect(calls).toBe(6);
    expect(await stateOf(id)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('runs jobs that allow it several at a time, the others one after another', async () => {
    let inFlight = 0;
    let widest = 0;
    const wait = () => new Promise((r) => setTimeout(r, 30));
    const parallel = defineJob({
      name: 'test.parallel',
      payload: z.object({}),
      concurrency: 4,
      async handler() {
        inFlight++;
        widest = Math.max(widest, inFlight);
        await wait();
        inFlight--;
      },
    });
    let serialWidest = 0;
    let serialInFlight = 0;
    const serial = defineJob({
      name: 'test.serial',
      payload: z.object({}),
      async handler() {
        serialInFlight++;
        serialWidest = Math.max(serialWidest, serialInFlight);
        await wait();
        serialInFlight--;
      },
    });
    for (let i = 0; i < 8; i++) await enqueue(database.db, parallel, {});
    for (let i = 0; i < 3; i++) await enqueue(database.db, serial, {});
    const ran = await new JobWorker(deps, [parallel, serial]).drain();
    expect(ran).toBe(11);
    expect(widest).toBe(4);
    expect(serialWidest).toBe(1);
  });

  it('takes over a job whose worker died (expired lease)', async () => {
    let ran = 0;
    const job = defineJob({
      name: 'test.lease',
      payload: z.object({}),
      async handler() {
        ran++;
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    await database.db.execute(
      sql`update jobs set state = 'running', attempts = 1, locked_by = 'dead', locked_until = now() - interval '1 second' where id = ${id}`,
    );
    await new JobWorker(deps, [job]).drain();
    expect(ran).toBe(1);
    expect((await stateOf(id)).state).toBe('done');
  });

  it('a job that keeps killing its worker mid-run is parked as dead after its attempts, not claimed forever', async () => {
    let ran = 0;
    const job = defineJob({
      name: 'test.dies',
      payload: z.object({}),
      maxAttempts: 3,
      async handler() {
        ran++;
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    await database.db.execute(sql`update jobs set last_error = 'SMPP timeout' where id = ${id}`);
    // Each claim counts an attempt; the process dies before it can record anything (the lease lapses).
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [claimed] = await queryRows<{ attempts: number }>(
        database.db,
        sql`update jobs set state = 'running', attempts = attempts + 1, locked_by = 'killed', locked_until = now() - interval '1 second'
            where id = ${id} and state in ('queued', 'running') returning attempts`,
      );
      expect(claimed!.attempts).toBe(attempt);
      if (attempt < 3) {
        // Another worker takes it over and notes that the previous run never finished.
        await database.db.execute(sql`update jobs set state = 'queued', run_at = now() where id = ${id}`);
      }
    }
    await new JobWorker(deps, [job]).drain();
    expect(ran).toBe(0);
    const dead = await stateOf(id);
    expect(dead.state).toBe('dead');
    expect(dead.attempts).toBe(3);
    expect(dead.last_error).toMatch(
      /^gave up after 3 attempts: the worker stopped mid-run \(lease expired\); before that: SMPP timeout/,
    );
  });

  it('a taken-over run notes that the previous attempt never finished', async () => {
    let seen: string | null = null;
    const job = defineJob({
      name: 'test.takeover',
      payload: z.object({}),
      async handler(_p, ctx) {
        seen = (await stateOf(ctx.jobId)).last_error;
        throw new Error('still broken');
      },
    });
    const id = (await enqueue(database.db, job, {}))!;
    await database.db.execute(
      sql`update jobs set state = 'running', attempts = 1, locked_by = 'killed', locked_until = now() - interval '1 second' where id = ${id}`,
    );
    await new JobWorker(deps, [job]).drain();
    expect(seen).toBe('attempt 1: the worker stopped mid-run (lease expired)');
    expect(await stateOf(id)).toMatchObject({ state: 'queued', attempts: 2, last_error: 'still broken' });
  });

  it('two workers draining at once run each job exactly once', async () => {
    const runs = new Map<number, number>();
    const job = defineJob({
      name: 'test.parallel',
      payload: z.object({ n: z.number() }),
      async handler(p) {
        runs.set(p.n, (runs.get(p.n) ?? 0) + 1);
      },
    });
    for (let n = 0; n < 30; n++) await enqueue(database.db, job, { n });
    await Promise.all([
      new JobWorker(deps, [job], { batch: 3 }).drain(),
      new JobWorker(deps, [job], { batch: 3 }).drain(),
    ]);
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
  });

  it('the billing scheduler enqueues each region-day once however many processes tick', async () => {
    const region = await buildRegion(database.db, { timeZone: 'Europe/Moscow' });
    const { account } = await buildSubscriber(database.db, { regionId: region.id, balance: 10_000 });
    const now = new Date('2026-11-24T21:01:00Z'); // 00:01 on the 25th in Moscow
    await Promise.all([billingScheduler.tick(database.db, now), billingScheduler.tick(database.db, now)]);
    const keyed = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int8 as n from jobs where key = ${`billing:${region.code}:2026-11-25`}`,
    );
    expect(keyed[0]!.n).toBe(1);
    // Run only this region's job (other test regions' jobs are for their own days).
    await database.db.execute(
      sql`update jobs set run_at = now() + interval '1 day' where name = 'billing.run' and key <> ${`billing:${region.code}:2026-11-25`}`,
    );
    await new JobWorker(deps, [billingRunJob]).drain();
    const [a] = await queryRows<{ balance: number }>(
      database.db,
      sql`select balance from accounts where id = ${account.id}`,
    );
    expect(a!.balance).toBe(10_000 - 2_000);
  });
});
