/**
 * Payment notifications benchmark. Seeds accounts in a region with online receipts on, and card payments
 * whose provider side (the test acquirer) already says "succeeded", then delivers N notifications with
 * 8 in flight through the real code path (handleNotification: re-fetch from the provider → read the
 * payment and its account → one guarded statement that credits: ledger entry and its key, bonus check,
 * balance, unblock check, payment row, receipt and its job, the subscriber's notice event, audit).
 *
 * In the same run, interleaved in rounds over the same accounts, it times two floors:
 * - the raw floor (`raw_per_s`, `ratio`): the same durable work with the least SQL — one statement per
 *   payment, committing on its own, that writes exactly what a credit writes (ledger entry with its
 *   idempotency key, balance, payment succeeded, receipt, receipt job, notice event, audit row) and
 *   reads, checks and decides nothing;
 * - the ledger-only floor (`ledger_only_per_s`, `ratio_ledger_only`): the floor this bench had until
 *   2026-12-07 (one transaction: BEGIN, INSERT ledger entry, UPDATE balance, COMMIT), kept so that the
 *   figures stay comparable with the earlier ones.
 *
 * Then a profile pass (`stages`): PROFILE more notifications one at a time with every round trip timed
 * (provider re-fetch, payment lookup, credit statement, and the Node time around them), and the credit
 * statement and the floor's statement run under EXPLAIN ANALYZE (in a transaction that is rolled back,
 * just before the real one) to split their time per stage. Prints one JSON line.
 *
 *   npm run bench:payments -- --payments 6000                (PGlite in memory, one connection)
 *   DATABASE_URL=postgres://… npm run bench:payments          (PostgreSQL, 8 connections)
 */
import { readFileSync } from 'node:fs';

import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { loadConfig } from '../server/config.js';
import { type Database, queryRows } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { buildDeps } from '../server/deps.js';
import { handleNotification } from '../server/modules/payments/handle-notification.js';
import { registerReceiptJob } from '../server/modules/receipts/register-receipt.job.js';
import { arg, dropBenchDatabase, openBenchDatabase } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.payments, 'bench:payments');

const N = arg('payments', 6000);
const PROFILE = arg('profile', 200);
/** Of the profiled notifications, how many also run their credit statement under EXPLAIN ANALYZE first. */
const EXPLAINED = Math.min(PROFILE, 50);
const ROUNDS = 6;
const CONCURRENCY = 8;
const BENCH_DB = 'abonent_bench_payments';
const AMOUNT = 10000;

/**
 * Payment ids: 1..N are notified (provider ids ta_1..ta_N), N+1..2N are the raw floor's (payment N+i of
 * account i), 2N+1..2N+PROFILE are profiled (ta_<id>, account id−2N), and the next EXPLAINED are the
 * floor's profiled ones (rolled back). Accounts 1..N.
 */
async function seed(db: Database['db']) {
  await db.execute(sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
    values ('bench', 'Бенчмарк', 'Bench', 'Europe/Moscow', '88005559167', 'b@example.net', '99')`);
  // Online payments get a 54-ФЗ receipt: every Russian ISP that takes cards has this on.
  await db.execute(sql`insert into receipt_settings (region_id, enabled, group_code, inn, payment_address, company_email)
    values (1, true, 'bench_group', '7700000000', 'https://bench.example.net', 'b@example.net')`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || g, 'Адрес ' || g, '79' || lpad(g::text, 9, '0') from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'B' || g, g, 1, '2026-01-01' from generate_series(1, ${N}) g`);
  await db.execute(
    sql`insert into accounts (number, contract_id, region_id) select lpad(g::text, 9, '0'), g, 1 from generate_series(1, ${N}) g`,
  );
  const total = 2 * N + PROFILE + EXPLAINED;
  await db.execute(
    sql`insert into test_acquirer_payments (id, amount, status, return_url)
        select 'ta_' || g, ${AMOUNT}, 'succeeded', '' from generate_series(1, ${2 * N + PROFILE}) g where g <= ${N} or g > ${2 * N}`,
  );
  await db.execute(sql`insert into payments (account_id, provider, external_id, amount, status, method)
    select case when g <= ${N} then g when g <= ${2 * N} then g - ${N}
                when g <= ${2 * N + PROFILE} then g - ${2 * N} else g - ${2 * N + PROFILE} end, 'test_acquirer',
           case when g <= ${N} or (g > ${2 * N} and g <= ${2 * N + PROFILE}) then 'ta_' || g end, ${AMOUNT}, 'pending', 'card'
    from generate_series(1, ${total}) g`);
  await db.execute(sql`vacuum analyze`);
}

/** Runs fn(i) for i in [from, to) with CONCURRENCY in flight; returns the seconds it took. */
async function pool(from: number, to: number, fn: (i: number) => Promise<unknown>) {
  let next = from;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) await fn(next++);
    }),
  );
  return (performance.now() - start) / 1000;
}

const database = await openBenchDatabase(BENCH_DB, CONCURRENCY);
await runMigrations(database);
const db = database.db;
await seed(db);
const deps = buildDeps(
  // The test acquirer plays the provider here: it exists outside production only.
  loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
  database,
);
const [day] = await queryRows<{ today: string }>(
  db,
  sql`select (now() at time zone 'Europe/Moscow')::date::text as today`,
);
const today = day!.today;

const notify = async (paymentId: number) => {
  const r = await handleNotification(db, deps, 'test_acquirer', `ta_${paymentId}`);
  if (!r?.credited) throw new Error(`payment ta_${paymentId} not credited`);
};

/**
 * The raw floor: what a credit writes, in one statement that commits on its own — nothing read first,
 * nothing checked, no bonus, no unblock, values known in advance.
 */
const floorStatement = (accountId: number, paymentId: number) =>
  sql`with e as (
        insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key)
        values (${accountId}, 'payment', ${AMOUNT}, ${today}::date, 'provider:test_acquirer', 'card payment', ${`payment:${paymentId}`})
        returning id),
      a as (update accounts set balance = balance + ${AMOUNT} where id = ${accountId} returning balance),
      p as (update payments set status = 'succeeded', succeeded_at = now(), ledger_entry_id = e.id from e where payments.id = ${paymentId}),
      r as (insert into receipts (payment_id, region_id, total, external_id)
            values (${paymentId}, 1, ${AMOUNT}, (select id from installation) || '-' || ${String(paymentId)}::text)),
      j as (insert into jobs (name, key, payload, max_attempts)
            values (${registerReceiptJob.name}, ${`receipt:${paymentId}`}, ${JSON.stringify({ paymentId })}::jsonb, 10)),
      ev as (insert into account_events (account_id, kind, data)
             select ${accountId}::int8, 'payment_credited', jsonb_build_object('amount', ${AMOUNT}::int8, 'bonus', 0, 'balance', a.balance) from a),
      au as (insert into audit_log (actor_type, actor_id, action, entity, entity_id, after)
             select 'system', 'provider:test_acquirer', 'payment.credited', 'account', ${String(accountId)},
                    jsonb_build_object('amount', ${AMOUNT}::int8, 'balance', a.balance, 'key', ${`payment:${paymentId}`}::text) from a)
      select 1`;
const rawCredit = (accountId: number) => db.execute(floorStatement(accountId, N + accountId));

/** The floor of this bench until 2026-12-07: a ledger entry and the balance, one transaction. */
const ledgerOnly = (i: number) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
                         values (${i}, 'payment', ${AMOUNT}, ${today}::date, 'bench', ${`raw:${i}`})`);
    await tx.execute(sql`update accounts set balance = balance + ${AMOUNT} where id = ${i}`);
  });

/**
 * CPU time (ms) used so far by the database's server processes of this bench's connections (PostgreSQL:
 * from /proc; PGlite runs inside Node, so 0) and by this Node process. On a shared machine the wall
 * time of a phase depends on what else runs; the CPU each payment costs does much less.
 */
async function cpuNow(): Promise<{ node: number; db: number }> {
  const node = process.cpuUsage();
  let dbMs = 0;
  if (database.pool) {
    const { rows } = await database.pool.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database()',
    );
    for (const { pid } of rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        dbMs += ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
      } catch {
        /* not on this machine (a remote server) or gone */
      }
    }
  }
  return { node: (node.user + node.system) / 1000, db: dbMs };
}
const CLOCK_TICKS = 100;
const cpu: Record<string, { node: number; db: number }> = {};
async function measured(kind: string, from: number, to: number, fn: (i: number) => Promise<unknown>) {
  const before = await cpuNow();
  const seconds = await pool(from, to, fn);
  const after = await cpuNow();
  const c = (cpu[kind] ??= { node: 0, db: 0 });
  c.node += after.node - before.node;
  c.db += after.db - before.db;
  return seconds;
}

// The three are interleaved in rounds over the same accounts, so none gets another's warm cache or a
// quieter moment of the machine (a floor measured alone first or last drifted by ±20%).
let real = 0;
let raw = 0;
let ledger = 0;
for (let round = 0; round < ROUNDS; round++) {
  const from = 1 + Math.floor((N * round) / ROUNDS);
  const to = 1 + Math.floor((N * (round + 1)) / ROUNDS);
  real += await measured('notifications', from, to, notify);
  raw += await measured('raw', from, to, rawCredit);
  ledger += await measured('ledger_only', from, to, ledgerOnly);
}

// ---------- Profile: each round trip of the credit path, one notification at a time ----------

/** The driver's query function (pool or PGlite instance), to time calls through it. */
const driver = (database.pool ?? database.pglite) as unknown as { query: (...a: unknown[]) => Promise<unknown> };
const originalQuery = driver.query.bind(driver);
const textOf = (q: unknown) => (typeof q === 'string' ? q : (q as { text: string }).text);

/** Runs `text` under EXPLAIN ANALYZE in a transaction that is rolled back: its writes are not kept. */
const explainRolledBack: (text: string, params: unknown[]) => Promise<Plan> = async (text, params) => {
  const q = `explain (analyze, format json) ${text}`;
  let plan: unknown;
  if (database.pool) {
    const c = await database.pool.connect();
    try {
      await c.query('begin');
      plan = (await c.query<{ 'QUERY PLAN': unknown }>(q, params)).rows[0]!['QUERY PLAN'];
      await c.query('rollback');
    } finally {
      c.release();
    }
  } else {
    await database.pglite!.transaction(async (tx) => {
      plan = ((await tx.query(q, params)).rows[0] as Record<string, unknown>)['QUERY PLAN'];
      await tx.rollback();
    });
  }
  return (typeof plan === 'string' ? JSON.parse(plan) : plan) as Plan;
};

interface PlanNode {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Subplan Name'?: string;
  'Actual Total Time': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}
type Plan = [
  {
    Plan: PlanNode;
    'Planning Time': number;
    'Execution Time': number;
    Triggers?: { 'Trigger Name': string; Time: number; Calls: number }[];
  },
];

/** Which stage of a credit a write belongs to, by the table it writes. */
const WRITE_STAGE: Record<string, string> = {
  ledger_entries: 'ledger_entry',
  accounts: 'balance',
  payments: 'payment_row',
  receipts: 'receipt',
  jobs: 'receipt_job',
  account_events: 'notice_event',
  audit_log: 'audit',
  promised_payments: 'promised_repaid',
  saved_payment_methods: 'saved_card',
};
/** Which stage a trigger's time belongs to. */
const TRIGGER_STAGE: Record<string, string> = {
  ledger_entries_key: 'idempotency_key',
  account_events_network: 'cache_invalidation',
};

/**
 * Splits one EXPLAIN ANALYZE into stages: each write node's own time (its total minus its inputs'),
 * the row lock of the guard, each trigger's time; the rest of the execution is `reads_and_ctes`.
 */
function stagesOf(plan: Plan): Record<string, number> {
  const [top] = plan;
  const out: Record<string, number> = {};
  const add = (k: string, ms: number) => (out[k] = (out[k] ?? 0) + ms);
  const own = (n: PlanNode) =>
    n['Actual Total Time'] * n['Actual Loops'] -
    (n.Plans ?? [])
      .filter((c) => !c['Subplan Name'])
      .reduce((s, c) => s + c['Actual Total Time'] * c['Actual Loops'], 0);
  const walk = (n: PlanNode) => {
    if (n['Node Type'] === 'ModifyTable') add(WRITE_STAGE[n['Relation Name'] ?? ''] ?? 'other_writes', own(n));
    if (n['Node Type'] === 'LockRows') add('guard_row_locks', own(n));
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(top.Plan);
  for (const t of top.Triggers ?? []) {
    const name = t['Trigger Name'];
    add(TRIGGER_STAGE[name] ?? (name.startsWith('RI_') ? 'foreign_key_checks' : `trigger_${name}`), t.Time);
  }
  const staged = Object.values(out).reduce((s, v) => s + v, 0);
  // Triggers run outside the plan's nodes but inside the execution time.
  add('reads_and_ctes', Math.max(0, top['Execution Time'] - staged));
  add('execution', top['Execution Time']);
  add('planning', top['Planning Time']);
  return out;
}

/** Round trips of the credit path by what they do (the text of the statement). */
const roundTrip = (text: string) =>
  text.includes('from test_acquirer_payments')
    ? 'provider_refetch'
    : text.startsWith('select p.id, p.amount')
      ? 'payment_lookup'
      : text.startsWith('with guard as') || text.startsWith('with t as')
        ? 'credit_statement'
        : 'other_statements';

const tripMs: Record<string, number> = {};
const tripCount: Record<string, number> = {};
const creditStages: Record<string, number> = {};
let explained = 0;
let explainNext = false;
driver.query = async (...a: unknown[]) => {
  const text = textOf(a[0]);
  const params = (a[1] ?? []) as unknown[];
  const kind = roundTrip(text);
  if (kind === 'credit_statement' && explainNext) {
    explainNext = false;
    for (const [k, v] of Object.entries(stagesOf(await explainRolledBack(text, params))))
      creditStages[k] = (creditStages[k] ?? 0) + v;
    explained++;
  }
  const t = performance.now();
  try {
    return await originalQuery(...a);
  } finally {
    if (timing) {
      tripMs[kind] = (tripMs[kind] ?? 0) + performance.now() - t;
      tripCount[kind] = (tripCount[kind] ?? 0) + 1;
    }
  }
};
// The first EXPLAINED notifications run their credit statement under EXPLAIN first; the others are
// timed (their round trips and their wall time), so no EXPLAIN is in what is timed.
let timing = false;
let wall = 0;
for (let k = 1; k <= PROFILE; k++) {
  explainNext = k <= EXPLAINED;
  timing = k > EXPLAINED;
  const start = performance.now();
  await notify(2 * N + k);
  if (timing) wall += performance.now() - start;
}
driver.query = originalQuery;
const timed = Math.max(1, PROFILE - EXPLAINED);
let tripsMs = 0;
const perNotice: Record<string, number> = {};
for (const [k, ms] of Object.entries(tripMs)) perNotice[k] = ms / timed;
for (const ms of Object.values(perNotice)) tripsMs += ms;
perNotice.node_and_driver = wall / timed - tripsMs;
perNotice.total = wall / timed;

// The floor's statement under the same EXPLAIN ANALYZE (a payment of its own: id N+i is account i's).
const floorStages: Record<string, number> = {};
for (let k = 1; k <= EXPLAINED; k++) {
  const q = floorStatementQuery(k);
  for (const [s, v] of Object.entries(stagesOf(await explainRolledBack(q.sql, q.params))))
    floorStages[s] = (floorStages[s] ?? 0) + v;
}
function floorStatementQuery(accountId: number) {
  // A pending payment of its own (the rounds credited N+1..2N); the EXPLAIN is rolled back.
  return new PgDialect().sqlToQuery(floorStatement(accountId, 2 * N + PROFILE + accountId));
}

const round3 = (o: Record<string, number>, per = 1) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round((v / per) * 1000) / 1000]));
const notificationsPerS = Math.round(N / real);
const rawPerS = Math.round(N / raw);
const ledgerOnlyPerS = Math.round(N / ledger);
console.log(
  JSON.stringify({
    bench: 'payments',
    db: database.kind,
    connections: database.kind === 'postgres' ? CONCURRENCY : 1,
    payments: N,
    notifications_per_s: notificationsPerS,
    raw_per_s: rawPerS,
    ratio: Math.round((notificationsPerS / rawPerS) * 100) / 100,
    ledger_only_per_s: ledgerOnlyPerS,
    ratio_ledger_only: Math.round((notificationsPerS / ledgerOnlyPerS) * 100) / 100,
    /** CPU per payment (µs): this Node process, and the PostgreSQL server processes of its connections. */
    cpu_us_per_payment: Object.fromEntries(
      Object.entries(cpu).map(([k, c]) => [
        k,
        { node: Math.round((c.node * 1000) / N), db: Math.round((c.db * 1000) / N) },
      ]),
    ),
    stages: {
      profiled: PROFILE,
      explained,
      round_trips_per_notice: Math.round((Object.values(tripCount).reduce((s, c) => s + c, 0) / timed) * 100) / 100,
      per_notice_ms: round3(perNotice),
      credit_statement_ms: round3(creditStages, Math.max(1, explained)),
      floor_statement_ms: round3(floorStages, Math.max(1, EXPLAINED)),
    },
  }),
);
await database.close();
if (!process.env.BENCH_KEEP) await dropBenchDatabase(BENCH_DB);
