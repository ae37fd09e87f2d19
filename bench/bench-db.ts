/**
 * What every benchmark needs: its database (PGlite in memory, or with DATABASE_URL a fresh PostgreSQL
 * database of its own, dropped afterwards) and its numeric command-line options.
 */
import pg from 'pg';

import { type Database, openDatabase } from '../server/db/client.js';
import { withAdmin, withDbName } from '../server/test/db.js';

/** `--name N` from the command line, or the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Opens the benchmark's database: `name` is created anew on PostgreSQL (a leftover is dropped first). */
export async function openBenchDatabase(name: string, poolSize: number): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ dataDir: 'memory://' });
  await withAdmin(url, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return openDatabase({ databaseUrl: withDbName(url, name), poolSize });
}

/** Drops the benchmark's PostgreSQL database (nothing to do on PGlite); never fails the run. */
export async function dropBenchDatabase(name: string): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
}

/** One kind of statement of a traced run: how many ran and their total milliseconds. */
export interface StatementTimes {
  [label: string]: { n: number; ms: number };
}

/**
 * Times every statement sent to PostgreSQL while `fn` runs, grouped under the first of `labels` whose
 * pattern matches the statement's text ('other' when none does). With `--explain` on the command line
 * each statement's plan (EXPLAIN ANALYZE, BUFFERS with the time spent reading and writing them, WAL:
 * auto_explain, nested statements too) is printed to stderr. PGlite: `fn` runs untraced and the result is null.
 */
export async function traceStatements<T>(
  labels: [string, RegExp][],
  fn: () => Promise<T>,
): Promise<{ result: T; statements: StatementTimes | null }> {
  if (!process.env.DATABASE_URL) return { result: await fn(), statements: null };
  const explain = process.argv.includes('--explain');
  const times: StatementTimes = {};
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const explained = new WeakSet<object>();
  proto.query = function (this: pg.Client, ...a: unknown[]) {
    const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string } | undefined)?.text ?? '');
    const label = labels.find(([, re]) => re.test(text))?.[0] ?? 'other';
    const t0 = performance.now();
    const record = () => {
      const t = (times[label] ??= { n: 0, ms: 0 });
      t.n += 1;
      t.ms += performance.now() - t0;
    };
    if (explain && !explained.has(this)) {
      explained.add(this);
      this.on('notice', (m) => process.stderr.write(`${m.message}\n`));
      void original.call(
        this,
        `load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;
         set auto_explain.log_buffers = on; set auto_explain.log_wal = on;
         set auto_explain.log_nested_statements = on; set track_io_timing = on;
         set auto_explain.log_level = notice`,
      );
    }
    const last = a.length - 1;
    if (typeof a[last] === 'function') {
      // pg.Pool#query passes a callback: time until it is called.
      const cb = a[last] as (...x: unknown[]) => unknown;
      a[last] = (...x: unknown[]) => {
        record();
        return cb(...x);
      };
      return original.apply(this, a);
    }
    const r = original.apply(this, a);
    return r instanceof Promise ? r.finally(record) : r;
  };
  try {
    return { result: await fn(), statements: times };
  } finally {
    proto.query = original;
  }
}

/** Statement times rounded for the JSON line: `{ label: { n, ms } }`. */
export function roundTimes(t: StatementTimes | null): StatementTimes | null {
  if (!t) return null;
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms) }]));
}
