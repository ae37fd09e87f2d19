import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../config.js';
import { type Database, openDatabase, queryRows } from '../../db/client.js';
import { buildApp } from '../../test/app.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { type FreeRadius, hasFreeRadius, radclient, startFreeRadius } from '../../test/freeradius.js';
import { buildNas, buildNetworkAccess, networkTestConfig } from '../../test/network-factories.js';
import { startTcpProxy } from '../../test/tcp-proxy.js';

/**
 * Issue 14: "the database stopped for 30 s does not stop authorization and loses no accounting record".
 * The app reaches PostgreSQL through a TCP relay that the test cuts for 12 s (the shared server keeps
 * running for everyone else): nothing in the app counts the outage's length, and 12 s spans every wait
 * it meets several times over — the 3 s write timeout, the 2 s spool retry, the 1 s LISTEN reconnect —
 * where 30 s only added 18 s to every run. Meanwhile FreeRADIUS keeps asking: Access-Requests are answered from the
 * in-memory directory, post-auth and accounting go to the spool; when the relay is back the spool is
 * written and every record is in the database. PostgreSQL only: PGlite runs inside the app process
 * and cannot become unreachable.
 */
const OUTAGE_MS = 12_000;
const SECRET = 'nas-secret-outage';
const onPostgres = Boolean(process.env.DATABASE_URL);

let direct: Database;
let viaProxy: Database;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let app: FastifyInstance;
let radiusd: FreeRadius;

beforeAll(async () => {
  if (!onPostgres || !hasFreeRadius) return;
  direct = await createTestDatabase();
  const url = new URL((direct.pool!.options as { connectionString: string }).connectionString);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.port = String(proxy.port);
  url.hostname = '127.0.0.1';
  viaProxy = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...networkTestConfig() };
  app = await buildApp({ config, database: viaProxy });
  const api = await app.deps.network.api()!.listen({ port: 0, host: '127.0.0.1' });
  radiusd = await startFreeRadius({ abonentUrl: api, apiKey: config.RADIUS_API_KEY! });
}, 120_000);

afterAll(async () => {
  await radiusd?.stop();
  await proxy?.start();
  await app?.close();
  await viaProxy?.close();
  await direct?.close();
  await proxy?.stop();
}, 60_000);

describe.skipIf(!onPostgres || !hasFreeRadius)('the database unreachable for 12 seconds', () => {
  it('keeps authorizing from memory and loses no post-auth or accounting record', { timeout: 150_000 }, async () => {
    const db = direct.db;
    const { region } = await buildSubscriber(db);
    await buildNas(db, {
      regionId: region.id,
      appSecret: app.deps.config.secret,
      address: '127.0.0.1',
      secret: SECRET,
    });
    const subs: (Awaited<ReturnType<typeof buildSubscriber>> & { login: string; password: string })[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await buildSubscriber(db, { regionId: region.id, balance: 10_000 });
      const a = await buildNetworkAccess(db, { accountId: s.account.id, appSecret: app.deps.config.secret });
      subs.push({ ...s, login: a.login!, password: a.password });
    }
    const dir = app.deps.network.directory!;
    const deadline = Date.now() + 20_000;
    while (subs.some((s) => !dir.byLoginName(s.login)) || !dir.nasAt('127.0.0.1')) {
      if (Date.now() > deadline) throw new Error('directory did not load');
      await new Promise((r) => setTimeout(r, 50));
    }
    const auth = (s: (typeof subs)[number]) =>
      radclient(radiusd.authPort, 'auth', SECRET, { 'User-Name': s.login, 'User-Password': s.password });
    const acct = (s: (typeof subs)[number], n: number, status: string) =>
      radclient(radiusd.acctPort, 'acct', SECRET, {
        'User-Name': s.login,
        'Acct-Session-Id': `outage-${s.account.id}`,
        'Acct-Status-Type': status,
        'Acct-Session-Time': n * 10,
        'Acct-Input-Octets': n * 1000,
        'Acct-Output-Octets': n * 7000,
        'Framed-Protocol': 'PPP',
        'Framed-IP-Address': `100.64.9.${subs.indexOf(s) + 1}`,
      });

    // Online before the outage.
    for (const s of subs) {
      expect((await auth(s)).code).toBe('Access-Accept');
      expect((await acct(s, 0, 'Start')).code).toBe('Accounting-Response');
    }

    await proxy.stop();
    const cutAt = Date.now();
    let round = 0;
    const accepted: string[] = [];
    while (Date.now() - cutAt < OUTAGE_MS) {
      round++;
      for (const s of subs) {
        const a = await auth(s);
        expect(a.code, `round ${round}, ${Math.round((Date.now() - cutAt) / 1000)} s into the outage`).toBe(
          'Access-Accept',
        );
        accepted.push(s.login);
        const r = await acct(s, round, 'Interim-Update');
        expect(r.code).toBe('Accounting-Response');
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(app.deps.network.acctWriter!.databaseDown).toBe(true);
    // The last records of the outage are the sessions' Stops.
    round++;
    for (const s of subs) expect((await acct(s, round, 'Stop')).code).toBe('Accounting-Response');
    expect(app.deps.network.acctWriter!.stats.spooled).toBeGreaterThan(0);

    await proxy.start();
    const back = Date.now() + 60_000;
    for (;;) {
      const [row] = await queryRows<{ stopped: number; auth: number }>(
        db,
        sql`select (select count(*) from radius_sessions where acct_session_id like 'outage-%' and stopped_at is not null)::int as stopped,
                   (select count(*) from radius_auth_log where result = 'accept' and username in (${sql.join(
                     subs.map((s) => sql`${s.login}`),
                     sql`, `,
                   )}))::int as auth`,
      );
      if ((row!.stopped === subs.length && row!.auth === subs.length + accepted.length) || Date.now() > back) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const sessions = await queryRows<{
      acct_session_id: string;
      session_seconds: number;
      input_bytes: number;
      output_bytes: number;
      stopped: boolean;
    }>(
      db,
      sql`select acct_session_id, session_seconds, input_bytes, output_bytes, stopped_at is not null as stopped
          from radius_sessions where acct_session_id like 'outage-%' order by acct_session_id`,
    );
    expect(sessions).toEqual(
      subs
        .map((s) => ({
          acct_session_id: `outage-${s.account.id}`,
          session_seconds: round * 10,
          input_bytes: round * 1000,
          output_bytes: round * 7000,
          stopped: true,
        }))
        .sort((a, b) => a.acct_session_id.localeCompare(b.acct_session_id)),
    );
    const [authRows] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from radius_auth_log where result = 'accept' and username in (${sql.join(
        subs.map((s) => sql`${s.login}`),
        sql`, `,
      )})`,
    );
    expect(authRows!.n).toBe(subs.length + accepted.length);
    expect(round).toBeGreaterThan(5);
  });
});
