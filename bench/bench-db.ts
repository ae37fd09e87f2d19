/**
 * What every benchmark needs: its database (PGlite in memory, or with DATABASE_URL a fresh PostgreSQL
 * database of its own, dropped afterwards) and its numeric command-line options.
 */
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
