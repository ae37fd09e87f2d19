import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';

import { type Database, type Db, queryRows } from '../db/client.js';
import type { RadiusApi } from '../modules/network/radius-api.js';
import { radiusAuth } from './network-factories.js';
import { radiusRequest } from './radius-client.js';

/**
 * Release fixtures (docs/upgrades.md, "Release fixtures and the upgrade test"): at each release
 * scripts/release-fixture.ts makes a database with that release's code and writes, next to the release
 * manifest, `<version>.sql.gz` (plain-SQL pg_dump), `<version>.files.tar.gz` (support attachments) and
 * `<version>.expect.json` (what is below). server/db/upgrade.test.ts restores every one of them, starts
 * today's code on it and compares. What both sides ask the API is here, so they ask the same.
 */
export const RELEASES_DIR = fileURLToPath(new URL('../db/releases/', import.meta.url));

/** The releases that have a fixture, oldest first. */
export function fixtureVersions(dir = RELEASES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql.gz'))
    .map((f) => f.slice(0, -'.sql.gz'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export interface FixtureSubscriber {
  contract: string;
  account: string;
  password: string;
  note: string;
  pppoe: { login: string; password: string } | null;
}

export interface CabinetAnswers {
  overview: Record<string, unknown>;
  /** The statement of the 31 days up to the fixture's day in the subscriber's region. */
  statement: Record<string, unknown>;
  tickets: { tickets: Record<string, unknown>[]; unread: number };
  /** Each ticket as GET /api/me/support/tickets/:id answers it, by id. */
  ticket: Record<string, Record<string, unknown>>;
  /** SHA-256 of every attachment the subscriber can download, by attachment id. */
  attachments: Record<string, string>;
}

export interface RadiusExchange {
  /** What is asked: authorize (an Access-Request) or the NAS lookup of dynamic clients. */
  path: string;
  attributes?: Record<string, string>;
  status: number;
  body: Record<string, unknown> | null;
}

export interface FixtureExpect {
  version: string;
  /** When the fixture was made (ISO), and that day in Moscow (the demo ISP's first region). */
  madeAt: string;
  day: string;
  /** A test value, fixed so the upgrade test can open what was sealed with it. Never a real secret. */
  appSecret: string;
  radiusApiKey: string;
  /** The NAS the Access-Requests of `radius` come from. */
  radiusNas: string;
  /** Rows in every table (partitions are counted in their parent), `schema.table`. */
  tables: Record<string, number>;
  accounts: { number: string; balance: number; status: string }[];
  subscribers: FixtureSubscriber[];
  staff: { email: string; password: string; role: string; totpSecret?: string }[];
  cabinet: Record<string, CabinetAnswers>;
  radius: RadiusExchange[];
}

/** Every table (not partitions: their rows are counted in the partitioned parent) with its rows. */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select format('%s.%s', n.nspname, c.relname) as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition and n.nspname in ('public', 'drizzle')
        order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const [schema, table] = name.split('.') as [string, string];
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int8 as n from ${sql.identifier(schema)}.${sql.identifier(table)}`,
    );
    out[name] = Number(row!.n);
  }
  return out;
}

export async function accountStates(db: Db): Promise<FixtureExpect['accounts']> {
  return queryRows(db, sql`select number, balance, status from accounts order by number`);
}

async function ok(res: Awaited<ReturnType<FastifyInstance['inject']>>, what: string) {
  if (res.statusCode >= 400) throw new Error(`${what}: HTTP ${res.statusCode} ${res.body}`);
  return res;
}

export async function subscriberSignIn(app: FastifyInstance, contract: string, password: string) {
  const res = await ok(
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { contract, password } }),
    `sign-in ${contract}`,
  );
  return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What the cabinet answers one signed-in subscriber (the statement: the 31 days up to `day`). */
export async function cabinetAnswers(
  app: FastifyInstance,
  auth: Record<string, string>,
  period: { from: string; to: string },
): Promise<CabinetAnswers> {
  const get = async (url: string) => (await ok(await app.inject({ url, headers: auth }), url)).json();
  const overview = await get('/api/me/overview');
  const statement = await get(`/api/me/statement?from=${period.from}&to=${period.to}`);
  const tickets = await get('/api/me/support/tickets?limit=100');
  const ticket: CabinetAnswers['ticket'] = {};
  const attachments: CabinetAnswers['attachments'] = {};
  for (const t of tickets.tickets as { id: number }[]) {
    const one = await get(`/api/me/support/tickets/${t.id}`);
    ticket[String(t.id)] = one;
    for (const m of one.messages as { attachments: { id: number }[] }[]) {
      for (const a of m.attachments) {
        const url = `/api/me/support/attachments/${a.id}`;
        attachments[String(a.id)] = sha256((await ok(await app.inject({ url, headers: auth }), url)).rawPayload);
      }
    }
  }
  return { overview, statement, tickets, ticket, attachments };
}

const rest = (attrs: Record<string, string>) =>
  Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'string', value: [v] }]));

/**
 * The requests the upgrade test repeats to the rlm_rest API: for every PPPoE login, PAP with its
 * password, a wrong password, and MS-CHAP (its answer carries the password for FreeRADIUS: the sealed
 * password still opens); and the dynamic-clients lookup of each NAS (its sealed shared secret).
 */
export function radiusRequests(logins: { login: string; password: string }[], nasAddresses: string[]) {
  const asks: { path: string; attributes?: Record<string, string> }[] = [];
  const authorize = '/api/radius/authorize';
  for (const l of logins) {
    asks.push({ path: authorize, attributes: { 'User-Name': l.login, 'User-Password': l.password } });
    asks.push({ path: authorize, attributes: { 'User-Name': l.login, 'User-Password': 'not-the-password' } });
    asks.push({
      path: authorize,
      attributes: { 'User-Name': l.login, 'MS-CHAP-Challenge': '0x00112233445566778899aabbccddeeff' },
    });
  }
  for (const a of nasAddresses) asks.push({ path: `/api/radius/clients/${a}` });
  return asks;
}

/** Asks the rlm_rest API (over a socket, as FreeRADIUS does) from `nas`. */
export async function radiusAnswers(
  api: RadiusApi,
  key: string,
  nas: string,
  asks: ReturnType<typeof radiusRequests>,
): Promise<RadiusExchange[]> {
  const out: RadiusExchange[] = [];
  for (const a of asks) {
    const res = a.attributes
      ? await radiusRequest(api, {
          method: 'POST',
          url: `${a.path}?nas=${nas}`,
          headers: radiusAuth(key),
          payload: rest(a.attributes),
        })
      : await radiusRequest(api, { method: 'GET', url: a.path, headers: radiusAuth(key) });
    out.push({ ...a, status: res.statusCode, body: res.body ? res.json() : null });
  }
  return out;
}

/**
 * Restores a plain-SQL pg_dump into an empty database. Debian's pg_dump (15.14+) writes psql
 * meta-commands (`\restrict` / `\unrestrict`) that only psql understands: lines starting with a
 * backslash are dropped (a plain dump with --inserts has no other such lines: no COPY data). The dump
 * empties search_path and changes other settings of its session, so PostgreSQL gets a connection of its
 * own and PGlite (one session) is reset afterwards.
 */
export async function restoreDump(database: Database, dump: string): Promise<void> {
  const text = dump
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n');
  if (database.kind === 'pglite') {
    await database.pglite!.exec(text);
    await database.pglite!.exec('RESET ALL');
    return;
  }
  const client = new pg.Client({ connectionString: database.pool!.options.connectionString });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
