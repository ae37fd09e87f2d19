import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { queryRows } from '../db/client.js';
import { buildApp, createTestApp, type TestContext } from '../test/app.js';
import { buildStaff } from '../test/factories.js';
import { signedInSubscriber } from '../test/sign-in.js';

// What the read caches must never do: let a revoked session in, or hide a change from the person who
// made it. A direct SQL write stands for another Abonent process sharing the database.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ SESSION_CACHE_SECONDS: 60, OVERVIEW_CACHE_SECONDS: 2 });
});
afterAll(() => t.close());

const overview = (auth: Record<string, string>) =>
  t.app.inject({ method: 'GET', url: '/api/me/overview', headers: auth });

/** A finance officer's +50 ₽ correction through this test's app (an unsafe request that changes a balance). */
async function correct(auth: Record<string, string>, accountId: number, idempotencyKey: string): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/staff/accounts/${accountId}/corrections`,
    headers: auth,
    payload: { amount: 5_000, reason: 'Перерасчёт за аварию', idempotencyKey },
  });
  expect(res.statusCode).toBe(200);
}

describe('read caches', () => {
  it('a signed-out token is refused at once, though it was just served from the cache', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    expect((await overview(s.auth)).statusCode).toBe(200);
    expect((await overview(s.auth)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.auth })).statusCode).toBe(200);
    expect((await overview(s.auth)).statusCode).toBe(401);
  });

  it('a refused request does not flush the caches (nobody can empty them at will)', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    expect((await overview(s.auth)).statusCode).toBe(200);
    const cached = t.app.deps.caches.sessions.size;
    expect(cached).toBeGreaterThan(0);
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { contract: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(t.app.deps.caches.sessions.size).toBe(cached);
  });

  it('a session revoked by another process is refused within moments, not after the 60 s TTL', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    expect((await overview(s.auth)).statusCode).toBe(200);
    await t.database.db.execute(sql`update sessions set revoked_at = now() where contract_id = ${s.contract.id}`);
    await vi.waitFor(async () => expect((await overview(s.auth)).statusCode).toBe(401), {
      timeout: 3_000,
      interval: 20,
    });
  });

  it('a password changed by another process (e.g. recovery) ends cached sessions through the contract', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    expect((await overview(s.auth)).statusCode).toBe(200);
    await t.database.db.execute(sql`update contracts set must_change_password = 1 where id = ${s.contract.id}`);
    await vi.waitFor(async () => expect((await overview(s.auth)).json().error?.code).toBe('password_change_required'), {
      timeout: 3_000,
      interval: 20,
    });
  });

  it('a staff correction shows in the subscriber’s balance on the next read', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: 10_000 });
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    expect((await overview(s.auth)).json().balance).toBe(10_000);
    await correct(fin.auth, s.account.id, 'cache-1');
    expect((await overview(s.auth)).json().balance).toBe(15_000);
  });

  it('a balance changed by another process shows within the overview TTL', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { balance: 10_000 });
    expect((await overview(s.auth)).json().balance).toBe(10_000);
    await t.database.db.execute(sql`update accounts set balance = balance + 1 where id = ${s.account.id}`);
    await vi.waitFor(async () => expect((await overview(s.auth)).json().balance).toBe(10_001), {
      timeout: 3_000,
      interval: 100,
    });
  });

  it('a change made through another process shows in this one’s cached overview at once, not after the TTL', async () => {
    // Two Abonent processes on one database; this one would keep an overview for a minute.
    const slow = await buildApp({
      config: { ...t.config, OVERVIEW_CACHE_SECONDS: 60 },
      database: t.database,
    });
    try {
      const s = await signedInSubscriber(slow, t.database.db, { balance: 10_000 });
      const fin = await buildStaff(t.database.db, { role: 'finance' });
      const read = async () => (await slow.inject({ method: 'GET', url: '/api/me/overview', headers: s.auth })).json();
      expect((await read()).balance).toBe(10_000);
      await t.database.db.execute(sql`update accounts set balance = 0 where id = ${s.account.id}`);
      expect((await read()).balance).toBe(10_000); // served from the cache: a bare SQL write tells nobody
      await correct(fin.auth, s.account.id, 'cache-other-1');
      // The other process announced its change before answering; delivery to this one's LISTEN
      // connection takes a moment on PostgreSQL (within 300 ms, far under the 60 s TTL).
      await vi.waitFor(async () => expect((await read()).balance).toBe(5_000), { timeout: 300, interval: 10 });
      // Sessions stay cached: a change announcement drops overviews only.
      expect(slow.deps.caches.sessions.size).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it('a burst of changes sends few notifications, and each caller waits for one sent after its change', async () => {
    const caches = t.app.deps.caches;
    const sent: string[] = [];
    const stop = await t.database.listen('abonent_cache', {
      onNotify: (payload) => sent.push(payload),
      onListening: () => {},
    });
    try {
      await Promise.all(Array.from({ length: 20 }, () => caches.changed()));
      await vi.waitFor(() => expect(sent.filter((p) => p === 'overviews').length).toBeGreaterThan(0), {
        timeout: 1_000,
        interval: 10,
      });
      const n = sent.filter((p) => p === 'overviews').length;
      expect(n).toBeLessThanOrEqual(2);
    } finally {
      await stop();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'when the notification connection drops, nothing revoked meanwhile is served from the cache',
    async () => {
      const s = await signedInSubscriber(t.app, t.database.db);
      expect((await overview(s.auth)).statusCode).toBe(200);
      const [killed] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = current_database() and query = 'LISTEN abonent_cache'`,
      );
      expect(killed!.n).toBe(1);
      await t.database.db.execute(sql`update sessions set revoked_at = now() where contract_id = ${s.contract.id}`);
      await vi.waitFor(async () => expect((await overview(s.auth)).statusCode).toBe(401), {
        timeout: 3_000,
        interval: 20,
      });
      // It listens again (within about a second) and the cache works on.
      await vi.waitFor(
        async () => {
          const [n] = await queryRows<{ n: number }>(
            t.database.db,
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and query = 'LISTEN abonent_cache'`,
          );
          expect(n!.n).toBe(1);
        },
        { timeout: 5_000, interval: 100 },
      );
    },
  );
});
