import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';

import { type Database, queryRows } from './client.js';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const postMigrateSql = fileURLToPath(new URL('./post-migrate.sql', import.meta.url));

/** Arbitrary constant: serialises migrations when several app servers start at once. */
const MIGRATION_LOCK = 72_401_001;

/** Applies pending Drizzle migrations, then the idempotent post-migrate SQL (triggers). */
export async function runMigrations(database: Database): Promise<void> {
  await refuseOtherPreReleaseSchema(database);
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
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from regions`);
  return (row?.n ?? 0) === 0;
}

/**
 * Until the first release the schema is one squashed migration that is regenerated (decision 0001), so
 * a database made by an earlier build has applied a migration this build does not know. Migrating it
 * would fail half-way with "relation already exists"; say what to do instead.
 */
async function refuseOtherPreReleaseSchema(database: Database): Promise<void> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: { when: number }[];
  };
  const known = new Set(journal.entries.map((e) => Number(e.when)));
  const [exists] = await queryRows<{ ok: boolean }>(
    database.db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`,
  );
  if (!exists?.ok) return;
  const rows = await queryRows<{ created_at: string | number }>(
    database.db,
    sql`select created_at from drizzle.__drizzle_migrations`,
  );
  const unknown = rows.filter((r) => !known.has(Number(r.created_at)));
  if (unknown.length === 0) return;
  throw new Error(
    database.kind === 'pglite'
      ? 'The embedded database was created by an earlier pre-release build whose schema cannot be upgraded. ' +
          'Stop Abonent, delete the data directory (DATA_DIR, ./data by default) and start again: demo data is loaded anew.'
      : 'This PostgreSQL database was created by an earlier pre-release build whose schema cannot be upgraded. ' +
          'Create an empty database (or drop and recreate this one) and start again.',
  );
}
