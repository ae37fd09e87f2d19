import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { currentTotp } from '../modules/auth/totp.js';
import { listLedgerPartitions, monthOf } from '../modules/ledger/ledger-partitions.js';
import { verifyLedger } from '../modules/ledger/verify-ledger.js';
import { createEmptyTestDatabase } from '../test/db.js';
import {
  accountStates,
  cabinetAnswers,
  countRows,
  type FixtureExpect,
  fixtureVersions,
  radiusAnswers,
  RELEASES_DIR,
  restoreDump,
  subscriberSignIn,
} from '../test/release-fixture.js';
import { restMeaning } from '../test/rest-answer.js';
import { version as codeVersion } from '../version.js';
import { type Database, queryRows } from './client.js';
import { migrationStatus, runMigrations } from './migrate.js';
import { loadReleases } from './releases.js';

/**
 * Upgrades keep every row (docs/upgrades.md, "Release fixtures and the upgrade test"): every release's
 * fixture (server/db/releases/<version>.sql.gz, made by scripts/release-fixture.ts at that release) is
 * restored into an empty database, today's code migrates it and starts on it, and it must hold what it
 * held: every row, every balance, a clean ledger, and the cabinet and the RADIUS API answering as they
 * did. Runs in both database modes.
 */

/**
 * Tables whose row count an upgrade changes on purpose, with the reason and the count to expect.
 * A migration that deliberately adds or removes rows of a table names it here.
 */
const CHANGED_BY_UPGRADE: Record<
  string,
  { reason: string; count: (recorded: number, u: { appliedNow: number; newerCode: boolean }) => number }
> = {
  'drizzle.__drizzle_migrations': {
    reason: "one row per applied migration: today's code records the migrations of the releases after the fixture",
    count: (n, u) => n + u.appliedNow,
  },
  'drizzle.abonent_schema_releases': {
    reason: 'one row each time a newer release migrates the database (downgrade protection reads the last)',
    count: (n, u) => n + (u.appliedNow > 0 || u.newerCode ? 1 : 0),
  },
  'public.contract_documents': {
    reason:
      '1.1 empties it on purpose: contract PDFs kept in clear (the last page shows the initial password); ' +
      'from 1.1 they are kept sealed in contract_pdfs (issue 26)',
    count: () => 0,
  },
};

/** Tables a later release dropped on purpose (a contract step of expand/contract), with the reason. */
const DROPPED_BY_UPGRADE: Record<string, string> = {};

/**
 * Parts of the cabinet's answers that depend on the day they are asked, not on the data: they are left
 * out of the comparison (the fixture is restored days or years after it was made, and nothing runs
 * the daily billing in between).
 */
const OVERVIEW_BY_DAY = [
  'today',
  'nextChargeOn',
  // tomorrow's fees and what follows from them (an add-on or plan change starts, a discount ends)
  'nextCharge',
  'dailyFee',
  'monthlyFee',
  'daysLeft',
  'lowBalance',
  'topUp',
  'recommendedPayment',
  // an approved suspension is shown until its first day; a discount while it lasts past tomorrow
  'suspension',
  'discount',
];
/** canReopen: within 30 days of closing; expectedWait: from the queue as it is now. */
const TICKET_BY_DAY = ['canReopen', 'expectedWait'];
/** How an entry is worded may improve from release to release; its amount, kind and comment may not. */
const STATEMENT_WORDING = ['description'];
/**
 * RADIUS reply attributes that depend on the time of the request, left out of the comparison. None of
 * 1.0.0's do: the answer is the account's state, plan speed, static IP, interim interval and Class. A
 * release that adds one (a Session-Timeout up to midnight, say) names it here.
 */
const RADIUS_BY_TIME: string[] = [];

/** `actual` cut to the fields `recorded` has (fields a later release added are not compared). */
function asRecorded(actual: unknown, recorded: unknown): unknown {
  if (Array.isArray(recorded) && Array.isArray(actual))
    return actual.map((x, i) => asRecorded(x, recorded[Math.min(i, recorded.length - 1)]));
  if (recorded && typeof recorded === 'object' && actual && typeof actual === 'object' && !Array.isArray(actual))
    return Object.fromEntries(
      Object.keys(recorded).map((k) => [k, asRecorded((actual as Record<string, unknown>)[k], (recorded as never)[k])]),
    );
  return actual;
}

const omit = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

function expectAsRecorded(actual: unknown, recorded: unknown, what: string) {
  expect(asRecorded(actual, recorded), what).toEqual(recorded);
}

it('has the fixture of every release', () => {
  const versions = loadReleases().map((r) => r.version);
  expect(versions.length).toBeGreaterThan(0);
  for (const v of versions) {
    for (const ext of ['sql.gz', 'files.tar.gz', 'expect.json'])
      expect(existsSync(join(RELEASES_DIR, `${v}.${ext}`)), `${v}.${ext}: npm run release:fixture at v${v}`).toBe(true);
  }
});

/** The ledger's month partitions: plain ('r') or in ten-day parts ('p'), and their rows. */
async function ledgerMonths(database: Database) {
  const out: { name: string; month: string; kind: string; rows: number }[] = [];
  for (const p of await listLedgerPartitions(database.db)) {
    const [r] = await queryRows<{ kind: string; rows: number }>(
      database.db,
      sql`select (select relkind::text from pg_class where oid = ${p.name}::regclass) as kind,
                 (select count(*)::int from ${sql.identifier(p.name)}) as rows`,
    );
    out.push({ name: p.name, month: p.month, kind: r!.kind, rows: r!.rows });
  }
  return out;
}

describe.each(fixtureVersions())('an upgrade from the %s fixture', (fixture) => {
  const recorded = JSON.parse(readFileSync(join(RELEASES_DIR, `${fixture}.expect.json`), 'utf8')) as FixtureExpect;
  let database: Database;
  let app: FastifyInstance;
  let files: string;
  let migrated: Awaited<ReturnType<typeof runMigrations>>;
  let rows: Record<string, number>;
  let accounts: FixtureExpect['accounts'];
  let monthsBefore: Awaited<ReturnType<typeof ledgerMonths>>;

  beforeAll(async () => {
    database = await createEmptyTestDatabase({ poolSize: 4 });
    await restoreDump(database, gunzipSync(readFileSync(join(RELEASES_DIR, `${fixture}.sql.gz`))).toString('utf8'));
    files = mkdtempSync(join(tmpdir(), 'abonent-upgrade-files-'));
    execFileSync('tar', ['-xzf', join(RELEASES_DIR, `${fixture}.files.tar.gz`), '-C', files]);
    monthsBefore = await ledgerMonths(database);
    migrated = await runMigrations(database);
    // Counted before the app starts: signing in and asking RADIUS below write rows of their own.
    rows = await countRows(database.db);
    accounts = await accountStates(database.db);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      APP_SECRET: recorded.appSecret,
      RADIUS_API_KEY: recorded.radiusApiKey,
      DATA_DIR: join(files, 'data'),
      SUPPORT_FILES_DIR: files,
      // A web-only server: no job runs, and no CoA goes to the fixture's NAS, which is not there.
      WORKER: '0',
    });
    app = await buildApp({ config, database });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('migrates to the current schema', async () => {
    expect(migrated.state).toBe('current');
    const status = await migrationStatus(database);
    expect(status).toMatchObject({ state: 'current', pending: [], unknown: 0 });
    expect(status.migratedBy?.codeVersion).toBe(semver.gt(codeVersion, fixture) ? codeVersion : recorded.version);
  });

  it('keeps every row of every table', () => {
    const u = { appliedNow: migrated.appliedNow.length, newerCode: semver.gt(codeVersion, fixture) };
    const differences: string[] = [];
    for (const [table, n] of Object.entries(recorded.tables)) {
      if (table in DROPPED_BY_UPGRADE) continue;
      const want = CHANGED_BY_UPGRADE[table]?.count(n, u) ?? n;
      if (rows[table] !== want) differences.push(`${table}: ${rows[table] ?? 'missing'}, expected ${want}`);
    }
    // A table the fixture has and the database lost shows here as "missing". Tables a later migration
    // added are new and may hold anything.
    expect(differences).toEqual([]);
    expect(Object.values(recorded.tables).reduce((x, y) => x + y, 0)).toBeGreaterThan(1000);
  });

  it('keeps the month partitions that hold entries as they were; the months ahead are in ten-day parts', async () => {
    const after = await ledgerMonths(database);
    const held = monthsBefore.filter((m) => m.rows > 0);
    expect(held.length).toBeGreaterThan(0);
    for (const m of held) expect(after.find((a) => a.name === m.name)).toEqual(m);
    // Made ahead empty by the release (replaced by the ten-day layout at start) or made now.
    const [today] = await queryRows<{ day: string }>(database.db, sql`select current_date::text as day`);
    const ahead = after.filter((m) => m.month > monthOf(today!.day));
    expect(ahead.length).toBeGreaterThanOrEqual(3);
    expect(ahead.filter((m) => m.kind !== 'p')).toEqual([]);
  });

  it('keeps every balance and status', () => {
    expect(accounts).toEqual(recorded.accounts);
    expect(accounts.length).toBeGreaterThan(5);
  });

  it('ledger verify --full is clean', async () => {
    const v = await verifyLedger(database.db, { full: true });
    expect(v.mismatches).toEqual([]);
    expect(v.orphanEntries).toBe(0);
    expect(v.checkpointMismatches).toEqual([]);
    expect(v.accounts).toBe(recorded.accounts.length);
  });

  it('signs every subscriber in with the recorded password, and the cabinet answers as before', async () => {
    for (const s of recorded.subscribers) {
      const auth = await subscriberSignIn(app, s.contract, s.password);
      const was = recorded.cabinet[s.contract]!;
      const period = { from: was.statement.from as string, to: was.statement.to as string };
      const now = await cabinetAnswers(app, auth, period);
      const tag = `${s.contract} (${s.note})`;
      expectAsRecorded(now.overview, omit(was.overview, OVERVIEW_BY_DAY), `${tag}: overview`);
      expect(now.overview.balance, tag).toBe(was.overview.balance);
      const entries = (was.statement.entries as Record<string, unknown>[]).map((e) => omit(e, STATEMENT_WORDING));
      expectAsRecorded(now.statement, { ...was.statement, entries }, `${tag}: statement`);
      expectAsRecorded(now.tickets, was.tickets, `${tag}: tickets`);
      for (const [id, t] of Object.entries(was.ticket))
        expectAsRecorded(now.ticket[id], omit(t, TICKET_BY_DAY), `${tag}: ticket ${id}`);
      // The same bytes come back: the attachments directory and its rows belong together.
      expect(now.attachments, `${tag}: attachments`).toEqual(was.attachments);
    }
    expect(Object.values(recorded.cabinet).some((c) => Object.keys(c.attachments).length > 0)).toBe(true);
  });

  it('signs staff in, with two-factor codes from the recorded secrets', async () => {
    for (const s of recorded.staff) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        payload: { email: s.email, password: s.password, ...(s.totpSecret ? { totp: currentTotp(s.totpSecret) } : {}) },
      });
      expect(res.statusCode, s.email).toBe(200);
      expect(res.json().staff.role).toBe(s.role);
    }
    expect(recorded.staff.some((s) => s.totpSecret)).toBe(true);
  });

  it('the RADIUS API answers the PPPoE logins and NAS lookups as before', async () => {
    const asks = recorded.radius.map(({ path, attributes }) => ({ path, attributes }));
    const answers = await radiusAnswers(app.deps.network.api()!, recorded.radiusApiKey, recorded.radiusNas, asks);
    // Compared by what FreeRADIUS makes of them: since 1.1 a value expansion cannot change goes plain
    // rather than in the long form (server/modules/network/radius-api.ts, restWire).
    const timeless = (b: Record<string, unknown> | null) => (b ? restMeaning(omit(b, RADIUS_BY_TIME)) : b);
    // Every attribute the release answered is answered the same; a later release may add attributes
    // (e.g. 1.1's cache TTL for FreeRADIUS's outage cache), which the earlier configuration ignores.
    const asBefore = answers.map((a, i) => {
      const was = timeless(recorded.radius[i]!.body);
      const now = timeless(a.body);
      return { ...a, body: was && now ? Object.fromEntries(Object.keys(was).map((k) => [k, now[k]])) : now };
    });
    expect(asBefore).toEqual(recorded.radius.map((a) => ({ ...a, body: timeless(a.body) })));
    // What the comparison covers: accepted and refused logins, passwords opened with the fixture's secret.
    expect(recorded.radius.filter((r) => r.status === 200).length).toBeGreaterThan(3);
    expect(recorded.radius.some((r) => r.status === 401)).toBe(true);
    expect(recorded.radius.some((r) => r.path.startsWith('/api/radius/clients/') && r.status === 200)).toBe(true);
  });
});
