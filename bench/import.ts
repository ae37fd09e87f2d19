/**
 * Import benchmark (docs/scale.md, docs/import.md): N subscribers with a year of monthly payments as the
 * documented CSV files, imported for real through the same code as `abonent import csv` (parse, stage,
 * check, write in batches, payment history) into an empty database. Checks that every balance came in
 * to the kopeck and prints one JSON line.
 *
 *   npm run bench:import -- --subscribers 100000 --months 12        (PGlite in memory)
 *   DATABASE_URL=postgres://… npm run bench:import
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

import { sql } from 'drizzle-orm';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';
import { keysOf } from '../server/crypto/secret-box.js';
import { type Database, queryRows } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { createImportRun, csvFilesByName } from '../server/modules/import/create-import-run.js';
import { csvReader } from '../server/modules/import/read-csv.js';
import { runImport } from '../server/modules/import/run-import.js';
import { arg, dropBenchDatabase, openBenchDatabase } from './bench-db.js';

ensureDebianPackages(BENCH_NEEDS.import, 'bench:import');

const N = arg('subscribers', 100_000);
const MONTHS = arg('months', 12);
const BENCH_DB = 'abonent_bench_import';
const SECRET = 'bench-import-secret-0123456789';

function files(): { files: Record<string, Buffer>; total: number } {
  const subs: string[] = ['id;contract;name;phone;email;address;region;tariff;status;login;password;mac;ip;balance'];
  const pays: string[] = ['id;subscriber;date;amount;method'];
  let total = 0;
  for (let i = 1; i <= N; i++) {
    const kop = ((i * 7919) % 250_000) - (i % 20 === 0 ? 300_000 : 0);
    total += kop;
    const balance = `${kop < 0 ? '-' : ''}${Math.floor(Math.abs(kop) / 100)},${String(Math.abs(kop) % 100).padStart(2, '0')}`;
    const ip = i % 10 === 0 ? `10.64.${Math.floor(i / 10 / 250) % 256}.${((i / 10) % 250) + 1}` : '';
    const mac = `02:00:${[24, 16, 8, 0].map((s) => ((i >> s) & 255).toString(16).padStart(2, '0')).join(':')}`;
    subs.push(
      [
        `s${i}`,
        `К-${i}`,
        `Абонент Номер ${i}`,
        i % 25 === 0 ? '' : `+7 9${String(i).padStart(9, '0')}`,
        i % 3 === 0 ? `user${i}@example.ru` : '',
        `г. Бенчмарк, ул. Длинная, д. ${i % 300}, кв. ${i % 97}`,
        'bench',
        `plan-${i % 3}`,
        i % 50 === 0 ? 'closed' : i % 40 === 0 ? 'suspended' : 'active',
        `pppoe${i}`,
        `pw-${i}-secret`,
        mac,
        ip,
        balance,
      ].join(';'),
    );
    for (let m = 1; m <= MONTHS; m++)
      pays.push(
        `p${i}-${m};s${i};2025-${String(m).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 10:00:00;600.00;Банк`,
      );
  }
  return {
    total,
    files: {
      'subscribers.csv': Buffer.from(`${subs.join('\n')}\n`),
      'payments.csv': Buffer.from(`${pays.join('\n')}\n`),
      'regions.csv': Buffer.from(
        'code;name_ru;name_en;time_zone;contract_prefix;support_phone;support_email\nbench;Бенчмарк;Bench;Europe/Moscow;77;88005559167;b@example.net\n',
      ),
      'tariffs.csv': Buffer.from(
        'code;name_ru;monthly_fee;speed_down_kbps;speed_up_kbps\nplan-0;Домашний 100;600;100000;100000\nplan-1;Домашний 300;750;300000;300000\nplan-2;Домашний 500;900;500000;500000\n',
      ),
      'pools.csv': Buffer.from('id;name;region;first;last\n1;static;bench;10.64.0.0;10.64.255.255\n'),
    },
  };
}

/** CPU time (user + system) of this run's PostgreSQL backends, read from /proc (server on this machine). */
async function serverCpuSeconds(database: Database): Promise<number> {
  const pids = await queryRows<{ pid: number }>(
    database.db,
    sql`select pid from pg_stat_activity where datname = current_database()`,
  );
  const tick = 100;
  let total = 0;
  for (const { pid } of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      return 0; // the server is on another machine
    }
  }
  return total;
}

async function main() {
  const { files: csv, total } = files();
  const bytes = Object.values(csv).reduce((a, b) => a + b.length, 0);
  const database = await openBenchDatabase(BENCH_DB, 10);
  try {
    await runMigrations(database);
    const db = database.db;
    const t0 = performance.now();
    const { id } = await createImportRun(
      db,
      { kind: 'csv', source: 'bench', dryRun: false, startedBy: 'cli' },
      keysOf(SECRET),
    );
    const phases: Record<string, number> = {};
    const phasesCpu: Record<string, number> = {};
    let phase = '';
    let phaseStart = t0;
    let cpuStart = 0;
    let marking = Promise.resolve();
    const report = await runImport(db, {
      runId: id,
      reader: csvReader(csvFilesByName(csv)),
      mapping: null,
      secret: SECRET,
      actor: { type: 'cli', id: 'bench' },
      onProgress: (p) => {
        if (p.phase === phase) return;
        const now = performance.now();
        const ended = phase;
        if (ended) phases[ended] = Math.round(now - phaseStart) / 1000;
        phase = p.phase;
        phaseStart = now;
        // CPU per phase (this process + its server backends), read between phases.
        marking = marking.then(async () => {
          const c = process.cpuUsage();
          const total =
            (c.user + c.system) / 1e6 + (database.kind === 'postgres' ? await serverCpuSeconds(database) : 0);
          if (ended) phasesCpu[ended] = Math.round((total - cpuStart) * 10) / 10;
          cpuStart = total;
        });
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage();
    const dbCpu = database.kind === 'postgres' ? await serverCpuSeconds(database) : 0;
    const [check] = await queryRows<{ accounts: number; balances: number; history: number }>(
      db,
      sql`select (select count(*) from accounts)::int8 as accounts, (select coalesce(sum(balance), 0) from accounts)::int8 as balances,
                 (select count(*) from import_payment_history)::int8 as history`,
    );
    process.stdout.write(
      `${JSON.stringify({
        mode: database.kind,
        subscribers: N,
        payments: N * MONTHS,
        csv_mb: Math.round(bytes / 1e5) / 10,
        seconds: Math.round(seconds * 10) / 10,
        // CPU seconds of this process and (PostgreSQL) of its server connections: unlike the wall time,
        // they do not grow when other work shares the machine.
        cpu_s: Math.round((cpu.user + cpu.system) / 1e5) / 10,
        db_cpu_s: Math.round(dbCpu * 10) / 10,
        load_avg: Math.round(loadavg()[0]! * 10) / 10,
        subscribers_per_s: Math.round(N / seconds),
        payments_per_s: Math.round((N * MONTHS) / seconds),
        imported: report.written?.accounts ?? 0,
        history: check!.history,
        balances_ok: check!.accounts === N && check!.balances === total,
        phases_s: phases,
        phases_cpu_s: (await marking, phasesCpu),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      })}\n`,
    );
  } finally {
    await database.close();
    await dropBenchDatabase(BENCH_DB);
  }
}

await main();
