import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { startFakeNas } from '../../test/fakes/nas.js';
import { buildNas, buildNetworkAccess, networkTestConfig, radiusAuth } from '../../test/network-factories.js';
import { radiusRequest } from '../../test/radius-client.js';
import { restValues } from '../../test/rest-answer.js';
import { applySpeedWindows } from './apply-speed-windows.js';
import { assignIpv6Prefixes, bigIntToIpv6, ipv6ToBigInt, nthPrefix } from './assign-ipv6-prefixes.js';
import { localClock, speedAt } from './plan-speed.js';
import { serviceAttributes } from './vendor-attributes.js';

/**
 * What ISPs expect from AAA (issue 25): IPv6 prefixes from the region's pools, a limit of sessions at
 * once, speeds by time of day, a plan's own attributes, Cisco ISG beside IOS XR.
 */
const NAS_SECRET = 'nas-secret-aaa';
let t: TestContext;
let nas: Awaited<ReturnType<typeof startFakeNas>>;
let regionId: number;
let zone: string;
let admin: Awaited<ReturnType<typeof buildStaff>>;

beforeAll(async () => {
  t = await createTestApp(networkTestConfig({ RADIUS_COA_TIMEOUT_MS: 300, RADIUS_COA_TRIES: 2 }));
  nas = await startFakeNas({ secret: NAS_SECRET });
  const { region } = await buildSubscriber(t.database.db);
  regionId = region.id;
  zone = (
    await queryRows<{ tz: string }>(t.database.db, sql`select time_zone as tz from regions where id = ${regionId}`)
  )[0]!.tz;
  await buildNas(t.database.db, {
    regionId,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: NAS_SECRET,
    vendor: 'mikrotik',
    coaPort: nas.port,
  });
  admin = await buildStaff(t.database.db, { role: 'admin' });
});
afterAll(async () => {
  await nas.close();
  await t.close();
});

const db = () => t.database.db;
const authorize = (attrs: Record<string, string>) =>
  radiusRequest(t.app.deps.network.api()!, {
    method: 'POST',
    url: '/api/radius/authorize?nas=127.0.0.1',
    headers: radiusAuth(),
    payload: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, { type: 'string', value: [v] }])),
  });

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pppoe(o: { tariffId?: number; status?: 'active' | 'blocked' } = {}) {
  const s = await buildSubscriber(db(), {
    regionId,
    tariffId: o.tariffId,
    status: o.status,
    balance: o.status === 'blocked' ? -100 : 50_000,
  });
  const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
  await until(() => (t.app.deps.network.directory!.byLoginName(a.login!) ? true : undefined));
  return { ...s, login: a.login!, password: a.password };
}

const putNetwork = (tariffId: number, body: object, headers = admin.auth) =>
  t.app.inject({ method: 'PUT', url: `/api/staff/tariffs/${tariffId}/network`, headers, payload: body });

describe('IPv6 from the region’s pools', () => {
  it('numbers prefixes in order inside a pool', () => {
    expect(nthPrefix('2001:db8:1000::/40', 64, 0)).toBe('2001:db8:1000::/64');
    expect(nthPrefix('2001:db8:1000::/40', 64, 1)).toBe('2001:db8:1000:1::/64');
    expect(nthPrefix('2001:db8:2000::/40', 56, 1)).toBe('2001:db8:2000:100::/56');
    expect(nthPrefix('2001:db8:2000::/40', 56, 65_535)).toBe('2001:db8:20ff:ff00::/56');
    expect(nthPrefix('2001:db8:2000::/40', 56, 65_536)).toBeNull(); // the pool is full
    expect(bigIntToIpv6(ipv6ToBigInt('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
  });

  it('gives every subscriber of the region a /64 and a delegated prefix, kept; debtors get none', async () => {
    const op = await buildStaff(db(), { role: 'operator' });
    const create = (body: object, headers = admin.auth) =>
      t.app.inject({ method: 'POST', url: '/api/staff/ipv6-pools', headers, payload: body });
    expect(
      (await create({ regionId, kind: 'framed', prefix: '2001:db8:1000::/40', assignLength: 64 }, op.auth)).statusCode,
    ).toBe(403);
    expect(
      (await create({ regionId, kind: 'framed', prefix: '2001:db8:1000::/40', assignLength: 56 })).statusCode,
    ).toBe(400);
    expect(
      (await create({ regionId, kind: 'framed', prefix: '2001:db8:1000::/40', assignLength: 64 })).statusCode,
    ).toBe(201);
    expect(
      (await create({ regionId, kind: 'delegated', prefix: '2001:db8:2000::/40', assignLength: 56 })).statusCode,
    ).toBe(201);
    // Overlapping an existing pool: refused.
    expect(
      (await create({ regionId, kind: 'delegated', prefix: '2001:db8:2000:ff00::/56', assignLength: 60 })).statusCode,
    ).toBe(409);

    const a = await pppoe();
    const b = await pppoe();
    const debtor = await pppoe({ status: 'blocked' });
    expect(await assignIpv6Prefixes(db())).toBeGreaterThanOrEqual(3);
    const ipv6 = async (s: { login: string; password: string }) => {
      const r = await until(async () => {
        const x = (await authorize({ 'User-Name': s.login, 'User-Password': s.password })).json();
        return x['reply:Delegated-IPv6-Prefix'] ||
          restValues(x, 'reply:Mikrotik-Address-List')![0] === 'abonent-debtors'
          ? x
          : undefined;
      });
      return [restValues(r, 'reply:Framed-IPv6-Prefix')?.[0], restValues(r, 'reply:Delegated-IPv6-Prefix')?.[0]];
    };
    const [fa, da] = await ipv6(a);
    const [fb, db6] = await ipv6(b);
    expect(fa).toMatch(/^2001:db8:1000:[0-9a-f]*:?:\/64$/);
    expect(da).toMatch(/\/56$/);
    expect(new Set([fa, fb]).size).toBe(2);
    expect(new Set([da, db6]).size).toBe(2);
    expect(await ipv6(debtor)).toEqual([undefined, undefined]);
    // Running again gives nothing new: prefixes are kept.
    expect(await assignIpv6Prefixes(db())).toBe(0);
    const pools = (
      await t.app.inject({ method: 'GET', url: `/api/staff/ipv6-pools?regionId=${regionId}`, headers: op.auth })
    ).json();
    expect(pools.pools.map((p: { kind: string; assigned: number }) => p.assigned)).toEqual(
      pools.pools.map(() => expect.any(Number)),
    );
    expect(pools.pools.find((p: { kind: string }) => p.kind === 'delegated').capacity).toBe(65_536);
  });
});

describe('Simultaneous-Use', () => {
  it('refuses a second session from another device, not a redial of the same one', async () => {
    const tariff = await buildTariff(db(), { regionId });
    expect((await putNetwork(tariff.id, { maxSessions: 1, speedWindows: [], attributes: [] })).statusCode).toBe(200);
    const s = await pppoe({ tariffId: tariff.id });
    await until(() => (t.app.deps.network.directory!.byLoginName(s.login)?.plan?.maxSessions === 1 ? true : undefined));
    const from = (mac: string) =>
      authorize({ 'User-Name': s.login, 'User-Password': s.password, 'Calling-Station-Id': mac });
    expect((await from('02:00:00:aa:00:01')).statusCode).toBe(200);
    const acct = (status: string) =>
      radiusRequest(t.app.deps.network.api()!, {
        method: 'POST',
        url: '/api/radius/accounting?nas=127.0.0.1',
        headers: radiusAuth(),
        payload: Object.fromEntries(
          Object.entries({
            'User-Name': s.login,
            'Acct-Status-Type': status,
            'Acct-Session-Id': 'su-1',
            'Calling-Station-Id': '02:00:00:aa:00:01',
            'Framed-Protocol': 'PPP',
            Class: `0x${Buffer.from(`abonent:${s.account.id}`).toString('hex')}`,
          }).map(([k, v]) => [k, { type: 'string', value: [v] }]),
        ),
      });
    expect((await acct('Start')).statusCode).toBe(204);
    const second = await from('02:00:00:bb:00:02');
    expect(second.statusCode).toBe(401);
    expect(restValues(second.json(), 'reply:Reply-Message')![0]).toMatch(/no more sessions/);
    // The same router dialing again before its old session's Stop: not refused.
    expect((await from('02-00-00-AA-00-01')).statusCode).toBe(200);
    expect((await acct('Stop')).statusCode).toBe(204);
    expect((await from('02:00:00:bb:00:02')).statusCode).toBe(200);
    // The auth log is written in batches after the answer: wait for the refusal's row.
    const refusals = async () =>
      (
        await queryRows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from radius_auth_log where account_id = ${s.account.id} and detail = 'sessions'`,
        )
      )[0]!.n;
    await until(async () => ((await refusals()) > 0 ? true : undefined));
    expect(await refusals()).toBe(1);
  });
});

describe('speeds by time of day and a plan’s own attributes', () => {
  it('finds the window in force in the region’s local time, past midnight too', () => {
    const plan = {
      downKbps: 100_000,
      upKbps: 50_000,
      timeZone: 'Asia/Vladivostok', // UTC+10
      windows: [
        { from: '23:00', to: '07:00', downKbps: 300_000, upKbps: 150_000 },
        { from: '12:00', to: '14:00', downKbps: 200_000, upKbps: 100_000, days: [6, 7] },
      ],
    };
    const at = (iso: string) => speedAt(plan, new Date(iso)).downKbps;
    expect(at('2026-03-06T12:59:00Z')).toBe(100_000); // Friday 22:59 local
    expect(at('2026-03-06T13:00:00Z')).toBe(300_000); // Friday 23:00
    expect(at('2026-03-06T20:59:00Z')).toBe(300_000); // Saturday 06:59
    expect(at('2026-03-06T21:00:00Z')).toBe(100_000); // Saturday 07:00
    expect(at('2026-03-07T02:30:00Z')).toBe(200_000); // Saturday 12:30: turbo hours on weekends
    expect(at('2026-03-09T02:30:00Z')).toBe(100_000); // Monday 12:30
  });

  it('answers with the window’s speed now, moves live sessions by CoA when it begins, adds the plan’s attributes', async () => {
    const tariff = await buildTariff(db(), { regionId, speedDownKbps: 100_000, speedUpKbps: 50_000 });
    const { minute } = localClock(zone, new Date());
    const hm = (m: number) =>
      `${String(Math.floor((((m % 1440) + 1440) % 1440) / 60)).padStart(2, '0')}:${String((((m % 1440) + 1440) % 1440) % 60).padStart(2, '0')}`;
    const body = {
      maxSessions: null,
      // In force now, for two hours.
      speedWindows: [{ from: hm(minute - 60), to: hm(minute + 60), downKbps: 400_000, upKbps: 200_000 }],
      attributes: [
        { vendor: 'mikrotik', name: 'Mikrotik-Rate-Limit', value: '{up}k/{down}k 0/0 0/0 0/0 8' },
        { vendor: '*', name: 'Session-Timeout', value: '86400' },
        { vendor: 'cisco', name: 'Cisco-AVPair', value: 'subscriber:accounting-list=abonent' },
      ],
    };
    expect(
      (await putNetwork(tariff.id, { ...body, speedWindows: [{ ...body.speedWindows[0], from: '25:00' }] })).statusCode,
    ).toBe(400);
    expect((await putNetwork(tariff.id, body)).statusCode).toBe(200);
    const s = await pppoe({ tariffId: tariff.id });
    const answer = await until(async () => {
      const r = (await authorize({ 'User-Name': s.login, 'User-Password': s.password })).json();
      return r['reply:Session-Timeout'] ? r : undefined;
    });
    expect(restValues(answer, 'reply:Mikrotik-Rate-Limit')).toEqual(['200000k/400000k 0/0 0/0 0/0 8']);
    expect(restValues(answer, 'reply:Session-Timeout')).toEqual(['86400']);
    expect(answer['reply:Cisco-AVPair']).toBeUndefined();

    // A session is online when the window begins: it gets the window's speed by CoA.
    await db().execute(
      sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
          values ('127.0.0.1', 'sw-1', ${s.login}, ${s.account.id}, now(), now())`,
    );
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000);
    const mark = nas.received.length;
    const sent = await applySpeedWindows(db(), {
      sender: t.app.deps.network.coa,
      appSecret: t.config.secret,
      names: t.app.deps.network.names,
      at: windowStart,
    });
    expect(sent).toBe(1);
    const coa = nas.received.slice(mark).find((p) => p.code === 'CoA-Request')!;
    expect((coa.attributes['Vendor-Specific'] as Record<string, string>)['Mikrotik-Rate-Limit']).toBe(
      '200000k/400000k 0/0 0/0 0/0 8',
    );
    // A minute in the middle of the window changes nothing.
    expect(
      await applySpeedWindows(db(), {
        sender: t.app.deps.network.coa,
        appSecret: t.config.secret,
        names: t.app.deps.network.names,
        at: new Date(windowStart.getTime() + 30 * 60_000),
      }),
    ).toBe(0);
  });
});

describe('vendors', () => {
  const names = { debtorPool: 'debtors', debtorAddressList: 'debtors', activeAddressList: 'active' };
  const state = { profile: 'active' as const, downKbps: 100_000, upKbps: 50_000, staticIp: null };
  it('Cisco ISG (IOS XE) and IOS XR name their QoS policies differently', () => {
    expect(serviceAttributes('cisco_isg', state, names)).toEqual([
      ['Cisco-AVPair', 'ip:sub-qos-policy-in=abonent-up-50000k'],
      ['Cisco-AVPair', 'ip:sub-qos-policy-out=abonent-down-100000k'],
    ]);
    expect(serviceAttributes('cisco', state, names)).toEqual([
      ['Cisco-AVPair', 'subscriber:sub-qos-policy-in=abonent-up-50000k'],
      ['Cisco-AVPair', 'subscriber:sub-qos-policy-out=abonent-down-100000k'],
    ]);
  });
  it('MikroTik redirects a debtor by address list, keeping its static address; others by pool', () => {
    const debtor = { ...state, profile: 'debtor' as const, staticIp: '198.51.100.9', framedIpv6: '2001:db8::/64' };
    expect(serviceAttributes('mikrotik', debtor, names)).toEqual([
      ['Mikrotik-Rate-Limit', '50000k/100000k'],
      ['Mikrotik-Address-List', 'debtors'],
      ['Framed-IP-Address', '198.51.100.9'],
    ]);
    expect(serviceAttributes('juniper', debtor, names)).toEqual([
      ['ERX-Ingress-Policy-Name', 'abonent-up-50000k'],
      ['ERX-Egress-Policy-Name', 'abonent-down-100000k'],
      ['Framed-Pool', 'debtors'],
    ]);
  });
});
