import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  checkReleasedMigrations,
  checkSchemaMatchesMigrations,
  lintMigrations,
  MIGRATIONS_DIR,
  readJournal,
} from './migration-discipline.js';

const root = new URL('../..', import.meta.url).pathname;

/** A scratch copy of what the checks read: migrations, releases, schema, the linter's config. */
function copyProject(): string {
  const dir = join(root, 'tmp', `discipline-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, 'server/db'), { recursive: true });
  for (const p of ['server/db/migrations', 'server/db/releases', 'server/db/schema', '.squawk.toml'])
    cpSync(join(root, p), join(dir, p), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Adds a hand-written migration after the last one, as drizzle-kit would list it. */
function addMigration(dir: string, tag: string, sql: string): void {
  writeFileSync(join(dir, MIGRATIONS_DIR, `${tag}.sql`), sql);
  const path = join(dir, MIGRATIONS_DIR, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: object[] };
  const last = readJournal(dir).at(-1)!;
  journal.entries.push({ idx: last.idx + 1, version: '7', when: last.when + 1000, tag, breakpoints: true });
  writeFileSync(path, JSON.stringify(journal, null, 2));
}

describe('migration discipline (npm run check)', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on the repository as committed', () => {
    expect(checkReleasedMigrations(root)).toEqual([]);
    expect(checkSchemaMatchesMigrations(root)).toEqual([]);
    expect(lintMigrations(root)).toEqual([]);
  });

  it('fails when a released migration is edited, and names it', () => {
    appendFileSync(join(dir, MIGRATIONS_DIR, '0000_init.sql'), '\nALTER TABLE "accounts" ADD COLUMN "x" text;\n');
    const problems = checkReleasedMigrations(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^0000_init\.sql \(released in 1\.0\.0\) was edited/);
  });

  it('fails when a released snapshot is deleted or its journal entry moved', () => {
    rmSync(join(dir, MIGRATIONS_DIR, 'meta/0000_snapshot.json'));
    const path = join(dir, MIGRATIONS_DIR, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(path, 'utf8')) as { entries: { when: number }[] };
    journal.entries[0]!.when += 1;
    writeFileSync(path, JSON.stringify(journal));
    const problems = checkReleasedMigrations(dir).join('\n');
    expect(problems).toMatch(/meta\/0000_snapshot\.json \(released in 1\.0\.0\) was deleted/);
    expect(problems).toMatch(/0000_init \(released in 1\.0\.0\): its journal entry was changed/);
  });

  it('fails when a migration file is not in the journal', () => {
    writeFileSync(join(dir, MIGRATIONS_DIR, '0001_stray.sql'), 'select 1;');
    expect(checkReleasedMigrations(dir)).toEqual(['0001_stray.sql is not in meta/_journal.json: it would never run']);
  });

  it('fails when the schema has a change no migration makes', () => {
    const file = join(dir, 'server/db/schema/accounts.ts');
    const src = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      src.replace(
        "number: text('number').notNull().unique(),",
        "number: text('number').notNull().unique(),\n    nick: text('nick'),",
      ),
    );
    const problems = checkSchemaMatchesMigrations(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/server\/db\/schema differs from the migrations/);
    expect(problems[0]).toMatch(/ADD COLUMN "nick" text/);
  });

  it('the linter refuses a migration that drops a column or indexes a live table without CONCURRENTLY', () => {
    addMigration(dir, '0001_drop_tag', 'ALTER TABLE "accounts" DROP COLUMN "credit_limit";\n');
    addMigration(dir, '0002_index', 'CREATE INDEX "accounts_status_idx2" ON "accounts" ("status");\n');
    const problems = lintMigrations(dir).join('\n');
    expect(problems).toMatch(/0001_drop_tag\.sql.*ban-drop-column/);
    expect(problems).toMatch(/0002_index\.sql.*require-concurrent-index-creation/);
  });

  it('the linter accepts a new table with its indexes and a concurrent index outside a transaction', () => {
    addMigration(
      dir,
      '0001_tags',
      'CREATE TABLE "account_tags" ("account_id" bigint NOT NULL, "tag" text NOT NULL);\n--> statement-breakpoint\n' +
        'CREATE INDEX "account_tags_tag_idx" ON "account_tags" ("tag");\n',
    );
    addMigration(
      dir,
      '0002_status_index',
      '-- abonent:no-transaction\n-- squawk-ignore-file ban-concurrent-index-creation-in-transaction\n' +
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "accounts_status_idx2" ON "accounts" ("status");\n',
    );
    expect(lintMigrations(dir)).toEqual([]);
  });
});
