import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { sleep } from '../../test/cluster.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { type FreeRadius, hasFreeRadius, startFreeRadius } from '../../test/freeradius.js';
import { chapAttributes, nasRequest } from '../../test/nas-client.js';
import { buildNas, buildNetworkAccess } from '../../test/network-factories.js';
import { RadiusProcess } from '../../test/radius-process.js';

/**
 * Issue 25, Must show: Abonent killed (SIGKILL) under load. FreeRADIUS (deploy/freeradius as shipped)
 * keeps answering: subscribers it accepted before are accepted from its cache — paid ones as usual,
 * debtors redirected — and nobody it never saw; accounting goes to its buffer file and is replayed when
 * Abonent is back, so no record the NAS was told was stored is missing; the answers it gave from its cache
 * are reported too. Abonent runs as operators run it next to FreeRADIUS: its own process, ROLE=radius.
 * PostgreSQL only (the killed process and the test share the database).
 */
const url = process.env.DATABASE_URL;
const SECRET = 'nas-secret-kill';
const APP_SECRET = 'abonent-killed-app-secret-0123456789';
const API_KEY = 'abonent-killed-radius-key-0123';
const PAID = 30;
const DEBTORS = 10;

interface Sub {
  accountId: number;
  login: string;
  password: string;
  debtor: boolean;
}

type Phase = 'before' | 'outage' | 'after';

describe.skipIf(!url || !hasFreeRadius)('Abonent killed under load (PostgreSQL and FreeRADIUS)', () => {
  let database: Database;
  let abonent: RadiusProcess;
  let radiusd: FreeRadius;
  const subs: Sub[] = [];
  let newcomer: Sub;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    const db = database.db;
    const { region } = await buildSubscriber(db);
    await buildNas(db, { regionId: region.id, appSecret: APP_SECRET, address: '127.0.0.1', secret: SECRET });
    const add = async (debtor: boolean): Promise<Sub> => {
      const s = await buildSubscriber(db, {
        regionId: region.id,
        balance: debtor ? -5_000 : 50_000,
        status: debtor ? 'blocked' : 'active',
      });
      const a = await buildNetworkAccess(db, { accountId: s.account.id, appSecret: APP_SECRET });
      return { accountId: s.account.id, login: a.login!, password: a.password, debtor };
    };
    for (let i = 0; i < PAID + DEBTORS; i++) subs.push(await add(i >= PAID));
    newcomer = await add(false);
    abonent = await RadiusProcess.create('radius-a', {
      DATABASE_URL: (database.pool!.options as { connectionString: string }).connectionString,
      DATABASE_POOL_SIZE: '4',
      APP_SECRET,
      RADIUS_API_KEY: API_KEY,
      RADIUS_CACHE_SECONDS: '3600',
    });
    await abonent.start();
    radiusd = await startFreeRadius({ abonentUrl: abonent.url, apiKey: API_KEY });
  }, 180_000);

  afterAll(async () => {
    await radiusd?.stop();
    await abonent?.dispose();
    await database?.close();
  }, 60_000);

  it(
    'answers from its cache (paid in, debtors redirected), buffers accounting and loses none of it',
    { timeout: 300_000 },
    async () => {
      let phase: Phase = 'before';
      const counts = {
        before: { accept: 0, redirect: 0, reject: 0, none: 0, acctSent: 0, acctAcked: 0 },
        outage: { accept: 0, redirect: 0, reject: 0, none: 0, acctSent: 0, acctAcked: 0 },
        after: { accept: 0, redirect: 0, reject: 0, none: 0, acctSent: 0, acctAcked: 0 },
      };
      const wrong: string[] = [];
      /** Sessions whose Start, and whose Stop, the NAS was told were stored. */
      const started = new Map<string, number>();
      const stopped = new Set<string>();
      const open = new Map<number, string>();

      const acct = async (s: Sub, sid: string, status: 'Start' | 'Stop', klass: Buffer, p: Phase) => {
        counts[p].acctSent++;
        const r = await nasRequest({
          port: radiusd.acctPort,
          secret: SECRET,
          code: 'Accounting-Request',
          attributes: [
            ['User-Name', s.login],
            ['Acct-Status-Type', status],
            ['Acct-Session-Id', sid],
            ['Framed-Protocol', 'PPP'],
            ['Framed-IP-Address', `100.64.${Math.floor(s.accountId / 250) % 250}.${(s.accountId % 250) + 1}`],
            ['Class', klass],
            ...(status === 'Stop'
              ? ([
                  ['Acct-Session-Time', 5],
                  ['Acct-Terminate-Cause', 'User-Request'],
                ] as const)
              : []),
          ] as [string, string | number | Buffer][],
          timeoutMs: 2000,
        });
        if (r.code === 'Accounting-Response') {
          counts[p].acctAcked++;
          if (status === 'Start') started.set(sid, s.accountId);
          else stopped.add(sid);
        }
      };

      /** One subscriber reconnects: a new session after the last one's Stop. */
      const reconnect = async (s: Sub, round: number) => {
        const p = phase;
        const chap = round % 2 === 1;
        const r = await nasRequest({
          port: radiusd.authPort,
          secret: SECRET,
          code: 'Access-Request',
          attributes: [
            ['User-Name', s.login],
            ...(chap ? chapAttributes(s.password) : [['User-Password', s.password] as [string, string]]),
            ['Calling-Station-Id', `02:00:00:00:${(s.accountId >> 8) & 255}:${s.accountId & 255}`],
            ['NAS-Port-Type', 'Ethernet'],
          ],
          timeoutMs: 3000,
        });
        if (r.code === 'none') return void counts[p].none++;
        if (r.code !== 'Access-Accept') {
          counts[p].reject++;
          return void wrong.push(`${p} ${s.login}${s.debtor ? ' (debtor)' : ''}: ${r.code}`);
        }
        const vsa = (r.attributes['Vendor-Specific'] ?? {}) as Record<string, unknown>;
        const list = vsa['Mikrotik-Address-List'];
        if (list !== (s.debtor ? 'abonent-debtors' : 'abonent-active'))
          wrong.push(`${p} ${s.login}: list ${String(list)}`);
        if (s.debtor) counts[p].redirect++;
        else counts[p].accept++;
        const klass = r.attributes.Class as Buffer;
        const last = open.get(s.accountId);
        if (last) await acct(s, last, 'Stop', klass, p);
        const sid = `kill-${round}-${s.accountId}`;
        open.set(s.accountId, sid);
        await acct(s, sid, 'Start', klass, p);
      };

      // Before: everyone connects once (and is cached), except the newcomer.
      let round = 0;
      let running = true;
      const loadStart = Date.now();
      const load = (async () => {
        while (running) {
          round++;
          // Each subscriber reconnects about once a second (a NAS after its reboot, a flapping access switch).
          const pace = sleep(1000);
          const queue = [...subs];
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              for (let s = queue.shift(); s; s = queue.shift()) await reconnect(s, round);
            }),
          );
          await pace;
        }
      })();
      while (round < 3) await sleep(50);

      // Killed outright, in the middle of the load.
      const killedAt = Date.now();
      await abonent.stop('SIGKILL');
      phase = 'outage';
      const outageStart = Date.now();
      const roundAtKill = round;
      const neverSeen = await nasRequest({
        port: radiusd.authPort,
        secret: SECRET,
        code: 'Access-Request',
        attributes: [
          ['User-Name', newcomer.login],
          ['User-Password', newcomer.password],
        ],
      });
      // 8 s: the buffer readers (sites-enabled/abonent-buffer, retry_interval = 5) find Abonent gone at
      // least twice, and every subscriber reconnects three times or more.
      while (Date.now() - outageStart < 8_000 || round < roundAtKill + 3) await sleep(100);

      // Back (the same data directory), with the load still on. The outage phase ends as the process is
      // started: it listens before start() returns, and a request it answers itself (the directory
      // loading) is no answer from the cache.
      phase = 'after';
      await abonent.start();
      const backAt = Date.now();
      // From the kill until the restarted process answers (its start and the directory's first read included).
      const outageSeconds = (backAt - outageStart) / 1000;
      const roundBack = round;
      while (round < roundBack + 2) await sleep(100);
      running = false;
      await load;
      // Everyone hangs up.
      for (const s of subs) {
        const sid = open.get(s.accountId);
        if (sid) await acct(s, sid, 'Stop', Buffer.from(`abonent:${s.accountId}`), 'after');
      }

      // The buffer is replayed: every Start and Stop the NAS was told was stored is in the database.
      const db = database.db;
      const findings = async () => {
        const rows = await queryRows<{ sid: string; stopped: boolean; account_id: number | null }>(
          db,
          sql`select acct_session_id as sid, stopped_at is not null as stopped, account_id
            from radius_sessions where acct_session_id like 'kill-%'`,
        );
        const bySid = new Map(rows.map((r) => [r.sid, r]));
        const missingStarts = [...started.keys()].filter((sid) => !bySid.has(sid));
        const missingStops = [...stopped].filter((sid) => !bySid.get(sid)?.stopped);
        const [cached] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from radius_auth_log where detail = 'cache' and result = 'accept'`,
        );
        return { missingStarts, missingStops, cacheReported: cached!.n, rows };
      };
      const replayFrom = Date.now();
      let f = await findings();
      while (
        (f.missingStarts.length > 0 ||
          f.missingStops.length > 0 ||
          f.cacheReported < counts.outage.accept + counts.outage.redirect) &&
        Date.now() - replayFrom < 90_000
      ) {
        await sleep(500);
        f = await findings();
      }

      const figures = {
        test: 'abonent-killed',
        subscribers: { paid: PAID, debtors: DEBTORS },
        outage_seconds: Math.round(outageSeconds * 10) / 10,
        load_before_kill_ms: killedAt - loadStart,
        outage: {
          accepted_from_cache: counts.outage.accept,
          redirected_from_cache: counts.outage.redirect,
          rejected: counts.outage.reject,
          unanswered: counts.outage.none,
          accounting_sent: counts.outage.acctSent,
          accounting_acknowledged: counts.outage.acctAcked,
        },
        before: counts.before,
        after: counts.after,
        newcomer_during_outage: neverSeen.code,
        accounting_acknowledged: started.size + stopped.size,
        accounting_lost: f.missingStarts.length + f.missingStops.length,
        cache_answers_reported: f.cacheReported,
        replayed_within_ms: Date.now() - backAt,
      };
      console.log(JSON.stringify(figures));

      expect(wrong).toEqual([]);
      // Through the outage every known subscriber got an answer from the cache, in each of several rounds.
      expect(counts.outage.accept).toBeGreaterThanOrEqual(PAID * 3);
      expect(counts.outage.redirect).toBeGreaterThanOrEqual(DEBTORS * 3);
      expect(counts.outage.reject + counts.outage.none).toBe(0);
      expect(counts.before.none + counts.after.none).toBe(0);
      // Nobody the cache never saw gets in.
      expect(neverSeen.code).toBe('Access-Reject');
      // Accounting: acknowledged during the outage (to the buffer), and none of it lost.
      expect(counts.outage.acctAcked).toBe(counts.outage.acctSent);
      expect(counts.outage.acctAcked).toBeGreaterThan(0);
      expect(f.missingStarts).toEqual([]);
      expect(f.missingStops).toEqual([]);
      expect(f.rows.every((r) => r.account_id !== null)).toBe(true);
      // Every answer given from the cache is in Abonent's post-auth log once it is back (some requests sent
      // just before the kill, or just after the restart before FreeRADIUS reconnected, were answered from
      // it too).
      expect(f.cacheReported).toBeGreaterThanOrEqual(counts.outage.accept + counts.outage.redirect);
    },
  );
});
