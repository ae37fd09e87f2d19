import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const postMigrateSql = fileURLToPath(new URL('./post-migrate.sql', import.meta.url));

/** Arbitrary constant: serialises migrations when several app servers start at once. */
const MIGRATION_LOCK = 72_401_001;

/** Applies pending Drizzle migrations, then the idempotent post-migrate SQL (triggers). */
export async function runMigrations(database: Database): Promise<void> {
  const post = readFileSync(postMigrateSql, 'utf8');
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    await database.pglite!.exec(post);
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // Migrate on the same connection that holds the lock (the pool may have just one).
    await migratePg(drizzlePg(client), { migrationsFolder });
    await client.query(post);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

export async function isEmptyDatabase(database: Database): Promise<boolean> {
  const res = (await database.db.execute(sql`select count(*)::int as n from regions`)) as unknown as {
    rows: { n: number }[];
  };
  return (res.rows[0]?.n ?? 0) === 0;
}
