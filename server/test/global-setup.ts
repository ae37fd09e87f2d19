import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { TEMPLATE_DB, withAdmin, withDbName } from './db.js';

/** PostgreSQL mode: migrate a template database once; every test file clones it (fast). */
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  await withAdmin(url, async (c) => {
    const stale = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'abonent_t_%'`);
    for (const r of stale.rows as { datname: string }[]) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const database = await openDatabase({ databaseUrl: withDbName(url, TEMPLATE_DB), poolSize: 1 });
  await runMigrations(database);
  await database.close();
}
