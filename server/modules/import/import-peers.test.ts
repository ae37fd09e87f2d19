import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, dayParts, todayIn } from '../../../common/dates.js';
import { dailyShare, daysInMonth } from '../../../common/money.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { type FreeRadius, hasFreeRadius, radclient, startFreeRadius } from '../../test/freeradius.js';
import { ABILLS_KEY, fillAbills, fillUbilling, type PeerFixture } from '../../test/import-peer-fixtures.js';
import { hasMariaDb, type MariaDb, startMariaDb } from '../../test/mariadb.js';
import { networkTestConfig } from '../../test/network-factories.js';
import { runBilling } from '../billing/run-billing.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { decryptSecret } from '../network/network-crypto.js';
import { createImportRun } from './create-import-run.js';
import { createPasswordBatch, issueImportPasswords } from './issue-passwords.js';
import { parseMapping } from './mapping.js';
import { openMysqlSource } from './mysql-source.js';
import { abillsReader } from './read-abills.js';
import { ubillingReader } from './read-ubilling.js';
import { runImport } from './run-import.js';

/**
 * The Must-show of issue 23 on MariaDB from Debian, for both peers: their published schemas loaded into
 * a scratch server and filled with what real installs hold; dry run, mapping edited, real run, a second
 * run; then an imported subscriber signs in with a password from the letters, is charged the next day,
 * and authenticates through FreeRADIUS with the PPPoE password the old billing had.
 */
const PEERS = ['ubilling', 'abills'] as const;
type Peer = (typeof PEERS)[number];
let maria: MariaDb;
let t: TestContext;
let radiusd: FreeRadius | null = null;
const fixtures = {} as Record<Peer, PeerFixture>;

beforeAll(async () => {
  if (!hasMariaDb) throw new Error('MariaDB is not installed: npm test installs mariadb-server');
  maria = await startMariaDb();
  for (const peer of PEERS) {
    await maria.loadPeer(peer, peer);
    const c = await maria.connect(peer);
    try {
      fixtures[peer] = peer === 'ubilling' ? await fillUbilling(c) : await fillAbills(c);
    } finally {
      await c.end();
    }
  }
  t = await createTestApp(networkTestConfig());
}, 180_000);

afterAll(async () => {
  await radiusd?.stop();
  await t?.close();
  await maria?.stop();
});

async function reader(peer: Peer) {
  const src = await openMysqlSource(maria.url(peer));
  return peer === 'ubilling' ? ubillingReader(src) : abillsReader(src, ABILLS_KEY);
}

async function run(peer: Peer, dryRun: boolean, mapping: string | null) {
  const db = t.database.db;
  const { id } = await createImportRun(db, { kind: peer, dryRun, startedBy: 'cli' }, t.config.secrets);
  const report = await runImport(db, {
    runId: id,
    reader: await reader(peer),
    mapping: mapping ? parseMapping(mapping) : null,
    secret: t.config.secret,
    actor: { type: 'cli', id: 'test' },
  });
  const problems = await queryRows<{ severity: string; ref: string; source_id: string | null; reason: string }>(
    db,
    sql`select severity, ref, source_id, reason from import_problems where run_id = ${id} order by id`,
  );
  const [r] = await queryRows<{ mapping: string }>(db, sql`select mapping from import_runs where id = ${id}`);
  return { report, problems, mapping: r!.mapping };
}

const tableCounts = async () =>
  (
    await queryRows<Record<string, number>>(
      t.database.db,
      sql`select (select count(*) from accounts)::int8 as accounts, (select count(*) from ledger_entries)::int8 as entries,
             (select coalesce(sum(balance), 0) from accounts)::int8 as balances,
             (select count(*) from subscriptions)::int8 as subscriptions,
             (select count(*) from network_access)::int8 as network, (select count(*) from tariffs)::int8 as tariffs,
             (select count(*) from services)::int8 as services, (select count(*) from nas)::int8 as nas,
             (select count(*) from ip_addresses where subscription_id is not null)::int8 as addresses,
             (select count(*) from import_payment_history)::int8 as history`,
    )
  )[0]!;

describe.skipIf(!hasMariaDb)('import from the databases of Ubilling and ABillS (MariaDB)', () => {
  it('the source connection is read-only', async () => {
    const src = await openMysqlSource(maria.url('ubilling'));
    try {
      await expect(src.connection.query("INSERT INTO cashtype (cashtype) VALUES ('x')")).rejects.toThrow(/READ ONLY/);
    } finally {
      await src.close();
    }
  });

  describe.each(PEERS)('%s', (peer) => {
    let mapping = '';
    it('dry run lists every deliberately broken row with its place and reason, and writes nothing', async () => {
      const before = await tableCounts();
      const f = fixtures[peer];
      const r = await run(peer, true, null);
      expect(await tableCounts()).toEqual(before);
      const good = f.expected.filter((e) => e.kopecks !== null);
      expect(r.report.subscribers.toImport).toBe(good.length);
      expect(r.report.subscribers.refused).toBe(f.expected.length - good.length);
      expect(r.report.money.opening).toBe(good.reduce((a, e) => a + e.kopecks!, 0));
      for (const e of f.expected.filter((x) => x.reason))
        expect(r.problems, `${e.sourceId}: ${e.reason}`).toContainEqual(
          expect.objectContaining({ source_id: e.sourceId, reason: e.reason }),
        );
      for (const [reason, n] of Object.entries(f.payments.refused))
        expect(r.problems.filter((p) => p.reason === reason && p.ref.startsWith('payments'))).toHaveLength(n);
      expect(r.report.payments).toMatchObject({ toImport: f.payments.imported, amount: f.payments.amount });
      // The NAS has no secret in the source: the mapping asks for it.
      expect(r.problems).toContainEqual(expect.objectContaining({ reason: 'nas_no_secret' }));
      mapping = r.mapping;
    });

    it('real run after the mapping is edited: balances to the kopeck, logins, passwords and IPs carried; a second run changes nothing', async () => {
      const f = fixtures[peer];
      // The operator fills in the NAS's RADIUS secret between the dry run and the real one.
      const edited = mapping.replace(/secret: ""/, `secret: "${f.nasSecret}"`);
      expect(edited).not.toBe(mapping);
      const r = await run(peer, false, edited);
      const good = f.expected.filter((e) => e.kopecks !== null);
      expect(r.report.written?.accounts).toBe(good.length);
      expect(r.report.written?.payments).toBe(f.payments.imported);
      const rows = await queryRows<{
        source_id: string;
        balance: number;
        status: string;
        login: string | null;
        password_enc: string | null;
        ip: string | null;
        name: string;
      }>(
        t.database.db,
        sql`select l.source_id, a.balance, a.status, n.login, n.password_enc, host(n.static_ip) as ip, s.full_name as name
            from import_links l join accounts a on a.id = l.target_id join contracts c on c.id = a.contract_id
            join subscribers s on s.id = c.subscriber_id left join network_access n on n.account_id = a.id
            where l.source = ${peer} and l.kind = 'subscriber'`,
      );
      const byId = new Map(rows.map((x) => [x.source_id, x]));
      expect(rows).toHaveLength(good.length);
      for (const e of good) {
        const a = byId.get(e.sourceId)!;
        expect(a, e.sourceId).toBeDefined();
        expect(a.balance, `${e.sourceId} balance`).toBe(e.kopecks);
        expect(a.status, `${e.sourceId} status`).toBe(e.status);
        if (e.name) expect(a.name, `${e.sourceId} name`).toBe(e.name);
        if (e.status === 'terminated') {
          expect(a.login).toBeNull();
          continue;
        }
        expect(a.login, `${e.sourceId} login`).toBe(e.login);
        expect(decryptSecret('network-password', a.password_enc!, t.config.secret), `${e.sourceId} password`).toBe(
          e.password,
        );
        expect(a.ip, `${e.sourceId} ip`).toBe(e.ip ?? null);
      }
      expect((await verifyLedger(t.database.db, { full: true })).mismatches).toEqual([]);

      const before = await tableCounts();
      const again = await run(peer, false, edited);
      expect(await tableCounts()).toEqual(before);
      expect(again.report.subscribers).toMatchObject({ toImport: 0, alreadyImported: good.length });
    });
  });

  describe('an imported subscriber', () => {
    it('signs in with the password from the letters, is charged the next day, and authenticates through FreeRADIUS with the old PPPoE password', async () => {
      const db = t.database.db;
      for (const peer of PEERS) {
        const { id } = await createPasswordBatch(db, { source: peer, delivery: 'letters', staffId: null });
        const out = await issueImportPasswords(db, {
          batchId: id,
          portalUrl: 'https://lk.example.net',
          actor: { type: 'cli', id: 'test' },
        });
        expect(out.pdf).not.toBeNull();
        const dir = mkdtempSync(join(tmpdir(), 'abonent-letters-'));
        writeFileSync(join(dir, 'letters.pdf'), out.pdf!);
        const text = execFileSync('pdftotext', ['-layout', join(dir, 'letters.pdf'), '-'], { encoding: 'utf8' });
        const star = fixtures[peer].star;
        const [acc] = await queryRows<{ contract: string; account_id: number }>(
          db,
          sql`select c.number as contract, a.id as account_id from import_links l join accounts a on a.id = l.target_id
              join contracts c on c.id = a.contract_id
              where l.source = ${peer} and l.kind = 'subscriber' and l.source_id = ${star.sourceId}`,
        );
        // The star's page: its contract number, then its password on the next line of the letter.
        const page = text.split('\f').find((p) => p.includes(acc!.contract))!;
        const password = /Пароль:\s+(\S+)/.exec(page)![1]!;
        expect(page).toContain(star.login);
        const login = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { contract: acc!.contract, password },
        });
        expect(login.statusCode, login.body).toBe(200);
        expect(login.json().mustChangePassword).toBe(true);
      }

      // The next day's billing run charges the imported plans (the import day was the old billing's).
      const [region] = await queryRows<{ id: number; time_zone: string }>(
        db,
        sql`select id, time_zone from regions where code = 'main'`,
      );
      const today = todayIn(region!.time_zone);
      const tomorrow = addDays(today, 1);
      await runBilling(db, { until: tomorrow, now: new Date(Date.now() + 86_400_000) });
      const { year, month, day } = dayParts(tomorrow);
      for (const peer of PEERS) {
        const star = fixtures[peer].star;
        const [charge] = await queryRows<{ amount: number; day: string }>(
          db,
          sql`select e.amount, e.effective_on as day from ledger_entries e
              join subscriptions s on s.id = e.subscription_id and s.kind = 'tariff'
              join import_links l on l.target_id = e.account_id and l.source = ${peer} and l.kind = 'subscriber'
              where l.source_id = ${star.sourceId} and e.kind = 'charge'`,
        );
        expect(charge, peer).toEqual({
          amount: -dailyShare(star.monthlyFee, day, daysInMonth(year, month)),
          day: tomorrow,
        });
      }
      const todays = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int8 as n from ledger_entries where kind = 'charge' and effective_on = ${today}::date`,
      );
      expect(todays[0]!.n).toBe(0);

      if (!hasFreeRadius)
        throw new Error('FreeRADIUS is not installed: npm test installs freeradius and freeradius-utils');
      const api = await t.app.deps.network.api()!.listen({ port: 0, host: '127.0.0.1' });
      radiusd = await startFreeRadius({ abonentUrl: api, apiKey: t.config.RADIUS_API_KEY! });
      const secret = fixtures.ubilling.nasSecret;
      for (const peer of PEERS) {
        const star = fixtures[peer].star;
        const deadline = Date.now() + 15_000;
        while (!t.app.deps.network.directory!.byLoginName(star.login) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        const pap = await radclient(radiusd.authPort, 'auth', secret, {
          'User-Name': star.login,
          'User-Password': star.password,
        });
        expect(pap.code, `${peer} PAP`).toBe('Access-Accept');
        expect(pap.attributes['Framed-IP-Address']).toEqual([star.ip]);
        const chap = await radclient(radiusd.authPort, 'auth', secret, {
          'User-Name': star.login,
          'CHAP-Password': star.password,
        });
        expect(chap.code, `${peer} CHAP`).toBe('Access-Accept');
        const wrong = await radclient(radiusd.authPort, 'auth', secret, {
          'User-Name': star.login,
          'User-Password': 'not-the-old-one',
        });
        expect(wrong.code).toBe('Access-Reject');
      }
    });
  });
});
