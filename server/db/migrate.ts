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
  const res = (await database.db.execute(sql`select count(*)::int as n from regions`)) as unknown as {
    rows: { n: number }[];
  };
  return (res.rows[0]?.n ?? 0) === 0;
}

/**
 * Until the first release the schema is one squashed migration that is regenerated (decision 0001), so
 * a database made by an earlier build has applied a migration this build does not know. Migrating it
 * would fail half-way with "relation already exists"; say what to do instead.
 */
async function refuseOtherPreReleaseSchema(database: Database): Promise<void> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: { when: number }[] };
  const known = new Set(journal.entries.map((e) => Number(e.when)));
  const exists = (await database.db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`)) as unknown as { rows: { ok: boolean }[] };
  if (!exists.rows[0]?.ok) return;
  const res = (await database.db.execute(sql`select created_at from drizzle.__drizzle_migrations`)) as unknown as { rows: { created_at: string | number }[] };
  const unknown = res.rows.filter((r) => !known.has(Number(r.created_at)));
  if (unknown.length === 0) return;
  throw new Error(
    database.kind === 'pglite'
      ? 'The embedded database was created by an earlier pre-release build whose schema cannot be upgraded. ' +
        'Stop Abonent, delete the data directory (DATA_DIR, ./data by default) and start again: demo data is loaded anew.'
      : 'This PostgreSQL database was created by an earlier pre-release build whose schema cannot be upgraded. ' +
        'Create an empty database (or drop and recreate this one) and start again.',
  );
}
