import { existsSync, rmSync, writeFileSync } from 'node:fs';

import { openDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { dropDatabase, pgliteTemplatePath, runIdOf, templateDb, TEST_DB_PREFIX, withAdmin, withDbName } from './db.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Migrate once per run, then every test file starts from a copy (fast). PostgreSQL mode: a template
 * database each file clones; embedded mode: a dumped PGlite data directory each file loads.
 * Databases left by runs whose vitest process is gone are dropped; other live runs are left alone.
 *
 * `npm test` runs vitest three times (unit, multi-process, end-to-end) and migrates once for all three:
 * it names the run after itself (ABONENT_TEST_RUN) and sets ABONENT_TEST_TEMPLATE=shared, so a stage
 * uses the template an earlier stage made and leaves it for the next; scripts/test.mjs removes it at the end.
 */
export default async function setup() {
  // Each project of vitest.config.ts runs this in the same process: the first one makes the template.
  if (process.env.ABONENT_TEST_TEMPLATE_MADE === String(process.pid)) return;
  process.env.ABONENT_TEST_TEMPLATE_MADE = String(process.pid);
  process.env.ABONENT_TEST_RUN ??= String(process.pid);
  const shared = process.env.ABONENT_TEST_TEMPLATE === 'shared';
  const url = process.env.DATABASE_URL;
  if (!url) {
    if (shared && existsSync(pgliteTemplatePath())) return;
    // Embedded mode: migrate one PGlite and dump its data directory; test files load it.
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    const dump = await database.pglite!.dumpDataDir('none');
    await database.close();
    const path = pgliteTemplatePath();
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
    return shared ? undefined : () => rmSync(path, { force: true });
  }
  const template = templateDb();
  if (shared && (await databaseExists(url, template))) return;
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
  return shared ? undefined : () => dropDatabase(url, template);
}

async function databaseExists(url: string, name: string): Promise<boolean> {
  const res = await withAdmin(url, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return res.rowCount === 1;
}
