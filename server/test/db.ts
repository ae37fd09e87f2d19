import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or (when DATABASE_URL is set)
 * a new PostgreSQL database cloned from the template that global-setup migrated once.
 */
export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return database;
  }
  const name = `abonent_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(url, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  const database = await openDatabase({ databaseUrl: withDbName(url, name), poolSize: opts.poolSize ?? 10 });
  const close = database.close;
  database.close = async () => {
    await close();
    await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
  };
  return database;
}

export const TEMPLATE_DB = 'abonent_test_template';

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
