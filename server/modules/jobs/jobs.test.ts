import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { queryRows } from '../../db/client.js';
import { defineJob, enqueue, JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';

let t: TestContext;
let admin: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await buildStaff(t.database.db, { role: 'admin' });
});
afterAll(() => t.close());

let healthy = false;
const flaky = defineJob({
  name: 'test.flaky',
  payload: z.object({ outboxId: z.number() }),
  maxAttempts: 2,
  async handler() {
    if (!healthy) throw new Error('SMPP submit_sm failed: status 8');
  },
});

describe('dead jobs in the back office', () => {
  it('an admin sees a job that gave up, with its last error, and queues it again', async () => {
    const db = t.database.db;
    const id = (await enqueue(db, flaky, { outboxId: 7 }))!;
    const worker = new JobWorker(t.app.deps, [flaky]);
    await worker.drain();
    await db.execute(sql`update jobs set run_at = now() where id = ${id}`);
    await worker.drain();

    const list = await t.app.inject({ url: '/api/staff/jobs?name=test.flaky', headers: admin.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, page: 1 });
    expect(list.json().jobs[0]).toMatchObject({
      id,
      name: 'test.flaky',
      state: 'dead',
      attempts: 2,
      maxAttempts: 2,
      payload: { outboxId: 7 },
      lastError: 'SMPP submit_sm failed: status 8',
    });

    const retry = await t.app.inject({ method: 'POST', url: `/api/staff/jobs/${id}/retry`, headers: admin.auth });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ id, state: 'queued', attempts: 0 });
    healthy = true;
    await worker.drain();
    const [row] = await queryRows<{ state: string; last_error: string | null }>(
      db,
      sql`select state, last_error from jobs where id = ${id}`,
    );
    expect(row).toEqual({ state: 'done', last_error: null });
    const [audit] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from audit_log where action = 'job.retry' and entity_id = ${String(id)}`,
    );
    expect(audit!.n).toBe(1);

    // Only a dead job can be retried; unknown ids and bad input are refused in the caller's language.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/jobs/${id}/retry`,
      headers: { ...admin.auth, 'accept-language': 'en' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toEqual({
      code: 'job_not_retryable',
      message: 'Only a job that gave up can be retried',
    });
    const missing = await t.app.inject({ method: 'POST', url: '/api/staff/jobs/99999999/retry', headers: admin.auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('job_not_found');
    expect((await t.app.inject({ url: '/api/staff/jobs?state=lost', headers: admin.auth })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/staff/jobs/abc/retry', headers: admin.auth })).statusCode,
    ).toBe(400);
  });

  it('is for admins only', async () => {
    const finance = await buildStaff(t.database.db, { role: 'finance' });
    expect((await t.app.inject({ url: '/api/staff/jobs', headers: finance.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/staff/jobs' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/staff/jobs/1/retry', headers: finance.auth })).statusCode,
    ).toBe(403);
  });
});
