import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../config.js';
import { type Database, openDatabase, queryRows } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { buildDeps } from '../../deps.js';
import { dropDatabase, newTestDbName, templateDb, withAdmin, withDbName } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { accountState } from '../../test/payments.js';
import { createTopUp } from './create-top-up.js';
import { reconcilePendingPayments } from './handle-notification.js';

// A real crash needs a database that outlives the process: a PGlite data directory on disk, or
// (DATABASE_URL set) a PostgreSQL database of its own that the child process connects to.
const pgUrl = process.env.DATABASE_URL;
let dataDir = '';
let dbUrl = '';
const open = () => openDatabase(pgUrl ? { databaseUrl: dbUrl, poolSize: 2 } : { dataDir });

beforeAll(async () => {
  if (pgUrl) {
    const name = newTestDbName('crash');
    await withAdmin(pgUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
    dbUrl = withDbName(pgUrl, name);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'abonent-crash-'));
    const d = await open();
    await runMigrations(d);
    await d.close();
  }
});
afterAll(async () => {
  if (pgUrl) await dropDatabase(pgUrl, new URL(dbUrl).pathname.slice(1));
  else rmSync(dataDir, { recursive: true, force: true });
});

describe('crash between the provider confirmation and crediting', () => {
  it('is recovered on restart by reconciliation: credited exactly once', async () => {
    let database: Database = await open();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const s = await buildSubscriber(database.db, { balance: 0 });
    const top = await createTopUp(database.db, buildDeps(config, database), {
      accountId: s.account.id,
      amount: 12_345,
      from: 'cabinet',
    });
    const [p] = await queryRows<{ external_id: string }>(
      database.db,
      sql`select external_id from payments where id = ${top.paymentId}`,
    );
    await database.close();

    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/modules/payments/fixtures/crash-after-confirmation.ts',
        String(top.paymentId),
        p!.external_id,
        String(s.account.id),
      ],
      {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: pgUrl ? dbUrl : '' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toContain('crediting');

    // "Restart": the provider says succeeded, our side is still pending and nothing was credited.
    database = await open();
    const deps = buildDeps(config, database);
    expect(await accountState(database.db, s.account.id)).toMatchObject({ balance: 0, entries: 0 });
    expect((await deps.acquirers.test_acquirer!.getPayment(p!.external_id)).status).toBe('succeeded');
    const first = await reconcilePendingPayments(database.db, deps, { olderThanSeconds: 0 });
    const second = await reconcilePendingPayments(database.db, deps, { olderThanSeconds: 0 });
    expect(first).toEqual({ checked: 1, credited: 1 });
    expect(second).toEqual({ checked: 0, credited: 0 });
    expect(await accountState(database.db, s.account.id)).toMatchObject({
      balance: 12_345,
      ledger: 12_345,
      entries: 1,
    });
    const [row] = await queryRows<{ status: string }>(
      database.db,
      sql`select status from payments where id = ${top.paymentId}`,
    );
    expect(row!.status).toBe('succeeded');
    await database.close();
  }, 180_000);
});
