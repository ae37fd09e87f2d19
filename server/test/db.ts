import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { type Database, openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

/**
 * Several test runs may share one PostgreSQL server (two `npm test`s on one machine, several worktrees).
 * Each run names its databases after the process that runs vitest (`ABONENT_TEST_RUN`, set by
 * global-setup before the workers start), so one run never drops another's; global-setup removes
 * only databases of runs whose process is gone.
 */
export const TEST_DB_PREFIX = 'abonent_t_';

export function testRunId(): string {
  return process.env.ABONENT_TEST_RUN ?? String(process.pid);
}

/** The migrated template every test database of this run is cloned from. */
export function templateDb(run = testRunId()): string {
  return `${TEST_DB_PREFIX}${run}_template`;
}

/**
 * Embedded mode: the data directory of a migrated PGlite that global-setup dumped once. Loading it is
 * several times faster than PGlite's own initdb plus the migration, for every test file.
 */
export function pgliteTemplatePath(run = testRunId()): string {
  return join(tmpdir(), `abonent-pglite-template-${run}.tar`);
}

/** A new database name of this run (`purpose` is a short word that shows in pg_stat_activity). */
export function newTestDbName(purpose = 'db'): string {
  return `${TEST_DB_PREFIX}${testRunId()}_${purpose}_${randomBytes(5).toString('hex')}`;
}

/** The run id a test database name carries, or null for other databases. */
export function runIdOf(datname: string): string | null {
  const m = new RegExp(`^${TEST_DB_PREFIX}(\\d+)_`).exec(datname);
  return m ? m[1]! : null;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or (when DATABASE_URL is set)
 * a new PostgreSQL database cloned from the template that global-setup migrated once.
 */
export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const template = pgliteTemplatePath();
    if (existsSync(template)) {
      return openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([await readFile(template)]) });
    }
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return database;
  }
  const name = newTestDbName();
  await withAdmin(url, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
  const database = await openDatabase({ databaseUrl: withDbName(url, name), poolSize: opts.poolSize ?? 10 });
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    await dropDatabase(url, name);
  };
  return database;
}

/** A database with nothing in it (restores, first migrations): an in-memory PGlite or a new PostgreSQL database. */
export async function createEmptyTestDatabase(opts: { poolSize?: number } = {}): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ dataDir: 'memory://' });
  const name = newTestDbName('empty');
  await withAdmin(url, (c) => c.query(`CREATE DATABASE ${name}`));
  const database = await openDatabase({ databaseUrl: withDbName(url, name), poolSize: opts.poolSize ?? 10 });
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    await dropDatabase(url, name);
  };
  return database;
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
}

export function withDbName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: withDbName(url, 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
