/**
 * Ledger growth benchmark (docs/ledger-partitions.md): does the daily charge, a statement and
 * `ledger verify` stay as fast with a year of history as on an empty ledger?
 *
 * Seeds N accounts (one tariff each, an opening balance and a monthly payment) and D days of daily
 * charges before DAY. The history goes in month by month, each month as one INSERT … SELECT through
 * ledger_entries in the order the daily run writes it (day by day, accounts in id order), with the
 * charge path's amounts (the daily share of the monthly fee), partition routing, every index and the
 * payments' idempotency-key trigger; balances are then set to the ledger's sum, as the daily runs
 * would have left them. The hourly maintenance job's work follows (partitions, checkpoints), then
 * VACUUM ANALYZE, as autovacuum would have done over the year. Then, in one run:
 *   - charge_seconds: DAY's charge through the real path (runBilling → runBillingDay → chargeBatch),
 *     and charge_seconds_empty: the same on a database with the same accounts and no history;
 *   - statement_p99_ms: p99 of one account's statement (getStatement) for the month and for the year
 *     to DAY, over random accounts (each also reported apart);
 *   - verify_seconds: `ledger verify` (incremental) after that day.
 * Prints one JSON line. Both databases are dropped at the end.
 *
 *   npm run bench:ledger -- --accounts 2000 --days 60                 (PGlite in memory)
 *   DATABASE_URL=postgres://… npm run bench:ledger -- --accounts 200000 --days 365
 */
import { sql } from 'drizzle-orm';

import { addDays } from '../common/dates.js';
import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { type Database, queryRows } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { runBilling } from '../server/modules/billing/run-billing.js';
import { getStatement } from '../server/modules/cabinet/get-statement.js';
import { checkpointLedger } from '../server/modules/ledger/checkpoint-ledger.js';
import { addMonths, monthOf } from '../server/modules/ledger/ledger-partitions.js';
import { verifyLedger } from '../server/modules/ledger/verify-ledger.js';
import {
  arg,
  dropBenchDatabase,
  openBenchDatabase,
  roundTimes,
  type StatementTimes,
  traceStatements,
} from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.ledger, 'bench:ledger');

const N = arg('accounts', 10_000);
const D = arg('days', 365);
const SAMPLES = arg('samples', 300);
/** --keep: leave the history database for a closer look (drop it yourself afterwards). */
const KEEP = process.argv.includes('--keep');
/** The day charged in the measurement; the history is the D days before it. */
const DAY = '2026-11-25';
const NOW = new Date(`${DAY}T12:00:00Z`);
const FEE = 60_000;
const FIRST = addDays(DAY, -D);

const log = (msg: string) => process.stderr.write(`[bench:ledger ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function seedAccounts(db: Database['db']) {
  await db.execute(sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
    values ('bench', 'Бенчмарк', 'Bench', 'Europe/Moscow', '88005559167', 'b@example.net', '99')`);
  await db.execute(sql`insert into tariffs (region_id, code, name_ru, name_en, monthly_fee, speed_down_kbps, speed_up_kbps, active_from)
    values (1, 'home', 'Домашний', 'Home', ${FEE}, 100000, 100000, '2020-01-01')`);
  await db.execute(sql`insert into subscribers (full_name, address, phone)
    select 'Абонент ' || g, 'Адрес ' || g, '79' || lpad(g::text, 9, '0') from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into contracts (number, subscriber_id, region_id, signed_on)
    select 'B' || g, g, 1, ${FIRST}::date from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into accounts (number, contract_id, region_id)
    select lpad(g::text, 9, '0'), g, 1 from generate_series(1, ${N}) g`);
  await db.execute(sql`insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
    select g, 'tariff', 1, ${FEE}, ${FIRST}::date from generate_series(1, ${N}) g`);
  // Opening balance the day before the history, keyed like a payment.
  await db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
    select g, 'adjustment', 100000, ${addDays(FIRST, -1)}::date, 'bench', 'open:' || g from generate_series(1, ${N}) g`);
}

/** Partitions for every month of the history and three ahead of DAY (what the job made over the year). */
async function makePartitions(db: Database['db']) {
  for (let m = monthOf(addDays(FIRST, -1)); m <= addMonths(DAY, 3); m = addMonths(m, 1)) {
    await db.execute(sql`select ledger_ensure_partition(${m}::date)`);
  }
}

/** D days of charges and a monthly payment per account, one statement per month. */
async function seedHistory(db: Database['db']): Promise<number> {
  let rows = 0;
  for (let m = monthOf(FIRST); m < DAY; m = addMonths(m, 1)) {
    const from = m < FIRST ? FIRST : m;
    const to = addMonths(m, 1) <= DAY ? addDays(addMonths(m, 1), -1) : addDays(DAY, -1);
    const t0 = performance.now();
    const [charged] = await queryRows<{ n: number }>(
      db,
      sql`with ins as (
            insert into ledger_entries (account_id, kind, amount, effective_on, subscription_id, source)
            select s.account_id, 'charge',
                   -((s.monthly_fee * extract(day from d)::int) / n.days - (s.monthly_fee * (extract(day from d)::int - 1)) / n.days),
                   d::date, s.id, 'billing'
            from generate_series(${from}::date, ${to}::date, interval '1 day') d
            cross join lateral (select extract(day from date_trunc('month', d) + interval '1 month - 1 day')::int as days) n
            join subscriptions s on true
            order by d, s.account_id
            returning 1)
          select count(*)::int8 as n from ins`,
    );
    // A payment per account in the month (every account tops up once a month, keyed).
    const payDay = addDays(
      from,
      Math.min(9, Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 86_400_000))),
    );
    const [paid] = await queryRows<{ n: number }>(
      db,
      sql`with ins as (
            insert into ledger_entries (account_id, kind, amount, effective_on, source, idempotency_key)
            select g, 'payment', ${FEE}, ${payDay}::date, 'agent:bench', 'pay:' || ${m} || ':' || g
            from generate_series(1, ${N}) g
            returning 1)
          select count(*)::int8 as n from ins`,
    );
    rows += (charged?.n ?? 0) + (paid?.n ?? 0);
    log(
      `${m.slice(0, 7)}: ${charged?.n} charges, ${paid?.n} payments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  await db.execute(sql`update accounts a set balance = l.total
    from (select account_id, sum(amount) as total from ledger_entries group by account_id) l where l.account_id = a.id`);
  return rows;
}

async function prepare(database: Database, history: boolean): Promise<number> {
  const db = database.db;
  await runMigrations(database);
  await makePartitions(db);
  await seedAccounts(db);
  let rows = N;
  if (history) rows += await seedHistory(db);
  else await db.execute(sql`update accounts set balance = 100000`);
  const t0 = performance.now();
  const cp = await checkpointLedger(db, { now: NOW });
  log(`checkpoints ${cp.made.join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  log('vacuum analyze');
  await db.execute(sql`vacuum analyze`);
  return rows;
}

/** Statement kinds of the day's run timed apart in the JSON line (PostgreSQL only). */
const LABELS: [string, RegExp][] = [
  ['charge', /insert into ledger_entries/],
  ['low_balance_done', /with warn as/],
  ['tariff_changes', /pending_tariff_id is not null/],
];

/**
 * DAY's charge through the real path. It starts after a checkpoint (PostgreSQL), so that the history's
 * seeding and VACUUM — far more writes than the empty database's — do not leave a checkpoint running
 * into the measured charge; each side then pays the full-page writes of the pages it touches, as the
 * nightly run does (a day apart, there is always a checkpoint in between).
 */
async function chargeDay(database: Database): Promise<{ seconds: number; statements: StatementTimes | null }> {
  if (database.kind === 'postgres') await database.db.execute(sql`checkpoint`);
  const t0 = performance.now();
  const { result: r, statements } = await traceStatements(LABELS, () =>
    runBilling(database.db, { until: DAY, now: NOW }),
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.charged !== N) throw new Error(`charged ${r.charged}, expected ${N}`);
  return { seconds, statements };
}

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)]!;
}

async function main() {
  const emptyName = 'abonent_bench_ledger_empty';
  const fullName = 'abonent_bench_ledger';
  try {
    // The same accounts without history: the baseline.
    log(`empty ledger: ${N} accounts`);
    const empty = await openBenchDatabase(emptyName, 4);
    let chargeEmpty: Awaited<ReturnType<typeof chargeDay>>;
    try {
      await prepare(empty, false);
      chargeEmpty = await chargeDay(empty);
    } finally {
      await empty.close();
      await dropBenchDatabase(emptyName);
    }

    log(`history: ${N} accounts × ${D} days`);
    const database = await openBenchDatabase(fullName, 4);
    try {
      const db = database.db;
      let rows = await prepare(database, true);
      const charge = await chargeDay(database);
      rows += N;

      const ids = await queryRows<{ id: number }>(db, sql`select id from accounts order by random() limit ${SAMPLES}`);
      const month: number[] = [];
      const year: number[] = [];
      for (const { id } of ids) {
        for (const [out, from] of [
          [month, monthOf(DAY)],
          [year, addDays(DAY, -364)],
        ] as const) {
          const t0 = performance.now();
          const st = await getStatement(db, id, { from, to: DAY, now: NOW });
          out.push(performance.now() - t0);
          if (st.entries.length === 0) throw new Error(`empty statement for ${id}`);
        }
      }

      const t0 = performance.now();
      const v = await verifyLedger(db);
      const verifySeconds = (performance.now() - t0) / 1000;
      if (v.mismatches.length > 0) throw new Error(`verify: ${v.mismatches.length} mismatches`);
      // The server's buffer cache decides how much of the current part's indexes the charge finds in
      // memory, so the line says what it was (docs/deploy.md sets it to a quarter of RAM).
      const [size] = await queryRows<{ mb: number; shared_buffers: string }>(
        db,
        sql`select (pg_database_size(current_database()) / 1048576)::int8 as mb,
                   current_setting('shared_buffers') as shared_buffers`,
      );
      const round = (x: number, d = 3) => Number(x.toFixed(d));
      console.log(
        JSON.stringify({
          bench: 'ledger-growth',
          db: database.kind,
          accounts: N,
          days: D,
          ledger_rows: rows,
          charge_seconds: round(charge.seconds),
          charge_seconds_empty: round(chargeEmpty.seconds),
          growth_ratio: round(charge.seconds / chargeEmpty.seconds, 2),
          charge_statements_ms: roundTimes(charge.statements),
          charge_statements_ms_empty: roundTimes(chargeEmpty.statements),
          statement_p99_ms: round(p99([...month, ...year]), 1),
          statement_month_p99_ms: round(p99(month), 1),
          statement_year_p99_ms: round(p99(year), 1),
          verify_seconds: round(verifySeconds),
          verify_since: v.since,
          db_mb: size?.mb ?? null,
          shared_buffers: size?.shared_buffers ?? null,
        }),
      );
    } finally {
      await database.close();
    }
  } finally {
    if (!KEEP) await dropBenchDatabase(fullName);
    await dropBenchDatabase(emptyName);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
