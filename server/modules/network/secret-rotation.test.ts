import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resealSecrets } from '../../crypto/reseal-secrets.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Database, queryRows } from '../../db/client.js';
import { CoaClient } from '../../integrations/radius/coa-client.js';
import { sleep } from '../../test/cluster.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { startFakeNas } from '../../test/fakes/nas.js';
import { type FreeRadius, hasFreeRadius, startFreeRadius } from '../../test/freeradius.js';
import { chapAttributes, nasRequest } from '../../test/nas-client.js';
import { buildNas, buildNetworkAccess } from '../../test/network-factories.js';
import { RadiusProcess } from '../../test/radius-process.js';
import { loadCoaJobs, sendCoaJobs } from './send-coa.js';

/**
 * Issue 22, Must show: APP_SECRET rotated while FreeRADIUS authenticates and CoA runs, as docs/deploy.md
 * ("Rotating APP_SECRET") tells the operator — a rolling restart of both RADIUS endpoints with the new
 * secret and the old one in APP_SECRET_PREVIOUS, `abonent secrets reseal`, a second rolling restart with
 * the new secret alone — gives 0 rejects and 0 failed CoA. PPPoE passwords and the NAS secret were sealed
 * with the old secret. FreeRADIUS's own cache is off (RADIUS_CACHE_SECONDS=0): every answer comes from an
 * Abonent endpoint. The CoA sender uses the keys the worker process has at each step.
 * PostgreSQL only (the endpoints and the test share the database).
 */
const url = process.env.DATABASE_URL;
const OLD = 'rotation-old-app-secret-0123456789';
const NEW = 'rotation-new-app-secret-9876543210';
const API_KEY = 'rotation-radius-key-0123456789';
const NAS_SECRET = 'nas-secret-rotation';
const SUBSCRIBERS = 20;

interface Sub {
  accountId: number;
  login: string;
  password: string;
  sessionId: number;
  sid: string;
}

describe.skipIf(!url || !hasFreeRadius)('APP_SECRET rotation under RADIUS traffic (PostgreSQL and FreeRADIUS)', () => {
  let database: Database;
  let a: RadiusProcess;
  let b: RadiusProcess;
  let radiusd: FreeRadius;
  let das: Awaited<ReturnType<typeof startFakeNas>>;
  let nasId: number;
  const subs: Sub[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    const db = database.db;
    das = await startFakeNas({ secret: NAS_SECRET, requireMessageAuthenticator: true });
    const { region } = await buildSubscriber(db);
    const nas = await buildNas(db, {
      regionId: region.id,
      appSecret: OLD,
      address: '127.0.0.1',
      secret: NAS_SECRET,
      coaPort: das.port,
    });
    nasId = nas.id;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const s = await buildSubscriber(db, { regionId: region.id, balance: 50_000 });
      const acc = await buildNetworkAccess(db, { accountId: s.account.id, appSecret: OLD });
      const sid = `rot-${s.account.id}`;
      const [row] = await queryRows<{ id: number }>(
        db,
        sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
            values ('127.0.0.1', ${sid}, ${acc.login}, ${s.account.id}, now() - interval '5 minutes', now())
            returning id`,
      );
      subs.push({ accountId: s.account.id, login: acc.login!, password: acc.password, sessionId: row!.id, sid });
    }
    const env = {
      DATABASE_URL: (database.pool!.options as { connectionString: string }).connectionString,
      DATABASE_POOL_SIZE: '3',
      APP_SECRET: OLD,
      RADIUS_API_KEY: API_KEY,
      RADIUS_CACHE_SECONDS: '0',
      // Each restart serves 1 s after SIGTERM instead of the default 5: FreeRADIUS does not watch
      // readiness, so the drain only delays the moment it fails over, which is what is tested.
      SHUTDOWN_DRAIN_SECONDS: '1',
    };
    a = await RadiusProcess.create('radius-a', env);
    b = await RadiusProcess.create('radius-b', env);
    await Promise.all([a.start(), b.start()]);
    radiusd = await startFreeRadius({ abonentUrl: a.url, secondaryUrl: b.url, apiKey: API_KEY });
  }, 240_000);

  afterAll(async () => {
    await radiusd?.stop();
    await a?.dispose();
    await b?.dispose();
    await das?.close();
    await database?.close();
  }, 60_000);

  it(
    'a rolling restart with the new secret, reseal, and the old one dropped: 0 rejects, 0 failed CoA',
    { timeout: 420_000 },
    async () => {
      const db = database.db;
      const auth = { accept: 0, reject: 0, none: 0 };
      const coa = { ack: 0, failed: 0 };
      const wrong: string[] = [];
      // What the worker process that sends CoA holds at each step of the rotation.
      let workerKeys: SecretKeys = { current: OLD, previous: [] };
      const sender = new CoaClient({ timeoutMs: 1000, tries: 3 });

      const login = async (s: Sub, round: number) => {
        const r = await nasRequest({
          port: radiusd.authPort,
          secret: NAS_SECRET,
          code: 'Access-Request',
          attributes: [
            ['User-Name', s.login],
            ...(round % 2 === 1 ? chapAttributes(s.password) : [['User-Password', s.password] as [string, string]]),
            ['NAS-Port-Type', 'Ethernet'],
          ],
          timeoutMs: 3000,
        });
        if (r.code === 'Access-Accept') auth.accept++;
        else if (r.code === 'none') {
          auth.none++;
          wrong.push(`${s.login}: no answer`);
        } else {
          auth.reject++;
          wrong.push(`${s.login}: ${r.code}`);
        }
      };
      const changeOfAuthorization = async (s: Sub) => {
        const [req] = await queryRows<{ id: number }>(
          db,
          sql`insert into coa_requests (account_id, session_id, nas_id, kind, reason, attributes)
            values (${s.accountId}, ${s.sessionId}, ${nasId}, 'coa', 'tariff',
                    ${JSON.stringify([
                      ['User-Name', s.login],
                      ['Acct-Session-Id', s.sid],
                    ])}::jsonb)
            returning id`,
        );
        const jobs = await loadCoaJobs(db, sql`r.id = ${req!.id}`);
        const [result] = await sendCoaJobs(db, sender, workerKeys, jobs);
        if (result?.status === 'ack') coa.ack++;
        else {
          coa.failed++;
          wrong.push(`CoA ${s.login}: ${result?.status ?? 'none'} ${result?.error ?? ''}`);
        }
      };

      let running = true;
      let round = 0;
      const load = (async () => {
        while (running) {
          round++;
          const pace = sleep(500);
          const queue = [...subs];
          await Promise.all(
            Array.from({ length: 4 }, async () => {
              for (let s = queue.shift(); s; s = queue.shift()) await login(s, round);
            }),
          );
          await changeOfAuthorization(subs[round % subs.length]!);
          await pace;
        }
      })();
      const rounds = async (n: number) => {
        const until = round + n;
        while (round < until) await sleep(50);
      };

      await rounds(2);
      // 1. Rolling restart: each endpoint in turn with the new secret and the old one for reading.
      await a.restartWith({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD });
      await rounds(2);
      await b.restartWith({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD });
      workerKeys = { current: NEW, previous: [OLD] }; // the worker restarted the same way
      await rounds(2);
      // 2. `abonent secrets reseal` while the traffic goes on.
      const counts = await resealSecrets(db, { current: NEW, previous: [OLD] });
      expect(counts).toMatchObject({ 'PPPoE passwords': SUBSCRIBERS, 'NAS secrets': 1 });
      await rounds(2);
      // 3. The old secret dropped: a second rolling restart with the new one alone.
      await a.restartWith({ APP_SECRET_PREVIOUS: undefined });
      await rounds(2);
      await b.restartWith({ APP_SECRET_PREVIOUS: undefined });
      workerKeys = { current: NEW, previous: [] };
      await rounds(3);
      running = false;
      await load;

      expect(wrong).toEqual([]);
      expect(auth.reject).toBe(0);
      expect(auth.none).toBe(0);
      expect(coa.failed).toBe(0);
      // Every step saw traffic: about 20 logins and one CoA a round, 15 rounds or more.
      expect(auth.accept).toBeGreaterThanOrEqual(SUBSCRIBERS * 15);
      expect(coa.ack).toBeGreaterThanOrEqual(15);
      // The NAS got every CoA, signed with the secret it has.
      expect(das.received.length).toBeGreaterThanOrEqual(coa.ack);
    },
  );
});
