import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import semver from 'semver';

import { version as codeVersionOfThisBuild } from '../version.js';
import { type Database, queryRows } from './client.js';
import { loadReleases, oldestCodeFor } from './releases.js';

/**
 * Abonent's migrator (decision 0016): applies drizzle-kit's migrations and keeps Drizzle's own record of
 * them (drizzle.__drizzle_migrations, so databases migrated by Drizzle's migrator carry on), and adds
 * what an ISP living on it for years needs (docs/upgrades.md):
 * - each migration in its own transaction, under a lock_timeout retried a few times, so a migration
 *   never waits behind a long transaction while every request queues behind it;
 * - a migration whose first line is `-- abonent:no-transaction` runs statement by statement outside a
 *   transaction (CREATE INDEX CONCURRENTLY), after dropping an invalid index a killed run left;
 * - downgrade protection: a database migrated by newer code is refused before anything changes, unless
 *   this code is one the newer schema still serves (code of release N runs on the schema of N+1);
 * - which code migrated the database, in drizzle.abonent_schema_releases.
 */
const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const postMigrateSql = fileURLToPath(new URL('./post-migrate.sql', import.meta.url));

/** Arbitrary constant: serialises migrations when several app servers start at once. */
const MIGRATION_LOCK = 72_401_001;
/** How long a migration's statement waits for a table's lock before it gives up and tries again later. */
const LOCK_TIMEOUT_MS = 5_000;
const LOCK_TRIES = 6;
const NO_TRANSACTION = /^--\s*abonent:no-transaction\b/;
const CONCURRENT_INDEX = /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"?(\w+)"?/i;

interface Migration {
  tag: string;
  when: number;
  hash: string;
  statements: string[];
  transactional: boolean;
}

export function readMigrations(folder = migrationsFolder): Migration[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((e) => {
    const text = readFileSync(`${folder}/${e.tag}.sql`, 'utf8');
    return {
      tag: e.tag,
      when: Number(e.when),
      hash: createHash('sha256').update(text).digest('hex'),
      statements: text.split('--> statement-breakpoint').filter((s) => s.trim() !== ''),
      transactional: !NO_TRANSACTION.test(text),
    };
  });
}

export type SchemaState =
  /** every migration this code knows is applied, and no other */
  | 'current'
  /** migrations to apply */
  | 'pending'
  /** migrated by newer code that this code may still run on (a rolling upgrade) */
  | 'newer_compatible'
  /** migrated by newer code this code must not run on */
  | 'newer_refused'
  /** migrations this code does not know, with no release record: another (pre-release or development) build */
  | 'foreign';

export interface MigrationStatus {
  state: SchemaState;
  codeVersion: string;
  applied: string[];
  pending: string[];
  /** Migrations in the database this code does not know. */
  unknown: number;
  /** The newest code that migrated this database, and the oldest code its schema serves. */
  migratedBy: { codeVersion: string; oldestCode: string; at: string } | null;
  /** What to do, when the state is not one this code starts on. */
  message: string | null;
}

/** A database this code refuses to start on; nothing was changed. */
export class SchemaRefusedError extends Error {
  constructor(readonly status: MigrationStatus) {
    super(status.message ?? `database refused: ${status.state}`);
  }
}

/** One connection, in both modes: migrations, their record and the lock must share it. */
interface Conn {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** Text that may hold several statements (no parameters). */
  exec(text: string): Promise<void>;
}

async function withConn<T>(database: Database, fn: (c: Conn) => Promise<T>, lock: boolean): Promise<T> {
  if (database.kind === 'pglite') {
    const p = database.pglite!;
    return fn({
      query: async <R>(text: string, params?: unknown[]) => (await p.query<R>(text, params)).rows,
      exec: async (text) => void (await p.exec(text)),
    });
  }
  const client = await database.pool!.connect();
  const conn: Conn = {
    query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
    exec: async (text) => void (await client.query(text)),
  };
  try {
    if (lock) await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await fn(conn);
  } finally {
    if (lock) await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

async function readStatus(c: Conn, codeVersion: string, migrations: Migration[]): Promise<MigrationStatus> {
  const [t] = await c.query<{ migrations: boolean; releases: boolean }>(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as migrations,
            to_regclass('drizzle.abonent_schema_releases') is not null as releases`,
  );
  const rows = t!.migrations
    ? await c.query<{ created_at: string | number }>('select created_at from drizzle.__drizzle_migrations')
    : [];
  const inDb = new Set(rows.map((r) => Number(r.created_at)));
  const known = new Set(migrations.map((m) => m.when));
  const applied = migrations.filter((m) => inDb.has(m.when)).map((m) => m.tag);
  const pending = migrations.filter((m) => !inDb.has(m.when)).map((m) => m.tag);
  const unknown = [...inDb].filter((w) => !known.has(w)).length;
  const [last] = t!.releases
    ? await c.query<{ code_version: string; oldest_code: string; migrated_at: string | Date }>(
        'select code_version, oldest_code, migrated_at from drizzle.abonent_schema_releases order by id desc limit 1',
      )
    : [];
  const migratedBy = last
    ? { codeVersion: last.code_version, oldestCode: last.oldest_code, at: new Date(last.migrated_at).toISOString() }
    : null;
  const base = { codeVersion, applied, pending, unknown, migratedBy };
  if (unknown === 0) return { ...base, state: pending.length > 0 ? 'pending' : 'current', message: null };
  if (!migratedBy || pending.length > 0)
    return {
      ...base,
      state: 'foreign',
      message:
        'This database was made by another build of Abonent (a pre-release or development build) whose migrations ' +
        'this release does not know, so it cannot be upgraded in place. Nothing was changed. Restore a backup made ' +
        'by a release, or start on an empty database' +
        ' (embedded mode: stop Abonent and move DATA_DIR, ./data by default, aside; demo data is loaded anew).',
    };
  if (semver.gte(codeVersion, migratedBy.oldestCode))
    return {
      ...base,
      state: 'newer_compatible',
      message:
        `The database was migrated by Abonent ${migratedBy.codeVersion}; this is ${codeVersion}, which its schema ` +
        `still serves (a rolling upgrade, docs/upgrades.md). Nothing is migrated; upgrade this server too.`,
    };
  return {
    ...base,
    state: 'newer_refused',
    message:
      `This database was migrated by Abonent ${migratedBy.codeVersion}, whose schema needs Abonent ` +
      `${migratedBy.oldestCode} or newer; this is ${codeVersion}. Nothing was changed. Install ` +
      `${migratedBy.codeVersion} or newer (CHANGELOG.md, "Upgrading"); going back to ${codeVersion} takes the ` +
      `backup made before the upgrade.`,
  };
}

/** What `abonent migrate --status` prints: nothing is changed. */
export async function migrationStatus(
  database: Database,
  opts: { codeVersion?: string; folder?: string } = {},
): Promise<MigrationStatus> {
  const migrations = readMigrations(opts.folder);
  return withConn(database, (c) => readStatus(c, opts.codeVersion ?? codeVersionOfThisBuild, migrations), false);
}

/**
 * Applies pending migrations, then the idempotent post-migrate SQL (triggers, the ledger's partitions).
 * Throws SchemaRefusedError, changing nothing, on a database this code must not run on.
 */
export async function runMigrations(
  database: Database,
  opts: {
    codeVersion?: string;
    folder?: string;
    log?: (line: string) => void;
    /** Tests: a shorter wait for busy tables. */
    lockTimeoutMs?: number;
  } = {},
): Promise<MigrationStatus & { appliedNow: string[] }> {
  const codeVersion = opts.codeVersion ?? codeVersionOfThisBuild;
  const migrations = readMigrations(opts.folder);
  return withConn(
    database,
    async (c) => {
      const status = await readStatus(c, codeVersion, migrations);
      if (status.state === 'foreign' || status.state === 'newer_refused') throw new SchemaRefusedError(status);
      if (status.state === 'newer_compatible') {
        opts.log?.(status.message!);
        return { ...status, appliedNow: [] };
      }
      await c.query('CREATE SCHEMA IF NOT EXISTS drizzle');
      await c.query(
        'CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
      );
      await c.query(
        `CREATE TABLE IF NOT EXISTS drizzle.abonent_schema_releases (
           id serial PRIMARY KEY, code_version text NOT NULL, oldest_code text NOT NULL,
           newest_migration text NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`,
      );
      const appliedNow: string[] = [];
      for (const m of migrations.filter((x) => status.pending.includes(x.tag))) {
        await applyMigration(c, m, opts.lockTimeoutMs ?? LOCK_TIMEOUT_MS, opts.log);
        appliedNow.push(m.tag);
      }
      const newest = migrations.at(-1)!.tag;
      const by = status.migratedBy;
      if (appliedNow.length > 0 || !by || semver.gt(codeVersion, by.codeVersion))
        await c.query(
          'INSERT INTO drizzle.abonent_schema_releases (code_version, oldest_code, newest_migration) VALUES ($1, $2, $3)',
          [codeVersion, oldestCodeFor(newest, loadReleases()), newest],
        );
      await c.exec(readFileSync(postMigrateSql, 'utf8'));
      return { ...status, state: 'current' as const, pending: [], applied: migrations.map((m) => m.tag), appliedNow };
    },
    true,
  );
}

const isLockTimeout = (e: unknown) => (e as { code?: string }).code === '55P03';

async function applyMigration(c: Conn, m: Migration, lockTimeoutMs: number, log?: (line: string) => void) {
  const record = () =>
    c.query('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [m.hash, m.when]);
  for (let attempt = 1; ; attempt++) {
    try {
      if (m.transactional) {
        await c.query('BEGIN');
        try {
          await c.exec(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
          for (const s of m.statements) await c.exec(s);
          await record();
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => {});
          throw e;
        }
      } else {
        await c.exec(`SET lock_timeout = ${lockTimeoutMs}`);
        try {
          for (const s of m.statements) {
            await dropInvalidIndex(c, s);
            await c.exec(s);
          }
          await record();
        } finally {
          await c.query('RESET lock_timeout');
        }
      }
      log?.(`migration ${m.tag} applied`);
      return;
    } catch (e) {
      if (!isLockTimeout(e) || attempt >= LOCK_TRIES)
        throw new Error(`migration ${m.tag} failed: ${(e as Error).message}`, { cause: e });
      log?.(
        `migration ${m.tag}: a table is busy (waited ${lockTimeoutMs} ms for its lock), try ${attempt + 1} of ${LOCK_TRIES}`,
      );
      await new Promise((r) => setTimeout(r, Math.min(lockTimeoutMs, 1000) * attempt));
    }
  }
}

/** CREATE INDEX CONCURRENTLY killed half-way leaves an invalid index that IF NOT EXISTS would keep. */
async function dropInvalidIndex(c: Conn, statement: string): Promise<void> {
  const name = CONCURRENT_INDEX.exec(statement)?.[1];
  if (!name) return;
  const [idx] = await c.query<{ valid: boolean }>(
    `select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
     where c.relname = $1 and c.relnamespace = 'public'::regnamespace`,
    [name],
  );
  if (idx && !idx.valid) await c.query(`DROP INDEX CONCURRENTLY IF EXISTS "${name}"`);
}

export async function isEmptyDatabase(database: Database): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from regions`);
  return (row?.n ?? 0) === 0;
}
