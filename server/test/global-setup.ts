import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { dropDatabase, runIdOf, templateDb, TEST_DB_PREFIX, withAdmin, withDbName } from './db.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PostgreSQL mode: migrate this run's template database once; every test file clones it (fast).
 * Databases left by runs whose vitest process is gone are dropped; other live runs are left alone.
 */
export default async function setup() {
  process.env.ABONENT_TEST_RUN = String(process.pid);
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const template = templateDb();
  await withAdmin(url, async (c) => {
    const res = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${TEST_DB_PREFIX}%`,
    ]);
    for (const { datname } of res.rows) {
      const run = runIdOf(datname);
      if (run === null || !isAlive(Number(run))) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const database = await openDatabase({ databaseUrl: withDbName(url, template), poolSize: 1 });
  await runMigrations(database);
  await database.close();
  return async () => {
    await dropDatabase(url, template);
  };
}
