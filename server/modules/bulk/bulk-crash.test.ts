import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../config.js';
import { type Database, openDatabase, queryRows } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { buildDeps } from '../../deps.js';
import { JobWorker } from '../../jobs/queue.js';
import { dropDatabase, newTestDbName, templateDb, withAdmin, withDbName } from '../../test/db.js';
import { buildRegion, buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { bulkRunJob } from './bulk.job.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import { createBulk } from './create-bulk.js';
import { previewBulk } from './preview-bulk.js';
import { runBulk } from './run-bulk.js';
import { showBulk } from './view-bulk.js';

// A real kill needs a database that outlives the process: a PGlite data directory on disk, or
// (DATABASE_URL set) a PostgreSQL database of its own that the child process connects to.
const pgUrl = process.env.DATABASE_URL;
let dataDir = '';
let dbUrl = '';
const open = () => openDatabase(pgUrl ? { databaseUrl: dbUrl, poolSize: 4 } : { dataDir });

beforeAll(async () => {
  if (pgUrl) {
    const name = newTestDbName('bulkcrash');
    await withAdmin(pgUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
    dbUrl = withDbName(pgUrl, name);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'abonent-bulk-crash-'));
    const d = await open();
    await runMigrations(d);
    await d.close();
  }
});
afterAll(async () => {
  if (pgUrl) await dropDatabase(pgUrl, new URL(dbUrl).pathname.slice(1));
  else rmSync(dataDir, { recursive: true, force: true });
});

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

async function compensationOf(database: Database, accounts: number, regionTag: string) {
  const db = database.db;
  const staff = await buildStaff(db, { role: 'finance' });
  const region = await buildRegion(db, { nameRu: regionTag });
  const plan = await buildTariff(db, { regionId: region.id, monthlyFee: 62_000 });
  for (let i = 0; i < accounts; i++) await buildSubscriber(db, { regionId: region.id, tariffId: plan.id });
  const filter: BulkFilter = { statuses: ['active'], regionIds: [region.id] };
  const action: BulkAction = { kind: 'compensation', days: 2, comment: 'авария' };
  const preview = await previewBulk(db, { filter, action, scope: 'all', role: 'finance', lang: 'ru' });
  const { id } = await createBulk(db, {
    key: randomUUID(),
    filter,
    action,
    expect: { accounts: preview.accounts, amount: preview.amount },
    scope: 'all',
    staffId: staff.user.id,
    role: 'finance',
  });
  return { id, preview };
}

async function credits(database: Database, id: number) {
  const [r] = await queryRows<{ n: number; accounts: number; total: number }>(
    database.db,
    sql`select count(*)::int8 as n, count(distinct account_id)::int8 as accounts, coalesce(sum(amount), 0)::int8 as total
        from ledger_entries where idempotency_key like ${`bulk:${id}:%`}`,
  );
  return { n: Number(r!.n), accounts: Number(r!.accounts), total: Number(r!.total) };
}

describe('a bulk compensation that dies or runs twice', () => {
  it('killed mid-batch: the whole batches stay, the lost one is redone by the job taken over, each account credited once', async () => {
    let database = await open();
    const { id, preview } = await compensationOf(database, 9, 'Kill');
    await database.close();

    const child = spawnSync(process.execPath, ['--import', 'tsx', 'server/modules/bulk/fixtures/kill-mid-bulk.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: pgUrl ? dbUrl : '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.stdout).toContain('killed in batch 3');
    expect(child.signal).toBe('SIGKILL');

    database = await open();
    // Two batches of two committed; the third died with its transaction.
    expect(await credits(database, id)).toEqual({ n: 4, accounts: 4, total: 4 * (preview.amount / 9) });
    expect(await showBulk(database.db, { id, scope: 'all', lang: 'ru' })).toMatchObject({
      state: 'running',
      processed: 4,
    });
    const [job] = await queryRows<{ state: string; attempts: number }>(
      database.db,
      sql`select state, attempts from jobs where key = ${`bulk:${id}`}`,
    );
    expect(job).toMatchObject({ state: 'running', attempts: 1 });
    // Its lease runs out; another worker takes the job over (attempt 2) and finishes it.
    await database.db.execute(
      sql`update jobs set locked_until = now() - interval '1 second' where key = ${`bulk:${id}`}`,
    );
    await new JobWorker(buildDeps(config, database), [bulkRunJob]).drain();
    const op = await showBulk(database.db, { id, scope: 'all', lang: 'ru' });
    expect(op).toMatchObject({ state: 'done', total: 9, processed: 9, succeeded: 9, amountMoved: preview.amount });
    expect(await credits(database, id)).toEqual({ n: 9, accounts: 9, total: preview.amount });
    expect((await verifyLedger(database.db, { full: true })).mismatches).toEqual([]);
    await database.close();
  }, 180_000);

  it('run twice at once and once more after: every account credited once', async () => {
    const database = await open();
    const { id, preview } = await compensationOf(database, 12, 'Twice');
    const [a, b] = await Promise.all([
      runBulk(database.db, { operationId: id, batchSize: 3 }),
      runBulk(database.db, { operationId: id, batchSize: 3 }),
    ]);
    expect([a, b]).toContain('done');
    expect(await credits(database, id)).toEqual({ n: 12, accounts: 12, total: preview.amount });
    // The queued job runs afterwards too (a retried job): nothing more.
    await new JobWorker(buildDeps(config, database), [bulkRunJob]).drain();
    await database.db.execute(sql`update jobs set state = 'queued', run_at = now() where key = ${`bulk:${id}`}`);
    await new JobWorker(buildDeps(config, database), [bulkRunJob]).drain();
    expect(await credits(database, id)).toEqual({ n: 12, accounts: 12, total: preview.amount });
    const op = await showBulk(database.db, { id, scope: 'all', lang: 'ru' });
    expect(op).toMatchObject({ state: 'done', processed: 12, succeeded: 12, amountMoved: preview.amount });
    await database.close();
  }, 120_000);
});
