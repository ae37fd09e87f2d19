import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { uuid7 } from '../../crypto/uuid7.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildSubscriber } from '../../test/factories.js';
import { buildNas, buildNetworkAccess, networkTestConfig, radiusAuth } from '../../test/network-factories.js';
import { radiusRequest } from '../../test/radius-client.js';
import { restValues } from '../../test/rest-answer.js';
import { BatchWriter } from './batch-writer.js';
import type { NetworkDirectory } from './directory.js';
import type { NetworkRuntime } from './network-runtime.js';
import { RadiusApi } from './radius-api.js';
import { Spool } from './spool.js';
import { type AuthRecord, writeAuthRecords } from './write-radius-records.js';

/**
 * The rlm_rest endpoints through HTTP (app.inject), with bodies as FreeRADIUS 3.2's rlm_rest sends
 * them (`body = 'json'`: {"Attr": {"type": …, "value": […]}}) — the real FreeRADIUS is in
 * freeradius.test.ts.
 */
let t: TestContext;
let nasAddress: string;
let regionId: number;
beforeAll(async () => {
  t = await createTestApp(networkTestConfig());
  const { region } = await buildSubscriber(t.database.db);
  regionId = region.id;
  nasAddress = (await buildNas(t.database.db, { regionId, appSecret: t.config.secret, vendor: 'mikrotik' })).address;
});
afterAll(() => t.close());

const j = (attrs: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'string', value: [v] }]));

const api = () => t.app.deps.network.api()!;

async function call(path: string, body: object, query = `nas=${nasAddress}`) {
  return radiusRequest(api(), {
    method: 'POST',
    url: `/api/radius/${path}?${query}`,
    headers: radiusAuth(),
    payload: body,
  });
}

/** Changes reach the directory by NOTIFY: wait until the authorize answer shows them. */
async function authorizeUntil(
  attrs: Record<string, string | number>,
  ok: (res: Awaited<ReturnType<typeof call>>) => boolean,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await call('authorize', j(attrs));
    if (ok(res) || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Post-auth lines are logged after the answer (batched for ~20 ms): the rows of a query once there are
 * `n` of them, or what there is after 5 s.
 */
async function logged<T>(query: ReturnType<typeof sql>, n: number): Promise<T[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const rows = await queryRows<T>(t.database.db, query);
    if (rows.length >= n || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('rlm_rest endpoints', () => {
  it('refuse a caller without the key, and malformed bodies, with a JSON error', async () => {
    const none = await radiusRequest(api(), {
      method: 'POST',
      url: `/api/radius/authorize?nas=${nasAddress}`,
      payload: {},
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('radius_unauthorized');
    const wrong = await radiusRequest(api(), {
      method: 'POST',
      url: `/api/radius/accounting?nas=${nasAddress}`,
      headers: radiusAuth('another-key-0123456789'),
      payload: {},
    });
    expect(wrong.statusCode).toBe(403);
    const bad = await call('authorize', { 'User-Name': 'bob' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const badNas = await call('authorize', j({ 'User-Name': 'x' }), 'nas=not-an-ip');
    expect(badNas.statusCode).toBe(400);
    // What a plain HTTP handler must refuse by itself: no JSON, too much of it, a prototype key, no route.
    const raw = (payload: string, headers: Record<string, string> = {}) =>
      radiusRequest(api(), {
        method: 'POST',
        url: `/api/radius/authorize?nas=${nasAddress}`,
        headers: { ...radiusAuth(), 'content-type': 'application/json', ...headers },
        payload,
      });
    for (const res of [
      await raw('{"User-Name": {"value": ["x"]', {}),
      await raw(JSON.stringify(j({ 'User-Name': 'x' })), { 'content-type': 'text/plain' }),
      await raw('{"__proto__": {"value": ["x"]}}'),
    ]) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const huge = await raw(JSON.stringify(j({ 'User-Name': 'x'.repeat(70_000) })));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const nowhere = await radiusRequest(api(), {
      method: 'POST',
      url: '/api/radius/nowhere',
      headers: radiusAuth(),
      payload: {},
    });
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json().error.code).toBe('route_not_found');
  });

  it("checks a PPPoE password (PAP, CHAP) itself and answers with the tariff's speed", async () => {
    const s = await buildSubscriber(t.database.db, { regionId });
    const a = await buildNetworkAccess(t.database.db, {
      accountId: s.account.id,
      appSecret: t.config.secret,
      password: 'pa%{User-Name}ss',
    });
    const res = await authorizeUntil(
      { 'User-Name': a.login!.toUpperCase(), 'User-Password': a.password },
      (r) => r.statusCode === 200,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // A value FreeRADIUS's expansion cannot change goes plain; one it could (a `%{…}` in a password) goes
    // in the long form with expansion off.
    expect(body['control:Auth-Type']).toBe('Accept');
    // Decided here; the password goes with the answer only for FreeRADIUS's cache (RADIUS_CACHE_SECONDS),
    // which replaces its entry with this answer for a day.
    expect(body['control:Cleartext-Password']).toEqual({ value: ['pa%{User-Name}ss'], do_xlat: false });
    expect(body['control:Abonent-Cache-TTL']).toBe(86_400);
    expect(restValues(body, 'reply:Mikrotik-Rate-Limit')).toEqual([
      `${s.tariff.speedUpKbps}k/${s.tariff.speedDownKbps}k`,
    ]);
    expect(restValues(body, 'reply:Mikrotik-Address-List')).toEqual(['abonent-active']);
    expect(restValues(body, 'reply:Acct-Interim-Interval')).toEqual([300]);
    expect(Buffer.from(String(restValues(body, 'reply:Class')![0]).slice(2), 'hex').toString()).toBe(
      `abonent:${s.account.id}`,
    );

    // CHAP (RFC 1994): response = MD5(identifier ‖ password ‖ challenge).
    const challenge = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const response = (password: string) =>
      `0x07${createHash('md5')
        .update(Buffer.from([7]))
        .update(password)
        .update(challenge)
        .digest('hex')}`;
    const chap = (password: string) =>
      call(
        'authorize',
        j({
          'User-Name': a.login!,
          'CHAP-Password': response(password),
          'CHAP-Challenge': `0x${challenge.toString('hex')}`,
        }),
      );
    expect(restValues((await chap(a.password)).json(), 'control:Auth-Type')).toEqual(['Accept']);
    const wrongChap = await chap('guess');
    expect(wrongChap.statusCode).toBe(401);
    expect(restValues(wrongChap.json(), 'reply:Reply-Message')).toEqual(['Wrong password']);
    // A wrong password leaves the subscriber's cached answer alone (no TTL: nothing to drop).
    expect(wrongChap.json()['control:Abonent-Cache-TTL']).toBeUndefined();
    expect((await call('authorize', j({ 'User-Name': a.login!, 'User-Password': 'guess' }))).statusCode).toBe(401);

    // MS-CHAP is checked by FreeRADIUS: the password goes back, never xlat-expanded (%{…} stays as it is).
    const ms = await call(
      'authorize',
      j({ 'User-Name': a.login!, 'MS-CHAP-Challenge': '0x00112233445566778899aabbccddeeff' }),
    );
    expect(ms.json()['control:Cleartext-Password']).toEqual({ value: ['pa%{User-Name}ss'], do_xlat: false });
    expect(ms.json()['control:Auth-Type']).toBeUndefined();

    // Every outcome Abonent decided is in the post-auth log (written just after the answer), no password anywhere.
    const log = await logged<{ result: string; detail: string }>(
      sql`select result, detail from radius_auth_log where account_id = ${s.account.id} order by at`,
      4,
    );
    expect(log.slice(-4)).toEqual([
      { result: 'accept', detail: 'active' },
      { result: 'accept', detail: 'active' },
      { result: 'reject', detail: 'password' },
      { result: 'reject', detail: 'password' },
    ]);
    expect(JSON.stringify(log)).not.toContain('guess');
    // Keys are time-ordered (UUIDv7): in key order the lines are in time order, so the log grows at the
    // right edge of its index.
    const byKey = await queryRows<{ id: string; at: Date }>(
      t.database.db,
      sql`select id::text, at from radius_auth_log where account_id = ${s.account.id} order by id`,
    );
    expect(byKey.map((r) => r.id[14])).toEqual(byKey.map(() => '7'));
    const times = byKey.map((r) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('sends a debtor to the redirect list, and follows status changes through notifications', async () => {
    const s = await buildSubscriber(t.database.db, { regionId });
    const a = await buildNetworkAccess(t.database.db, { accountId: s.account.id, appSecret: t.config.secret });
    const creds = { 'User-Name': a.login!, 'User-Password': a.password };
    const before = await authorizeUntil(creds, (r) => r.statusCode === 200);
    expect(restValues(before.json(), 'reply:Mikrotik-Address-List')).toEqual(['abonent-active']);

    await t.database.db.execute(sql`update accounts set status = 'blocked' where id = ${s.account.id}`);
    await t.database.db.execute(sql`insert into account_events (account_id, kind) values (${s.account.id}, 'blocked')`);
    const after = await authorizeUntil(
      creds,
      (r) => restValues(r.json(), 'reply:Mikrotik-Address-List')![0] === 'abonent-debtors',
    );
    expect(after.statusCode).toBe(200);
    expect(restValues(after.json(), 'reply:Mikrotik-Address-List')).toEqual(['abonent-debtors']);

    await t.database.db.execute(sql`update accounts set status = 'terminated' where id = ${s.account.id}`);
    await t.database.db.execute(
      sql`insert into account_events (account_id, kind) values (${s.account.id}, 'terminated')`,
    );
    const gone = await authorizeUntil(creds, (r) => r.statusCode === 401);
    expect(gone.statusCode).toBe(401);
    expect(restValues(gone.json(), 'reply:Reply-Message')).toEqual(['Contract terminated']);
  });

  it('rejects an unknown login, and accepts IPoE by MAC and by Option 82 without a password', async () => {
    const unknown = await call('authorize', j({ 'User-Name': 'nobody-here', 'User-Password': 'x' }));
    expect(unknown.statusCode).toBe(401);

    const s = await buildSubscriber(t.database.db, { regionId });
    await buildNetworkAccess(t.database.db, {
      accountId: s.account.id,
      appSecret: t.config.secret,
      login: null,
      mac: '0a:1b:2c:3d:4e:5f',
      staticIp: '10.77.0.5',
    });
    const s2 = await buildSubscriber(t.database.db, { regionId });
    await buildNetworkAccess(t.database.db, {
      accountId: s2.account.id,
      appSecret: t.config.secret,
      login: null,
      opt82RemoteId: Buffer.from('sw-01').toString('hex'),
      opt82CircuitId: '000400010001',
    });
    const byMac = await authorizeUntil({ 'User-Name': '0A-1B-2C-3D-4E-5F' }, (r) => r.statusCode === 200);
    expect(byMac.statusCode).toBe(200);
    expect(restValues(byMac.json(), 'control:Auth-Type')).toEqual(['Accept']);
    expect(restValues(byMac.json(), 'reply:Framed-IP-Address')).toEqual(['10.77.0.5']);

    const by82 = await authorizeUntil(
      { 'User-Name': 'dhcp', 'ADSL-Agent-Remote-Id': '0x73772d3031', 'ADSL-Agent-Circuit-Id': '0x000400010001' },
      (r) => r.statusCode === 200,
    );
    expect(by82.statusCode).toBe(200);
    expect(Buffer.from(String(restValues(by82.json(), 'reply:Class')![0]).slice(2), 'hex').toString()).toBe(
      `abonent:${s2.account.id}`,
    );

    // A PPPoE request with an unknown login never gets in by its MAC.
    const sneaky = await call(
      'authorize',
      j({ 'User-Name': 'stranger', 'User-Password': 'x', 'Calling-Station-Id': '0a:1b:2c:3d:4e:5f' }),
    );
    expect(sneaky.statusCode).toBe(401);
  });

  it('stores post-auth outcomes without passwords, and accounting as sessions with traffic', async () => {
    const s = await buildSubscriber(t.database.db, { regionId });
    const a = await buildNetworkAccess(t.database.db, { accountId: s.account.id, appSecret: t.config.secret });
    const seen = await authorizeUntil(
      { 'User-Name': a.login!, 'User-Password': a.password },
      (r) => r.statusCode === 200,
    );
    expect(seen.statusCode).toBe(200);
    const ok = await call(
      'post-auth',
      j({ 'User-Name': a.login!, 'Calling-Station-Id': '00-11-22-33-44-55' }),
      `nas=192.0.2.50&result=Accept&auth=MS-CHAP`,
    );
    expect(ok.statusCode).toBe(204);
    const no = await call('post-auth', j({ 'User-Name': a.login! }), `nas=192.0.2.50&result=Reject&auth=MS-CHAP`);
    expect(no.statusCode).toBe(204);
    const log = await logged<{ result: string; detail: string; calling_station_id: string | null }>(
      sql`select result, detail, calling_station_id from radius_auth_log
          where account_id = ${s.account.id} and nas_address = '192.0.2.50' order by at`,
      2,
    );
    expect(log).toEqual([
      { result: 'accept', detail: 'active', calling_station_id: '00:11:22:33:44:55' },
      { result: 'reject', detail: 'password', calling_station_id: null },
    ]);

    const acct = (status: string, extra: Record<string, string | number> = {}) =>
      call(
        'accounting',
        j({
          'Acct-Status-Type': status,
          'Acct-Session-Id': '81a00001',
          'User-Name': a.login!,
          'Framed-IP-Address': '100.64.0.10',
          'Framed-Protocol': 'PPP',
          Class: `0x${Buffer.from(`abonent:${s.account.id}`).toString('hex')}`,
          ...extra,
        }),
      );
    expect((await acct('Start')).statusCode).toBe(204);
    expect(
      (
        await acct('Interim-Update', {
          'Acct-Session-Time': 300,
          'Acct-Input-Octets': 1000,
          'Acct-Output-Octets': 5000,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await acct('Stop', {
          'Acct-Session-Time': 600,
          'Acct-Input-Octets': 2000,
          'Acct-Output-Octets': 10,
          'Acct-Output-Gigawords': 1,
          'Acct-Terminate-Cause': 'User-Request',
        })
      ).statusCode,
    ).toBe(204);
    // The Interim again, late (a NAS retransmission): nothing goes backwards.
    await acct('Interim-Update', { 'Acct-Session-Time': 300, 'Acct-Input-Octets': 1000, 'Acct-Output-Octets': 5000 });
    const [session] = await queryRows<{
      account_id: number;
      input_bytes: number;
      output_bytes: number;
      session_seconds: number;
      stopped: boolean;
      terminate_cause: string;
    }>(
      t.database.db,
      sql`select account_id, input_bytes, output_bytes, session_seconds, stopped_at is not null as stopped, terminate_cause
          from radius_sessions where acct_session_id = '81a00001'`,
    );
    expect(session).toEqual({
      account_id: s.account.id,
      input_bytes: 2000,
      output_bytes: 2 ** 32 + 10,
      session_seconds: 600,
      stopped: true,
      terminate_cause: 'User-Request',
    });
  });

  it('gives FreeRADIUS a registered NAS its secret, and nothing for an unknown address', async () => {
    const known = await radiusRequest(api(), {
      method: 'GET',
      url: `/api/radius/clients/${nasAddress}`,
      headers: radiusAuth(),
    });
    expect(known.statusCode).toBe(200);
    expect(restValues(known.json(), 'control:FreeRADIUS-Client-Secret')).toEqual(['nas-secret-123']);
    const unknown = await radiusRequest(api(), {
      method: 'GET',
      url: '/api/radius/clients/192.0.2.77',
      headers: radiusAuth(),
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the rlm_rest API of a process that has just started', () => {
  const opened: RadiusApi[] = [];
  afterAll(() => Promise.all(opened.map((a) => a.close())));
  /** The API over this app's runtime, with a directory whose first read finishes when `read` says. */
  function startingApi() {
    const runtime = t.app.deps.network;
    let read!: (done: boolean) => void;
    const firstRead = new Promise<boolean>((r) => (read = r));
    let loaded = false;
    const directory: NetworkDirectory = Object.create(runtime.directory, {
      loaded: { get: () => loaded },
      whenReady: { value: () => firstRead },
    });
    const starting = { context: { ...runtime.context!, directory }, authWriter: runtime.authWriter } as NetworkRuntime;
    return {
      api: opened[opened.push(new RadiusApi(starting, t.config)) - 1]!,
      read: (done: boolean) => {
        loaded = done;
        read(done);
      },
    };
  }

  it('holds an Access-Request until the directory is read, and answers 503 when the read does not come', async () => {
    const s = await buildSubscriber(t.database.db, { regionId });
    const a = await buildNetworkAccess(t.database.db, { accountId: s.account.id, appSecret: t.config.secret });
    await authorizeUntil({ 'User-Name': a.login!, 'User-Password': a.password }, (r) => r.statusCode === 200);
    const request = {
      method: 'POST' as const,
      url: `/api/radius/authorize?nas=${nasAddress}`,
      headers: radiusAuth(),
      payload: j({ 'User-Name': a.login!, 'User-Password': a.password }),
    };

    const held = startingApi();
    let answered = false;
    const waiting = radiusRequest(held.api, request).then((res) => ((answered = true), res));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    held.read(true);
    const res = await waiting;
    expect(res.statusCode).toBe(200);
    expect(restValues(res.json(), 'control:Auth-Type')).toEqual(['Accept']);

    const never = startingApi();
    never.read(false);
    const refused = await radiusRequest(never.api, request);
    expect(refused.statusCode).toBe(503);
    expect(restValues(refused.json(), 'reply:Reply-Message')).toEqual(['Not ready']);
  });

  it('answers a fault of its own with a JSON 500 and goes on answering', async () => {
    const runtime = t.app.deps.network;
    const broken = {
      context: { ...runtime.context!, directory: null },
      authWriter: runtime.authWriter,
    } as unknown as NetworkRuntime;
    const api = new RadiusApi(broken, t.config);
    opened.push(api);
    for (let i = 0; i < 2; i++) {
      const res = await radiusRequest(api, {
        method: 'POST',
        url: `/api/radius/authorize?nas=${nasAddress}`,
        headers: radiusAuth(),
        payload: j({ 'User-Name': 'nobody', 'User-Password': 'x' }),
      });
      expect(res.statusCode).toBe(500);
      expect(res.json().error.code).toBe('internal');
    }
  });
});

describe('the post-auth log', () => {
  it('stores a batch once when its write timed out after the commit and the spool replays it', async () => {
    const db = t.database.db;
    let slowOnce = true;
    const writer = new BatchWriter<AuthRecord>({
      name: 'post-auth-test',
      spool: new Spool<AuthRecord>(mkdtempSync(join(tmpdir(), 'abonent-pa-')), 'auth'),
      // The first fresh write commits, then answers too late: its records go to the spool as unwritten.
      write: async (records, replay) => {
        await writeAuthRecords(db, records, replay);
        if (!replay && slowOnce) {
          slowOnce = false;
          await new Promise((r) => setTimeout(r, 400));
        }
      },
      writeTimeoutMs: 100,
      retryMs: 50,
    });
    writer.start();
    const ids = [uuid7(), uuid7(), uuid7()];
    for (const id of ids) {
      writer.log({
        id,
        at: new Date().toISOString(),
        nas: nasAddress,
        username: 'replayed',
        accountId: null,
        result: 'reject',
        detail: 'unknown',
        csid: null,
      });
    }
    const deadline = Date.now() + 10_000;
    while (writer.stats.drained < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await writer.close();
    expect(writer.stats).toMatchObject({ spooled: 3, drained: 3 });
    const rows = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from radius_auth_log where username = 'replayed' and id in ${ids}`,
    );
    expect(rows[0]!.n).toBe(3);
  });
});
