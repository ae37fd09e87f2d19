import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../common/dates.js';
import { kopecksToDecimal } from '../common/money.js';
import { type Database, queryRows } from './db/client.js';
import { createAgent } from './modules/agents/create-agent.js';
import { createSession } from './modules/auth/sessions.js';
import { verifyLedger } from './modules/ledger/verify-ledger.js';
import { AppProcess, Balancer, freePort, type Outcome, sleep } from './test/cluster.js';
import { createTestDatabase } from './test/db.js';
import { buildRegion, buildStaff, buildSubscriber } from './test/factories.js';

/**
 * Three app processes against one PostgreSQL, behind a balancer (docs/scale.md): cabinet reads,
 * payment-agent payments and a billing day go through all of them; every job runs once; a session
 * ended on one is ended on all; a rolling restart of one under load loses no request.
 * PostgreSQL only: the embedded PGlite is one process's database.
 */
const url = process.env.DATABASE_URL;
const METRICS_TOKEN = 'cluster-metrics-token-0123';
const REGIONS = [
  { code: 'kgd', timeZone: 'Europe/Kaliningrad' },
  { code: 'msk', timeZone: 'Europe/Moscow' },
  { code: 'vvo', timeZone: 'Asia/Vladivostok' },
];
const PER_REGION = 8;

interface Sub {
  accountId: number;
  number: string;
  token: string;
  regionId: number;
}

describe.skipIf(!url)('three app processes on one PostgreSQL (skipped on PGlite: one process only)', () => {
  let database: Database;
  let procs: AppProcess[] = [];
  let lb: Balancer;
  let agentAuth: string;
  const subs: Sub[] = [];
  let txn = 10_000;
  const acked = new Map<string, { account: string; kopecks: number }>();

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    const db = database.db;
    for (const [i, r] of REGIONS.entries()) {
      const region = await buildRegion(db, { code: r.code, timeZone: r.timeZone, contractPrefix: `9${i}` });
      for (let k = 0; k < PER_REGION; k++) {
        // Some go below zero with today's charge and get blocked; the rest stay active.
        const { account, contract } = await buildSubscriber(db, {
          regionId: region.id,
          balance: k % 4 === 0 ? 1_000 : 50_000,
        });
        const { token } = await createSession(db, { type: 'subscriber', contractId: contract.id });
        subs.push({ accountId: account.id, number: account.number, token, regionId: region.id });
      }
    }
    const admin = await buildStaff(db, { role: 'admin' });
    const agent = await createAgent(
      db,
      { code: 'kiosk', name: 'Терминалы', allowedCidrs: ['127.0.0.1/32'] },
      admin.user.id,
    );
    agentAuth = `Basic ${Buffer.from(`kiosk:${agent.secret}`).toString('base64')}`;

    const dbUrl = (database.pool!.options as { connectionString: string }).connectionString;
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '4',
      DEMO_SEED: '0',
      WORKER: '1',
      METRICS_TOKEN,
      SHUTDOWN_DRAIN_SECONDS: '1',
      SHUTDOWN_TIMEOUT_SECONDS: '20',
    };
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    procs = ports.map((p, i) => new AppProcess(`app${i + 1}`, p, env));
    await Promise.all(procs.map((p) => p.start()));
    lb = new Balancer(procs);
    await lb.start();
  }, 240_000);

  afterAll(async () => {
    lb?.stop();
    await Promise.all(procs.map((p) => p.stop().catch(() => null)));
    for (const p of procs) p.kill();
    await database?.close();
  });

  const pay = async (s: Sub, kopecks: number, via?: AppProcess): Promise<Outcome> => {
    const id = String(txn++);
    const q = new URLSearchParams({
      command: 'pay',
      txn_id: id,
      account: s.number,
      sum: kopecksToDecimal(kopecks),
      txn_date: '20261125101500',
    });
    const path = `/api/agents/kiosk/osmp?${q}`;
    const init = { headers: { authorization: agentAuth } };
    const out = via
      ? await fetch(`${via.url}${path}`, init).then(async (r) => ({
          status: r.status,
          body: await r.text(),
          backend: via.name,
          retries: 0,
        }))
      : await lb.request(path, init);
    if (out.status === 200 && /<result>0<\/result>/.test(out.body)) acked.set(id, { account: s.number, kopecks });
    return out;
  };
  const get = (path: string, token: string, via?: AppProcess) =>
    via
      ? fetch(`${via.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
          status: r.status,
          json: (await r.json()) as Record<string, unknown>,
        }))
      : lb
          .request(path, { headers: { authorization: `Bearer ${token}` } })
          .then((o) => ({ status: o.status, json: JSON.parse(o.body) as Record<string, unknown> }));

  it('serves cabinet reads and payments through all three and runs the billing day once', async () => {
    const outcomes = await Promise.all(
      subs.flatMap((s) => [
        get('/api/me/overview', s.token),
        get('/api/me/statement', s.token),
        pay(s, 10_000).then((o) => ({ status: o.status, json: { backend: o.backend } })),
      ]),
    );
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(acked.size).toBe(subs.length);

    // Each process's scheduler enqueued today's billing for every region; each region-day ran once.
    const todays = REGIONS.map((r) => todayIn(r.timeZone));
    const days = async () =>
      queryRows<{ code: string; day: string; state: string; charged: number }>(
        database.db,
        sql`select r.code, b.day::text as day, b.state, b.charged from billing_days b join regions r on r.id = b.region_id
            order by r.code`,
      );
    const end = Date.now() + 60_000;
    while ((await days()).filter((d) => d.state === 'done').length < REGIONS.length && Date.now() < end)
      await sleep(200);
    expect((await days()).map((d) => ({ ...d }))).toEqual(
      REGIONS.map((r, i) => ({ code: r.code, day: todays[i], state: 'done', charged: PER_REGION })),
    );
    const [charges] = await queryRows<{ n: number; dup: number }>(
      database.db,
      sql`select count(*)::int as n, (count(*) - count(distinct (subscription_id, effective_on)))::int as dup
          from ledger_entries where kind = 'charge'`,
    );
    expect(charges).toEqual({ n: subs.length, dup: 0 });

    // Every job ran once: nothing retried, failed or left running; the billing jobs were shared out.
    await waitFor(async () => {
      const [busy] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from jobs where state = 'running' or (state = 'queued' and run_at <= now())`,
      );
      return busy!.n === 0;
    });
    const jobs = await queryRows<{ name: string; state: string; attempts: number; locked_by: string }>(
      database.db,
      sql`select name, state, attempts, locked_by from jobs where state <> 'queued'`,
    );
    expect(jobs.filter((j) => j.state !== 'done' || j.attempts !== 1)).toEqual([]);
    expect(jobs.filter((j) => j.name === 'billing.run')).toHaveLength(REGIONS.length);
    // The three processes' own counters (scraped from each) add up to one run per region.
    let billingRuns = 0;
    for (const p of procs) {
      const res = await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      const m = /abonent_jobs_finished_total\{job_name="billing.run",outcome="done"\} (\d+)/.exec(await res.text());
      billingRuns += Number(m?.[1] ?? 0);
    }
    expect(billingRuns).toBe(REGIONS.length);
  }, 120_000);

  it('ends a session everywhere when it is ended on one, and shows a payment made elsewhere', async () => {
    const s = subs[1]!;
    // Warm every process's caches with this session and this account's overview.
    const before = await Promise.all(procs.map((p) => get('/api/me/overview', s.token, p)));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200]);
    // The balance before paying, from the database: a process may still serve an overview cached in the
    // previous test (before its billing charge or payment), for up to OVERVIEW_CACHE_SECONDS.
    const [acc] = await queryRows<{ balance: number }>(
      database.db,
      sql`select balance::int as balance from accounts where id = ${s.accountId}`,
    );
    const balance = acc!.balance;

    const paid = await pay(s, 25_000, procs[0]);
    expect(paid.body).toContain('<result>0</result>');
    // Balances are not notified: other processes may show the old one for OVERVIEW_CACHE_SECONDS (2 s).
    for (const p of procs.slice(1)) {
      await waitFor(async () => (await get('/api/me/overview', s.token, p)).json.balance === balance + 25_000, 15_000);
    }

    const out = await fetch(`${procs[0]!.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(out.status).toBe(200);
    // Sessions are: the other processes drop the cached session on the database's notification.
    for (const p of procs.slice(1)) {
      await waitFor(async () => (await get('/api/me/overview', s.token, p)).status === 401, 3000);
    }
    expect((await get('/api/me/overview', s.token, procs[2])).json).toMatchObject({
      error: { code: 'unauthorized' },
    });
  }, 60_000);

  it('restarts one of three under load without losing an accepted request', async () => {
    const live = subs.filter((_, i) => i !== 1); // subs[1] signed out above
    const results: Outcome[] = [];
    let stop = false;
    // Each load worker pays into its own accounts: the test is about the restart, not about payments
    // racing on one account (server/modules/ledger has its own concurrency tests).
    const WORKERS = 6;
    const worker = async (w: number) => {
      const mine = live.filter((_, k) => k % WORKERS === w);
      for (let i = 0; !stop; i++) {
        const s = mine[i % mine.length]!;
        if (i % 2 === 0) results.push(await pay(s, 1_000 + ((w + i) % 50) * 500));
        else {
          const r = await lb.request('/api/me/statement', { headers: { authorization: `Bearer ${s.token}` } });
          results.push(r);
        }
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await sleep(1000);
    const victim = procs[1]!;
    expect(await victim.stop('SIGTERM')).toBe(0); // a clean, graceful exit
    await sleep(500);
    await victim.start();
    await sleep(1500);
    stop = true;
    await load;

    expect(results.length).toBeGreaterThan(20);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.filter((r) => r.body.includes('<result>') && !r.body.includes('<result>0</result>'))).toEqual([]);
    const served = new Set(results.map((r) => r.backend));
    expect(served.size).toBe(3);

    // Every acknowledged payment was credited exactly once, and nothing else was.
    const rows = await queryRows<{ txn: string; n: number; amount: number }>(
      database.db,
      sql`select p.external_id as txn, count(l.id)::int as n, sum(l.amount)::int8 as amount
          from payments p join ledger_entries l on l.idempotency_key = p.idempotency_key and l.kind = 'payment'
          where p.provider = 'agent:kiosk' group by p.external_id`,
    );
    expect(rows.length).toBe(acked.size);
    for (const r of rows) {
      expect(r.n).toBe(1);
      expect(r.amount).toBe(acked.get(r.txn)?.kopecks);
    }
    const v = await verifyLedger(database.db);
    expect(v.mismatches).toEqual([]);
    console.log(
      `cluster: ${results.length} requests during the restart, ${lb.connectionRetries} connection retries, ` +
        `${acked.size} payments credited once each`,
    );
  }, 180_000);
});

async function waitFor(cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await sleep(50);
  }
}
