import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

import * as schema from './schema/index.js';

/** A database handle or an open transaction: use-cases accept either. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /**
   * For reads that may lag the primary by a moment: statements, exports, reports (docs/scale.md).
   * A streaming replica's pool when DATABASE_REPLICA_URL is set, else the same handle as `db`. Never
   * for anything that decides about money or access, and never inside a transaction of `db`.
   */
  replica: Db;
  kind: 'pglite' | 'postgres';
  /** Raw PGlite instance (embedded mode only): used for dumps in tests. */
  pglite?: PGlite;
  /** Raw pool (PostgreSQL mode only). */
  pool?: pg.Pool;
  /** The replica's pool (PostgreSQL with a replica only). */
  replicaPool?: pg.Pool;
  close(): Promise<void>;
  /**
   * LISTENs on a channel (a fixed identifier) for as long as the database is open; tells when
   * listening starts and stops working (PostgreSQL: reconnects every second). Returns the unlisten.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  onListening(on: boolean): void;
}

// Uniform value types in both modes: int8 → number (kopecks fit in 2^53), date → 'YYYY-MM-DD' string
// (a calendar day has no time zone; letting the driver build a Date shifts it).
const INT8 = 20;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v: string) => Number(v));
pg.types.setTypeParser(DATE, (v: string) => v);

export interface OpenOptions {
  databaseUrl?: string;
  /** A streaming replica of databaseUrl for lagging reads (PostgreSQL only). */
  replicaUrl?: string;
  /** Data directory for PGlite; `memory://` for an in-memory database (tests). */
  dataDir?: string;
  /** Max pool size in PostgreSQL mode. */
  poolSize?: number;
  /** PGlite: load this dump instead of starting empty (tests clone a migrated template). */
  loadDataDir?: Blob | File;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const newPool = (connectionString: string) => {
      const p = new pg.Pool({ connectionString, max: opts.poolSize ?? 10 });
      p.on('error', () => {
        /* idle client errors are reported on next use; never crash the process here */
      });
      return p;
    };
    const pool = newPool(opts.databaseUrl);
    const replicaPool = opts.replicaUrl ? newPool(opts.replicaUrl) : undefined;
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const url = opts.databaseUrl;
    return {
      db,
      replica: replicaPool ? drizzlePg(replicaPool, { schema }) : db,
      kind: 'postgres',
      pool,
      replicaPool,
      close: async () => {
        await Promise.all([pool.end(), replicaPool?.end()]);
      },
      listen: (channel, h) => listenPostgres(url, channel, h),
    };
  }
  const dataDir = opts.dataDir ?? './data';
  const inMemory = dataDir.startsWith('memory://');
  let releaseLock = () => {};
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = takeDataDirLock(dataDir);
  }
  const pglite = await PGlite.create(inMemory ? undefined : resolve(dataDir, 'pgdata'), {
    parsers: { [pgliteTypes.INT8]: (v: string) => Number(v), [pgliteTypes.DATE]: (v: string) => v },
    loadDataDir: opts.loadDataDir,
  });
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    db,
    replica: db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await pglite.close();
      releaseLock();
    },
    listen: async (channel, h) => {
      const unlisten = await pglite.listen(identifier(channel), (payload) => h.onNotify(payload));
      h.onListening(true);
      return async () => {
        h.onListening(false);
        await unlisten();
      };
    },
  };
}

function identifier(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  return channel;
}

/** A dedicated connection (not from the pool: LISTEN belongs to a session) that comes back after drops. */
async function listenPostgres(url: string, channel: string, h: ListenHandlers): Promise<() => Promise<void>> {
  const name = identifier(channel);
  let stopped = false;
  let current: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const later = () => {
    if (stopped) return;
    retry = setTimeout(() => void connect(), 1000);
    retry.unref();
  };
  const connect = async () => {
    retry = null;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => h.onNotify(n.payload ?? ''));
    c.on('error', () => {
      /* 'end' follows and reconnects */
    });
    c.on('end', () => {
      if (current !== c) return;
      current = null;
      h.onListening(false);
      later();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${name}`);
    } catch {
      await c.end().catch(() => {});
      later();
      return;
    }
    if (stopped) return void (await c.end().catch(() => {}));
    current = c;
    h.onListening(true);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = current;
    current = null;
    h.onListening(false);
    await c?.end().catch(() => {});
  };
}

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it.
 * A lock file with our pid refuses the second opener; a stale lock (its pid is gone) is taken over.
 */
function takeDataDirLock(dataDir: string): () => void {
  const lockPath = join(dataDir, 'abonent.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (existsSync(lockPath) && readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockPath, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The embedded database in ${resolve(dataDir)} is in use by process ${pid}. ` +
            'Stop that process, or set DATABASE_URL to use PostgreSQL for several processes.',
          { cause: e },
        );
      }
      unlinkSync(lockPath); // stale lock from a process that died
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PostgreSQL mode: the pool behind a database handle (not a transaction), for work that needs one
 * connection of its own for a while (a session-level advisory lock). Null in PGlite mode, where there
 * is one connection and one process anyway.
 */
export function poolOf(db: Db): pg.Pool | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : null;
}

/** A database handle over one checked-out connection (its statements and transactions all run on it). */
export function dbOnConnection(client: pg.PoolClient): Db {
  return drizzlePg(client, { schema });
}

/** Runs raw SQL and returns its rows, the same shape in both modes. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  return (res as { rows: T[] }).rows;
}

const dialect = new PgDialect();

/**
 * queryRows for hot paths (the card payment notification): on PostgreSQL the statement
 * is prepared once per connection and reused, so the server parses and plans it once instead of on
 * every call; for the big single-statement writes that was most of their cost. The name is the
 * hash of the text, so statements built in variants (with or without a bonus) are prepared apart.
 * PGlite runs it as an ordinary query.
 */
export async function queryRowsPrepared<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const q = dialect.sqlToQuery(query);
  const name = `a_${createHash('sha1').update(q.sql).digest('base64url').slice(0, 20)}`;
  const res = (await db._.session.prepareQuery(q, undefined, name, false).execute()) as { rows: T[] };
  return res.rows;
}

/**
 * queryRowsPrepared for the hottest statements, built once: `build` makes the statement with
 * `sql.placeholder('name')` where a value varies, and is called on the first use only; each call then
 * sends just the values (no building, no rendering, no hashing of a long text in Node).
 */
export function preparedStatement<T = Record<string, unknown>>(
  build: () => SQL,
): (db: Db, values: Record<string, unknown>) => Promise<T[]> {
  let prepared: { q: ReturnType<PgDialect['sqlToQuery']>; name: string } | undefined;
  return async (db, values) => {
    if (!prepared) {
      const q = dialect.sqlToQuery(build());
      prepared = { q, name: `a_${createHash('sha1').update(q.sql).digest('base64url').slice(0, 20)}` };
    }
    const res = (await db._.session.prepareQuery(prepared.q, undefined, prepared.name, false).execute(values)) as {
      rows: T[];
    };
    return res.rows;
  };
}
