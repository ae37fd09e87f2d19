/**
 * Payment notifications benchmark. Seeds accounts and N card payments whose provider side (the test
 * acquirer) already says "succeeded", then delivers the N notifications with 8 in flight through the
 * real code path (handleNotification: find payment → re-fetch from the provider → row lock → state
 * change + creditPayment with bonus check, hooks, unblock check and audit, one transaction). In the
 * same run it times the raw floor: one transaction per payment with INSERT ledger entry + UPDATE
 * balance, same concurrency, same accounts. Prints one JSON line.
 *
 *   npm run bench:payments -- --payments 6000                (PGlite in memory, one connection)
 *   DATABASE_URL=postgres://… npm run bench:payments          (PostgreSQL, 8 connections)
 */
import { sql } from 'drizzle-orm';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { loadConfig } from '../server/config.js';
import type { Database } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { buildDeps } from '../server/deps.js';
import { handleNotification } from '../server/modules/payments/handle-notification.js';
import { arg, dropBenchDatabase, openBenchDatabase } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.payments, 'bench:payments');

const N = arg('payments', 6000);
const ROUNDS = 6;
const CONCURRENCY = 8;
const BENCH_DB = 'abonent_bench_payments';

async function seed(db: Database['db']) {
  await db.execute(sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
    values ('bench', 'Бенчмарк', 'Bench', 'Europe/Moscow', '88005559167', 'b@example.net', '99')`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || g, 'Адрес ' || g, '79' || lpad(g::text, 9, '0') from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'B' || g, g, 1, '2026-01-01' from generate_series(1, ${N}) g`);
  await db.execute(
    sql`insert into accounts (number, contract_id, region_id) select lpad(g::text, 9, '0'), g, 1 from generate_series(1, ${N}) g`,
  );
  await db.execute(
    sql`insert into test_acquirer_payments (id, amount, status, return_url) select 'ta_' || g, 10000, 'succeeded', '' from generate_series(1, ${N}) g`,
  );
  await db.execute(sql`insert into payments (account_id, provider, external_id, amount, status, method)
    select g, 'test_acquirer', 'ta_' || g, 10000, 'pending', 'card' from generate_series(1, ${N}) g`);
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

const notify = async (i: number) => {
  const r = await handleNotification(db, deps, 'test_acquirer', `ta_${i}`);
  if (!r?.credited) throw new Error(`payment ta_${i} not credited`);
};
const rawCredit = (i: number) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
                         values (${i}, 'payment', 10000, '2026-11-25', 'bench', ${`raw:${i}`})`);
    await tx.execute(sql`update accounts set balance = balance + 10000 where id = ${i}`);
  });
// The two are interleaved in rounds over the same accounts, so neither gets the other's warm cache
// or a quieter moment of the machine (the raw floor measured alone first or last drifted by ±20%).
let real = 0;
let raw = 0;
for (let round = 0; round < ROUNDS; round++) {
  const from = 1 + Math.floor((N * round) / ROUNDS);
  const to = 1 + Math.floor((N * (round + 1)) / ROUNDS);
  real += await pool(from, to, notify);
  raw += await pool(from, to, rawCredit);
}
const notificationsPerS = Math.round(N / real);
const rawPerS = Math.round(N / raw);
console.log(
  JSON.stringify({
    bench: 'payments',
    db: database.kind,
    connections: database.kind === 'postgres' ? CONCURRENCY : 1,
    payments: N,
    notifications_per_s: notificationsPerS,
    raw_per_s: rawPerS,
    ratio: Math.round((notificationsPerS / rawPerS) * 100) / 100,
  }),
);
await database.close();
if (!process.env.BENCH_KEEP) await dropBenchDatabase(BENCH_DB);
