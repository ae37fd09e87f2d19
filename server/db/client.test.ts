import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

import { createTestDatabase } from '../test/db.js';
import { openDatabase, queryRows } from './client.js';
import { runMigrations } from './migrate.js';

describe('embedded database lock', () => {
  it('refuses a data directory that another live process holds, with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-lock-'));
    mkdirSync(dir, { recursive: true });
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'abonent.lock'), String(other.pid));
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process \d+.*DATABASE_URL/);
    } finally {
      other.kill();
    }
  });

  it('takes over the stale lock of a process that died, and releases it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-lock-'));
    writeFileSync(join(dir, 'abonent.lock'), '2147483646'); // no such pid
    const db = await openDatabase({ dataDir: dir });
    expect(existsSync(join(dir, 'abonent.lock'))).toBe(true);
    await db.close();
    expect(existsSync(join(dir, 'abonent.lock'))).toBe(false);
  });
});

describe('migrations', () => {
  it('alters no table when run again at the next start (a rolling restart must not queue behind table locks)', async () => {
    const database = await createTestDatabase();
    try {
      // Every ALTER TABLE rewrites the table's pg_class row; an untouched row keeps its xmin.
      const catalog = () =>
        queryRows<{ relname: string; xmin: string; opts: string }>(
          database.db,
          sql`select relname, xmin::text as xmin, reloptions::text as opts from pg_class
              where relname in ('accounts', 'payments', 'radius_sessions') order by relname`,
        );
      const before = await catalog();
      expect(before.map((r) => r.opts)).toEqual(['{fillfactor=80}', '{fillfactor=85}', '{fillfactor=80}']);
      await runMigrations(database);
      expect(await catalog()).toEqual(before);
    } finally {
      await database.close();
    }
  });
});
