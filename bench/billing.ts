/**
 * Daily billing benchmark: seeds N accounts, runs one day's charge through the real code path
 * (runBilling → claim → tariff changes → batched charge statements → low-balance events), and in the
 * same run times a raw-SQL floor on a copy of the same data: one statement that inserts the charges and
 * moves the balances by them (see floor()). Each timed part starts after a checkpoint. Prints one JSON
 * line, with the time of each kind of statement (PostgreSQL; `--explain` prints their plans to stderr).
 *
 *   npm run bench:billing -- --accounts 100000          (PGlite in memory)
 *   DATABASE_URL=postgres://… npm run bench:billing -- --accounts 1000000
 */
import { sql } from 'drizzle-orm';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import type { Database } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { runBilling } from '../server/modules/billing/run-billing.js';
import { arg, dropBenchDatabase, openBenchDatabase, roundTimes, traceStatements } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.billing, 'bench:billing');

const N = arg('accounts', 100_000);
const DAY = '2026-11-25';
const BENCH_DB = 'abonent_bench';

/** Statement kinds timed apart in the JSON line (`statements_ms`, PostgreSQL only). */
const LABELS: [string, RegExp][] = [
  ['floor_charge', /insert into floor_ledger \(/],
  ['floor_copy', /floor_accounts|floor_ledger/],
  ['charge', /insert into ledger_entries/],
  ['low_balance_done', /with warn as/],
  ['tariff_changes', /pending_tariff_id is not null/],
  ['services_day', /suspensions|ip_addresses|from regions where id/],
  ['transaction', /^\s*(begin|commit|rollback|set local|checkpoint)/i],
  ['runner_lock', /advisory|billing_days/],
];

async function seed(database: Database) {
  const db = database.db;
  await db.execute(sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
    values ('bench', 'Бенчмарк', 'Bench', 'Europe/Moscow', '88005559167', 'b@example.net', '99')`);
  await db.execute(sql`insert into tariffs (region_id, code, name_ru, name_en, monthly_fee, speed_down_kbps, speed_up_kbps, active_from)
    values (1, 'home', 'Домашний', 'Home', 60000, 100000, 100000, '2020-01-01')`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || g, 'Адрес ' || g, '79' || lpad(g::text, 9, '0') from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'B' || g, g, 1, '2026-01-01' from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into accounts (number, contract_id, region_id)
    select lpad(g::text, 9, '0'), g, 1 from generate_series(1, ${N}) g`);
  // One tariff per account, a static IP add-on for every tenth.
  await db.execute(sql`insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
    select g, 'tariff', 1, 60000, '2026-01-01' from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into services (region_id, kind, code, name_ru, name_en, monthly_fee)
    values (1, 'static_ip', 'ip', 'IP', 'IP', 15000)`);
  await db.execute(sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
    select g, 'service', 1, 15000, '2026-01-01' from generate_series(1, ${N}, 10) g`);
  // Opening balances through the ledger (1 % of accounts too poor for the day: they get blocked).
  await db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
    select g, 'adjustment', case when g % 100 = 0 then 100 else 100000 end, '2026-11-01', 'bench', 'open:' || g
    from generate_series(1, ${N}) g`);
  await db.execute(sql`update accounts set balance = case when id % 100 = 0 then 100 else 100000 end`);
  await db.execute(sql`vacuum analyze`);
}

/**
 * Before each timed part: a checkpoint on PostgreSQL, so that neither side pays for a checkpoint (and the
 * full-page writes after it) that the other side's setup — the seed, the floor's copies — caused.
 */
async function settle(database: Database) {
  if (database.kind === 'postgres') await database.db.execute(sql`checkpoint`);
}

/**
 * The floor: the same charges and balance moves as the least raw SQL that does them, on copies of the
 * same tables (same indexes; floor_accounts goes through the seed's update and vacuum too, so its pages
 * are laid out like accounts'), with the same work_mem as the charge statement: one statement that
 * inserts the day's charges and moves each account's balance by what was inserted. It leaves out what
 * the real path does besides (blocking, events, low-balance warnings, the run's bookkeeping), so the
 * ratio counts all of that against the real path.
 */
async function floor(database: Database): Promise<number> {
  const db = database.db;
  await db.execute(sql`create table floor_accounts (like accounts including all)`);
  await db.execute(sql`insert into floor_accounts select * from accounts`);
  await db.execute(sql`update floor_accounts set balance = balance`);
  await db.execute(sql`create table floor_ledger (like ledger_entries including all)`);
  await db.execute(sql`insert into floor_ledger select * from ledger_entries where kind <> 'charge'`);
  await db.execute(sql`vacuum analyze floor_accounts`);
  await db.execute(sql`analyze floor_ledger`);
  await settle(database);
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`with ins as (
        insert into floor_ledger (account_id, kind, amount, effective_on, subscription_id, source)
        select s.account_id, 'charge', -((s.monthly_fee * 25) / 30 - (s.monthly_fee * 24) / 30), ${DAY}::date, s.id, 'billing'
        from subscriptions s join floor_accounts a on a.id = s.account_id where a.status = 'active'
        returning account_id, amount)
      update floor_accounts a set balance = a.balance + c.total
      from (select account_id, sum(amount) as total from ins group by account_id order by account_id) c
      where a.id = c.account_id`);
  });
  return (performance.now() - t0) / 1000;
}

async function main() {
  const database = await openBenchDatabase(BENCH_DB, 4);
  try {
    await runMigrations(database);
    await seed(database);
    const { result: floorSeconds, statements: floorTimes } = await traceStatements(LABELS, () => floor(database));
    await settle(database);
    const t0 = performance.now();
    const { result: r, statements: times } = await traceStatements(LABELS, () =>
      runBilling(database.db, { until: DAY, now: new Date(`${DAY}T12:00:00Z`) }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const expected = N + Math.ceil(N / 10);
    if (r.charged !== expected) throw new Error(`charged ${r.charged}, expected ${expected}`);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      JSON.stringify({
        bench: 'billing-daily',
        db: database.kind,
        accounts: N,
        seconds: Number(seconds.toFixed(3)),
        floor_seconds: Number(floorSeconds.toFixed(3)),
        ratio: Number((seconds / floorSeconds).toFixed(2)),
        peak_rss_mb: peakRssMb,
        charged: r.charged,
        blocked: r.blocked,
        statements_ms: roundTimes(times),
        floor_statements_ms: roundTimes(floorTimes),
      }),
    );
  } finally {
    await database.close();
    await dropBenchDatabase(BENCH_DB);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
