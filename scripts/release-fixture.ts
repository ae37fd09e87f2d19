// `npm run release:fixture`: the upgrade test's fixture of THIS release (docs/upgrades.md, "Release
// fixtures and the upgrade test"). Run it at the release's tag. It makes a scratch database
// (abonent_release_fixture_<pid>) on the PostgreSQL server of DATABASE_URL (default
// postgres://postgres:postgres@127.0.0.1:5432/postgres), migrates it, loads the demo ISP, works a day
// through the app's HTTP API (server/test/release-fixture-day.ts), records what the cabinet and the
// RADIUS API answer, and writes server/db/releases/<version>.sql.gz, <version>.files.tar.gz and
// <version>.expect.json. Needs pg_dump (the server's major version or newer) and tar.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';

import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';

import { addDays, todayIn } from '../common/dates.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openDatabase, queryRows } from '../server/db/client.js';
import { runMigrations } from '../server/db/migrate.js';
import { JobWorker } from '../server/jobs/queue.js';
import { allJobs } from '../server/jobs/registry.js';
import { seedDemo } from '../server/modules/demo/seed-demo.js';
import { verifyLedger } from '../server/modules/ledger/verify-ledger.js';
import { dropDatabase, withAdmin, withDbName } from '../server/test/db.js';
import { startFakeNas } from '../server/test/fakes/nas.js';
import {
  accountStates,
  type CabinetAnswers,
  cabinetAnswers,
  countRows,
  type FixtureExpect,
  radiusAnswers,
  radiusRequests,
  RELEASES_DIR,
} from '../server/test/release-fixture.js';
import { TOTP_STAFF, workADay } from '../server/test/release-fixture-day.js';
import { version } from '../server/version.js';

/** Test values, fixed so the upgrade test opens what was sealed with them. Never use them anywhere real. */
const APP_SECRET = 'release-fixture-app-secret-TEST-VALUE-not-a-real-secret';
const RADIUS_API_KEY = 'release-fixture-radius-key-TEST-VALUE';
/** The day's NAS: CoA and Disconnect-Requests go to a fake NAS listening at its address. */
const NAS = { address: '127.0.0.2', secret: 'fixture-nas-secret' };

const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const dbName = `abonent_release_fixture_${process.pid}`;
const url = withDbName(serverUrl, dbName);
const work = mkdtempSync(join(tmpdir(), 'abonent-release-fixture-'));
const filesDir = join(work, 'support-files');

await withAdmin(serverUrl, async (c) => {
  await c.query(`CREATE DATABASE ${dbName}`);
  // A scratch database: its commits need not wait for the disk (the demo's history is thousands of them).
  await c.query(`ALTER DATABASE ${dbName} SET synchronous_commit = off`);
});
const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
let open = true;
let app: FastifyInstance | null = null;
let fake: Awaited<ReturnType<typeof startFakeNas>> | null = null;
try {
  await runMigrations(database);
  const db = database.db;
  log('demo data: three months of billing, office payments, network sessions (ending yesterday)');
  const demo = await seedDemo(db, { appSecret: APP_SECRET, now: new Date(Date.now() - 86_400_000) });

  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APP_SECRET,
    RADIUS_API_KEY,
    DATA_DIR: join(work, 'data'),
    SUPPORT_FILES_DIR: filesDir,
  });
  const running = await buildApp({ config, database });
  app = running;
  await running.listen({ port: 0, host: '127.0.0.1' });
  // The test acquirer's notifications come back to the webhook over HTTP.
  config.publicUrl = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  const worker = new JobWorker(running.deps, allJobs);
  fake = await startFakeNas({ secret: NAS.secret, host: NAS.address });
  const day = await workADay({
    app: running,
    demo,
    drain: () => worker.drain(),
    radiusApiKey: RADIUS_API_KEY,
    nas: { ...NAS, fake },
    log,
  });

  log('recording what the cabinet and the RADIUS API answer');
  const zones = await queryRows<{ number: string; time_zone: string }>(
    db,
    sql`select a.number, r.time_zone from accounts a join regions r on r.id = a.region_id`,
  );
  const period = (account: string) => {
    const to = todayIn(zones.find((z) => z.number === account)!.time_zone);
    return { from: addDays(to, -30), to };
  };
  const logins = [...day.subscribers.map((s) => s.pppoe), day.terminated].filter((l) => l !== null);
  const record = async () => {
    const cabinet: Record<string, CabinetAnswers> = {};
    for (const s of day.subscribers)
      cabinet[s.contract] = await cabinetAnswers(running, day.auth.get(s.contract)!, period(s.account));
    const asks = radiusRequests(logins, ['127.0.0.1', NAS.address]);
    const radius = await radiusAnswers(running.deps.network.api()!, RADIUS_API_KEY, NAS.address, asks);
    return { cabinet, radius };
  };
  // The first look marks answers read; the second is what every later look sees, and a third must agree.
  await record();
  const answers = await record();
  if (!isDeepStrictEqual(answers, await record())) throw new Error('the cabinet or RADIUS answers are not stable');

  await running.close();
  app = null;
  await fake.close();
  fake = null;

  const ledger = await verifyLedger(db, { full: true });
  if (ledger.mismatches.length > 0 || ledger.orphanEntries > 0) throw new Error(`ledger: ${JSON.stringify(ledger)}`);
  const expected: FixtureExpect = {
    version,
    madeAt: new Date().toISOString(),
    day: todayIn('Europe/Moscow'),
    appSecret: APP_SECRET,
    radiusApiKey: RADIUS_API_KEY,
    radiusNas: NAS.address,
    tables: await countRows(db),
    accounts: await accountStates(db),
    subscribers: day.subscribers,
    staff: [...demo.staff, { ...TOTP_STAFF, role: 'support', totpSecret: day.totpSecret }],
    cabinet: answers.cabinet,
    radius: answers.radius,
  };
  await database.close();
  open = false;

  log('pg_dump, the attachments directory, the expectations');
  const dump = gzipSync(
    execFileSync('pg_dump', ['--inserts', '--rows-per-insert=500', '--no-owner', '--no-privileges', '--dbname', url], {
      maxBuffer: 512 * 1024 * 1024,
    }),
    { level: 9 },
  );
  const out = (ext: string) => join(RELEASES_DIR, `${version}.${ext}`);
  writeFileSync(out('sql.gz'), dump);
  execFileSync('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-czf',
    out('files.tar.gz'),
    '-C',
    filesDir,
    '.',
  ]);
  writeFileSync(out('expect.json'), `${JSON.stringify(expected, null, 2)}\n`);
  log(`wrote ${out('sql.gz')} (${dump.length} bytes), ${out('files.tar.gz')}, ${out('expect.json')}`);
} finally {
  await app?.close().catch(() => {});
  await fake?.close().catch(() => {});
  if (open) await database.close().catch(() => {});
  await dropDatabase(serverUrl, dbName);
  rmSync(work, { recursive: true, force: true });
}
