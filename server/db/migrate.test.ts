import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createEmptyTestDatabase, createTestDatabase } from '../test/db.js';
import { type Database, queryRows } from './client.js';
import { migrationStatus, readMigrations, runMigrations, SchemaRefusedError } from './migrate.js';

const realFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const onPostgres = !!process.env.DATABASE_URL;

/** A copy of the migrations with more added after the last one, as drizzle-kit lists them. */
function folderWith(extra: { tag: string; sql: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-migrations-'));
  cpSync(realFolder, dir, { recursive: true });
  const path = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { idx: number; when: number; tag: string }[] };
  for (const m of extra) {
    const last = journal.entries.at(-1)!;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: m.tag });
    writeFileSync(join(dir, `${m.tag}.sql`), m.sql);
  }
  writeFileSync(path, JSON.stringify(journal));
  return dir;
}

const releasesRows = (d: Database) =>
  queryRows<{ code_version: string; oldest_code: string; newest_migration: string }>(
    d.db,
    sql`select code_version, oldest_code, newest_migration from drizzle.abonent_schema_releases order by id`,
  );
const columns = async (d: Database, table: string) =>
  (
    await queryRows<{ column_name: string }>(
      d.db,
      sql`select column_name from information_schema.columns where table_name = ${table} order by column_name`,
    )
  ).map((r) => r.column_name);

describe('the migrator', () => {
  let database: Database;
  const folders: string[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.close();
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
  });
  const folder = (extra: { tag: string; sql: string }[]) => {
    const f = folderWith(extra);
    folders.push(f);
    return f;
  };

  it('on a fresh database applies every migration and records the code that migrated it', async () => {
    const empty = await createEmptyTestDatabase();
    try {
      expect((await migrationStatus(empty, { codeVersion: '1.0.0' })).state).toBe('pending');
      const r = await runMigrations(empty, { codeVersion: '1.0.0' });
      expect(r.appliedNow).toEqual(readMigrations().map((m) => m.tag));
      expect(await releasesRows(empty)).toEqual([
        { code_version: '1.0.0', oldest_code: '1.0.0', newest_migration: '0000_init' },
      ]);
      const s = await migrationStatus(empty, { codeVersion: '1.0.0' });
      expect(s).toMatchObject({ state: 'current', pending: [], unknown: 0 });
    } finally {
      await empty.close();
    }
  });

  it('applies a new migration in its own transaction, and a no-transaction one with CREATE INDEX CONCURRENTLY', async () => {
    const f = folder([
      { tag: '0001_account_nick', sql: 'ALTER TABLE "accounts" ADD COLUMN "nick" text;' },
      {
        tag: '0002_account_nick_index',
        sql:
          '-- abonent:no-transaction\n-- squawk-ignore-file ban-concurrent-index-creation-in-transaction\n' +
          'CREATE INDEX CONCURRENTLY IF NOT EXISTS "accounts_nick_idx" ON "accounts" ("nick");',
      },
    ]);
    expect((await migrationStatus(database, { folder: f, codeVersion: '1.1.0' })).pending).toEqual([
      '0001_account_nick',
      '0002_account_nick_index',
    ]);
    const r = await runMigrations(database, { folder: f, codeVersion: '1.1.0' });
    expect(r.appliedNow).toEqual(['0001_account_nick', '0002_account_nick_index']);
    expect(await columns(database, 'accounts')).toContain('nick');
    const [idx] = await queryRows<{ valid: boolean }>(
      database.db,
      sql`select indisvalid as valid from pg_index where indexrelid = 'accounts_nick_idx'::regclass`,
    );
    expect(idx!.valid).toBe(true);
    // 0001 is in no release yet: it belongs to the next one, so the last release (1.0.0) still runs on it.
    expect((await releasesRows(database)).at(-1)).toEqual({
      code_version: '1.1.0',
      oldest_code: '1.0.0',
      newest_migration: '0002_account_nick_index',
    });
    // Run again (the next start): nothing to do.
    expect((await runMigrations(database, { folder: f, codeVersion: '1.1.0' })).appliedNow).toEqual([]);
  });

  it('a failing migration is rolled back whole, the ones before it stay applied, and the error names it', async () => {
    const f = folder([
      { tag: '0001_ok', sql: 'ALTER TABLE "accounts" ADD COLUMN "nick" text;' },
      {
        tag: '0002_broken',
        sql: 'ALTER TABLE "accounts" ADD COLUMN "half" text;\n--> statement-breakpoint\nALTER TABLE "no_such_table" ADD COLUMN "x" text;',
      },
    ]);
    await expect(runMigrations(database, { folder: f, codeVersion: '1.1.0' })).rejects.toThrow(
      /migration 0002_broken failed/,
    );
    const cols = await columns(database, 'accounts');
    expect(cols).toContain('nick');
    expect(cols).not.toContain('half');
    expect((await migrationStatus(database, { folder: f, codeVersion: '1.1.0' })).pending).toEqual(['0002_broken']);
  });

  it('refuses, changing nothing, a database migrated by code whose schema this code must not run on', async () => {
    await database.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('x', 9999999999999)`,
    );
    await database.db.execute(
      sql`insert into drizzle.abonent_schema_releases (code_version, oldest_code, newest_migration) values ('1.3.0', '1.2.0', '0007_x')`,
    );
    const before = await releasesRows(database);
    const error = await runMigrations(database, { codeVersion: '1.1.0' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaRefusedError);
    expect((error as Error).message).toMatch(
      /migrated by Abonent 1\.3\.0, whose schema needs Abonent 1\.2\.0 or newer; this is 1\.1\.0\. Nothing was changed/,
    );
    expect(await releasesRows(database)).toEqual(before);
    expect((await migrationStatus(database, { codeVersion: '1.1.0' })).state).toBe('newer_refused');
  });

  it('runs on a newer schema that still serves it (a rolling upgrade), migrating nothing', async () => {
    await database.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('x', 9999999999999)`,
    );
    await database.db.execute(
      sql`insert into drizzle.abonent_schema_releases (code_version, oldest_code, newest_migration) values ('1.2.0', '1.1.0', '0004_x')`,
    );
    const lines: string[] = [];
    const r = await runMigrations(database, { codeVersion: '1.1.0', log: (l) => lines.push(l) });
    expect(r.state).toBe('newer_compatible');
    expect(lines.join('\n')).toMatch(/migrated by Abonent 1\.2\.0; this is 1\.1\.0, which its schema still serves/);
    // A development build of the next release is newer than the release before it, older than the release.
    expect((await migrationStatus(database, { codeVersion: '1.1.0-dev' })).state).toBe('newer_refused');
  });

  it('refuses a database made by another build (migrations it does not know, no release record)', async () => {
    await database.db.execute(sql`delete from drizzle.abonent_schema_releases`);
    await database.db.execute(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('old-squash', 1700000000000)`,
    );
    await expect(runMigrations(database)).rejects.toThrow(/made by another build of Abonent.*Nothing was changed/);
  });

  it.skipIf(!onPostgres)(
    'waits for a busy table: a lock held elsewhere makes the migration try again, then it applies',
    async () => {
      const f = folder([{ tag: '0001_account_nick', sql: 'ALTER TABLE "accounts" ADD COLUMN "nick" text;' }]);
      const other = new pg.Client({
        connectionString: (database.pool as unknown as { options: { connectionString: string } }).options
          .connectionString,
      });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('LOCK TABLE accounts IN ACCESS SHARE MODE');
        setTimeout(() => void other.query('COMMIT'), 700);
        const lines: string[] = [];
        const r = await runMigrations(database, {
          folder: f,
          codeVersion: '1.1.0',
          lockTimeoutMs: 200,
          log: (l) => lines.push(l),
        });
        expect(r.appliedNow).toEqual(['0001_account_nick']);
        expect(lines.some((l) => /0001_account_nick: a table is busy/.test(l))).toBe(true);
      } finally {
        await other.end();
      }
    },
  );

  it.skipIf(!onPostgres)('rebuilds an index a killed CREATE INDEX CONCURRENTLY left invalid', async () => {
    await database.db.execute(sql`create index accounts_nick_idx on accounts (status)`);
    await database.db.execute(
      sql`update pg_index set indisvalid = false where indexrelid = 'accounts_nick_idx'::regclass`,
    );
    const f = folder([
      {
        tag: '0001_index',
        sql: '-- abonent:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "accounts_nick_idx" ON "accounts" ("number");',
      },
    ]);
    await runMigrations(database, { folder: f, codeVersion: '1.1.0' });
    const [idx] = await queryRows<{ valid: boolean; def: string }>(
      database.db,
      sql`select indisvalid as valid, pg_get_indexdef(indexrelid) as def from pg_index where indexrelid = 'accounts_nick_idx'::regclass`,
    );
    expect(idx).toMatchObject({ valid: true });
    expect(idx!.def).toMatch(/\(number\)/);
  });
});
