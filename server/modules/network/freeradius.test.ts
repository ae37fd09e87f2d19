import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { startFakeNas } from '../../test/fakes/nas.js';
import { type FreeRadius, hasFreeRadius, radclient, rawAccessRequest, startFreeRadius } from '../../test/freeradius.js';
import { buildNas, buildNetworkAccess, networkTestConfig } from '../../test/network-factories.js';
import { createSession } from '../auth/sessions.js';
import { setServiceStatus } from '../ledger/set-service-status.js';
import { assignIpv6Prefixes } from './assign-ipv6-prefixes.js';

/**
 * The Must-show of issue 14 through the real FreeRADIUS (Debian's 3.2, deploy/freeradius as shipped):
 * radclient plays the NAS's RADIUS client, a fake NAS (RFC 5176 DAS) receives CoA / Disconnect.
 */
const SECRET = 'nas-secret-123';
let t: TestContext;
let radiusd: FreeRadius;
let nasPort: Awaited<ReturnType<typeof startFakeNas>>;
let regionId: number;
let regionZone: string;

beforeAll(async () => {
  if (!hasFreeRadius) throw new Error('FreeRADIUS is not installed: npm test installs freeradius and freeradius-utils');
  t = await createTestApp(networkTestConfig());
  nasPort = await startFakeNas({ secret: SECRET });
  const { region } = await buildSubscriber(t.database.db);
  regionId = region.id;
  regionZone = (
    await queryRows<{ tz: string }>(t.database.db, sql`select time_zone as tz from regions where id = ${regionId}`)
  )[0]!.tz;
  await buildNas(t.database.db, {
    regionId,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: SECRET,
    vendor: 'mikrotik',
    coaPort: nasPort.port,
  });
  const api = await t.app.deps.network.api()!.listen({ port: 0, host: '127.0.0.1' });
  radiusd = await startFreeRadius({ abonentUrl: api, apiKey: t.config.RADIUS_API_KEY! });
});

afterAll(async () => {
  await radiusd?.stop();
  await nasPort?.close();
  await t?.close();
});

const auth = (attrs: Record<string, string | number>) => radclient(radiusd.authPort, 'auth', SECRET, attrs);
const acct = (attrs: Record<string, string | number>) => radclient(radiusd.acctPort, 'acct', SECRET, attrs);

/** A subscriber with PPPoE access the directory already knows (notified after the insert). */
async function subscriber(o: { balance?: number; status?: 'active' | 'blocked' } = {}) {
  const s = await buildSubscriber(t.database.db, { regionId, balance: o.balance, status: o.status });
  const a = await buildNetworkAccess(t.database.db, { accountId: s.account.id, appSecret: t.config.secret });
  const deadline = Date.now() + 10_000;
  while (!t.app.deps.network.directory!.byLoginName(a.login!) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ...s, login: a.login!, password: a.password };
}

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!hasFreeRadius)('through FreeRADIUS', () => {
  it("accepts a paying subscriber at the tariff's speed (PAP, CHAP, MS-CHAPv2) and rejects a wrong password", async () => {
    const s = await subscriber({ balance: 50_000 });
    const speed = `${s.tariff.speedUpKbps}k/${s.tariff.speedDownKbps}k`;
    const pap = await auth({ 'User-Name': s.login, 'User-Password': s.password, 'NAS-Port-Type': 'Ethernet' });
    expect(pap.code).toBe('Access-Accept');
    expect(pap.attributes['Mikrotik-Rate-Limit']).toEqual([speed]);
    expect(pap.attributes['Mikrotik-Address-List']).toEqual(['abonent-active']);
    const chap = await auth({ 'User-Name': s.login, 'CHAP-Password': s.password });
    expect(chap.code).toBe('Access-Accept');
    expect(chap.attributes['Mikrotik-Rate-Limit']).toEqual([speed]);
    // MS-CHAPv2 is checked by FreeRADIUS's mschap and reported back in post-auth.
    const ms = await auth({ 'User-Name': s.login, 'MS-CHAP-Password': s.password });
    expect(ms.code).toBe('Access-Accept');
    expect(ms.attributes['Mikrotik-Rate-Limit']).toEqual([speed]);

    const wrong = await auth({ 'User-Name': s.login, 'User-Password': 'not-the-password' });
    expect(wrong.code).toBe('Access-Reject');
    expect(wrong.attributes['Mikrotik-Rate-Limit']).toBeUndefined();
    const nobody = await auth({ 'User-Name': 'no-such-login', 'User-Password': 'x' });
    expect(nobody.code).toBe('Access-Reject');

    // post-auth: every outcome recorded (before FreeRADIUS answered), never a password.
    const log = await queryRows<{ result: string; detail: string }>(
      t.database.db,
      sql`select result, detail from radius_auth_log where username = ${s.login} order by at`,
    );
    expect(log).toEqual([
      { result: 'accept', detail: 'active' },
      { result: 'accept', detail: 'active' },
      { result: 'accept', detail: 'active' },
      { result: 'reject', detail: 'password' },
    ]);
    const leaked = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from radius_auth_log where username like '%not-the-password%' or detail like '%not-the%'`,
    );
    expect(leaked[0]!.n).toBe(0);
  });

  it('gives a debtor the redirect address list', async () => {
    const s = await subscriber({ balance: -5_000, status: 'blocked' });
    const r = await auth({ 'User-Name': s.login, 'User-Password': s.password });
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Mikrotik-Address-List']).toEqual(['abonent-debtors']);
  });

  it('answers from its cache, while Abonent is unreachable, what Abonent said last', async () => {
    // A second FreeRADIUS reaches Abonent through a gate the test opens and closes (as Abonent stops).
    const api = t.app.deps.network.api()!;
    const apiUrl = new URL(await api.listen({ port: 0, host: '127.0.0.1' }));
    let open = true;
    const links = new Set<Socket>();
    const gate = createServer((client) => {
      if (!open) return client.destroy();
      const upstream = connect(Number(apiUrl.port), apiUrl.hostname);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        links.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => (links.delete(a), b.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
    const second = await startFreeRadius({ abonentUrl: gateUrl, apiKey: t.config.RADIUS_API_KEY! });
    try {
      const paying = await subscriber({ balance: 50_000 });
      const leaving = await subscriber({ balance: 50_000 });
      const ask = (s: { login: string; password: string }) =>
        radclient(second.authPort, 'auth', SECRET, { 'User-Name': s.login, 'User-Password': s.password });
      for (const s of [paying, leaving])
        expect((await ask(s)).attributes['Mikrotik-Address-List']).toEqual(['abonent-active']);
      // Service suspended: the next answer from Abonent differs, and replaces the cached one.
      await setServiceStatus(t.database.db, { accountId: leaving.account.id, change: 'suspend' });
      const last = await waitFor(async () => {
        const r = await ask(leaving);
        return r.code === 'Access-Accept' && r.attributes['Mikrotik-Address-List']?.[0] !== 'abonent-active'
          ? r
          : undefined;
      });

      open = false;
      for (const link of links) link.destroy();
      const fromCache = await ask(leaving);
      expect(fromCache.code).toBe('Access-Accept');
      expect(fromCache.attributes['Mikrotik-Address-List']).toEqual(last.attributes['Mikrotik-Address-List']);
      expect(fromCache.attributes['Mikrotik-Rate-Limit']).toEqual(last.attributes['Mikrotik-Rate-Limit']);
      expect((await ask(paying)).attributes['Mikrotik-Address-List']).toEqual(['abonent-active']);
      // The cache checks the password itself.
      const wrong = await radclient(second.authPort, 'auth', SECRET, {
        'User-Name': paying.login,
        'User-Password': 'guess',
      });
      expect(wrong.code).toBe('Access-Reject');
    } finally {
      await second.stop();
      for (const link of links) link.destroy();
      await new Promise((r) => gate.close(r));
    }
  });

  it('accepts IPoE by MAC without a password', async () => {
    const s = await buildSubscriber(t.database.db, { regionId });
    await buildNetworkAccess(t.database.db, {
      accountId: s.account.id,
      appSecret: t.config.secret,
      login: null,
      mac: '02:00:5e:10:00:01',
    });
    let r = await auth({ 'User-Name': '02:00:5E:10:00:01', 'Calling-Station-Id': '02:00:5E:10:00:01' });
    for (let i = 0; r.code !== 'Access-Accept' && i < 50; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await auth({ 'User-Name': '02:00:5E:10:00:01', 'Calling-Station-Id': '02:00:5E:10:00:01' });
    }
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Mikrotik-Rate-Limit']).toEqual([`${s.tariff.speedUpKbps}k/${s.tariff.speedDownKbps}k`]);
  });

  it('shows accounting start, interim and stop as a session with traffic in the cabinet', async () => {
    const s = await subscriber({ balance: 50_000 });
    const accept = await auth({ 'User-Name': s.login, 'User-Password': s.password });
    const base = {
      'User-Name': s.login,
      'Acct-Session-Id': 'sess-traffic-1',
      'Framed-IP-Address': '100.64.1.20',
      'Framed-Protocol': 'PPP',
      'Calling-Station-Id': '02:00:5e:10:00:99',
      Class: `0x${Buffer.from(accept.attributes.Class![0]!.replace(/^0x/, ''), 'hex').toString('hex')}`,
    };
    expect((await acct({ ...base, 'Acct-Status-Type': 'Start' })).code).toBe('Accounting-Response');
    const interim = await acct({
      ...base,
      'Acct-Status-Type': 'Interim-Update',
      'Acct-Session-Time': 300,
      'Acct-Input-Octets': 1_500_000,
      'Acct-Output-Octets': 40_000_000,
    });
    expect(interim.code).toBe('Accounting-Response');
    const { token } = await createSession(t.database.db, { type: 'subscriber', contractId: s.contract.id });
    // Today in the region's zone, as the cabinet asks for it (UTC's date is yesterday there after 21:00 UTC).
    const today = todayIn(regionZone);
    const online = await t.app.inject({
      method: 'GET',
      url: `/api/me/sessions?from=${today}&to=${today}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(online.json()).toMatchObject({ online: true, totals: { sessions: 1, downloadBytes: 40_000_000 } });

    const stop = await acct({
      ...base,
      'Acct-Status-Type': 'Stop',
      'Acct-Session-Time': 900,
      'Acct-Input-Octets': 2_000_000,
      'Acct-Output-Octets': 123,
      'Acct-Output-Gigawords': 2,
      'Acct-Terminate-Cause': 'User-Request',
    });
    expect(stop.code).toBe('Accounting-Response');
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/me/sessions?from=${today}&to=${today}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = after.json();
    expect(body.online).toBe(false);
    expect(body.sessions).toHaveLength(1);
    expect(body.sessions[0]).toMatchObject({
      framedIp: '100.64.1.20',
      seconds: 900,
      uploadBytes: 2_000_000,
      downloadBytes: 2 * 2 ** 32 + 123,
      terminateCause: 'User-Request',
    });
    expect(body.sessions[0].stoppedAt).not.toBeNull();
  });

  it('a payment unblocks the session by CoA within a second; a suspension disconnects it', async () => {
    const s = await subscriber({ balance: -10_000, status: 'blocked' });
    const accept = await auth({ 'User-Name': s.login, 'User-Password': s.password });
    expect(accept.attributes['Mikrotik-Address-List']).toEqual(['abonent-debtors']);
    const session = {
      'User-Name': s.login,
      'Acct-Session-Id': 'sess-coa-1',
      'Framed-IP-Address': '100.64.1.21',
      'Framed-Protocol': 'PPP',
      Class: accept.attributes.Class![0]!,
    };
    expect((await acct({ ...session, 'Acct-Status-Type': 'Start' })).code).toBe('Accounting-Response');

    const finance = await buildStaff(t.database.db, { role: 'finance' });
    const before = nasPort.received.length;
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/payments`,
      headers: finance.auth,
      payload: { amount: 50_000, method: 'cash', idempotencyKey: `cash-${s.account.id}` },
    });
    const paidAt = Date.now();
    expect(paid.json()).toMatchObject({ unblocked: true });
    const coa = await waitFor(() => nasPort.received.slice(before).find((p) => p.code === 'CoA-Request'), 5000);
    expect(coa.at - paidAt).toBeLessThan(1000);
    expect(coa.attributes['User-Name']).toBe(s.login);
    expect(coa.attributes['Acct-Session-Id']).toBe('sess-coa-1');
    const vsa = coa.attributes['Vendor-Specific'] as Record<string, unknown>;
    expect(vsa['Mikrotik-Address-List']).toBe('abonent-active');
    expect(vsa['Mikrotik-Rate-Limit']).toBe(`${s.tariff.speedUpKbps}k/${s.tariff.speedDownKbps}k`);
    const [logged] = await queryRows<{ reason: string }>(
      t.database.db,
      sql`select reason from coa_requests where account_id = ${s.account.id} order by id`,
    );
    expect(logged).toEqual({ reason: 'unblocked' });

    // Suspension (the ledger writes the status and its event when the suspension starts): dropped.
    const mark = nasPort.received.length;
    await setServiceStatus(t.database.db, { accountId: s.account.id, change: 'suspend' });
    const dm = await waitFor(() => nasPort.received.slice(mark).find((p) => p.code === 'Disconnect-Request'), 5000);
    expect(dm.attributes['Acct-Session-Id']).toBe('sess-coa-1');
    const log = await queryRows<{ kind: string; reason: string }>(
      t.database.db,
      sql`select kind, reason from coa_requests where account_id = ${s.account.id} order by id`,
    );
    expect(log).toEqual([
      { kind: 'coa', reason: 'unblocked' },
      { kind: 'disconnect', reason: 'suspended' },
    ]);
  });
});

describe.skipIf(!hasFreeRadius)('who is who, through FreeRADIUS (issue 25)', () => {
  /** An IPoE neighbour, known by MAC and by Option 82 (remote-id sw-07, circuit-id port 3), with a static IP. */
  async function ipoeNeighbour(n: number) {
    const s = await buildSubscriber(t.database.db, { regionId, balance: 50_000 });
    const mac = `02:00:5e:25:00:${n.toString(16).padStart(2, '0')}`;
    const remote = Buffer.from(`sw-${n}`).toString('hex');
    const circuit = `0003000${n}`;
    await buildNetworkAccess(t.database.db, {
      accountId: s.account.id,
      appSecret: t.config.secret,
      login: null,
      mac,
      opt82RemoteId: remote,
      opt82CircuitId: circuit,
      staticIp: `10.99.25.${n}`,
    });
    const byMac = { 'User-Name': mac.toUpperCase(), 'Calling-Station-Id': mac.toUpperCase() };
    await waitFor(() => (t.app.deps.network.directory!.byMacAddress(mac) ? true : undefined));
    return { ...s, mac, remote, circuit, byMac, ip: `10.99.25.${n}` };
  }

  it('refuses a neighbour’s MAC typed as the login, with any password (PAP, CHAP, MS-CHAP)', async () => {
    const n = await ipoeNeighbour(1);
    // The neighbour itself: IPoE, no password, by its MAC — accepted with its static address.
    const own = await auth(n.byMac);
    expect(own.code).toBe('Access-Accept');
    expect(own.attributes['Framed-IP-Address']).toEqual([n.ip]);

    for (const spelling of [n.mac, n.mac.toUpperCase(), n.mac.replace(/:/g, '-'), n.mac.replace(/:/g, '')]) {
      for (const password of [
        { 'User-Password': 'anything' } as Record<string, string>,
        { 'CHAP-Password': 'anything' },
        { 'MS-CHAP-Password': 'anything' },
      ]) {
        const r = await auth({ 'User-Name': spelling, ...password, 'Calling-Station-Id': n.mac });
        expect(r.code, `${spelling} ${Object.keys(password)[0]}`).toBe('Access-Reject');
        expect(r.attributes['Framed-IP-Address']).toBeUndefined();
      }
    }
    // An unknown login from the neighbour's MAC is no better.
    const stranger = await auth({ 'User-Name': 'stranger', 'User-Password': 'x', 'Calling-Station-Id': n.mac });
    expect(stranger.code).toBe('Access-Reject');

    // Abonent recorded every one as a reject of nobody: the neighbour was never accepted for them.
    const [accepted] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from radius_auth_log where account_id = ${n.account.id} and result = 'accept'`,
    );
    expect(accepted!.n).toBe(1);
  });

  it('ignores a forged Option 82 on a PPPoE request: its own login, or nobody', async () => {
    const n = await ipoeNeighbour(2);
    const port = { 'ADSL-Agent-Remote-Id': `0x${n.remote}`, 'ADSL-Agent-Circuit-Id': `0x${n.circuit}` };
    // The neighbour's own DHCP request by its port: accepted.
    const own = await auth({ 'User-Name': 'dhcp-client', ...port });
    expect(own.code).toBe('Access-Accept');
    expect(own.attributes['Framed-IP-Address']).toEqual([n.ip]);

    // A PPPoE subscriber whose request carries the neighbour's Option 82 is who its login says.
    const p = await subscriber({ balance: 50_000 });
    const forged = await auth({ 'User-Name': p.login, 'User-Password': p.password, ...port });
    expect(forged.code).toBe('Access-Accept');
    expect(forged.attributes['Framed-IP-Address']).toBeUndefined();
    expect(Buffer.from(forged.attributes.Class![0]!.slice(2), 'hex').toString()).toBe(`abonent:${p.account.id}`);
    // An unknown or wrong login with the neighbour's Option 82 is refused, whatever the password method.
    const methods: Record<string, string>[] = [
      { 'User-Password': 'x' },
      { 'CHAP-Password': 'x' },
      { 'MS-CHAP-Password': 'x' },
    ];
    for (const password of methods) {
      expect((await auth({ 'User-Name': 'stranger', ...password, ...port })).code).toBe('Access-Reject');
    }
    expect((await auth({ 'User-Name': p.login, 'User-Password': 'wrong', ...port })).code).toBe('Access-Reject');
  });

  it('accepts a PPPoE login bound to a device only from that device', async () => {
    const s = await buildSubscriber(t.database.db, { regionId, balance: 50_000 });
    const a = await buildNetworkAccess(t.database.db, {
      accountId: s.account.id,
      appSecret: t.config.secret,
      mac: '02:00:5e:25:01:01',
      macBinding: true,
    });
    await waitFor(() => (t.app.deps.network.directory!.byLoginName(a.login!) ? true : undefined));
    const from = (csid: string) =>
      auth({ 'User-Name': a.login!, 'User-Password': a.password, 'Calling-Station-Id': csid });
    expect((await from('02-00-5E-25-01-01')).code).toBe('Access-Accept');
    expect((await from('02:00:5e:25:01:02')).code).toBe('Access-Reject');
    expect((await auth({ 'User-Name': a.login!, 'User-Password': a.password })).code).toBe('Access-Reject');
  });
});

describe.skipIf(!hasFreeRadius)('Blast-RADIUS (CVE-2024-3596) on the installed FreeRADIUS', () => {
  it('drops an Access-Request without a Message-Authenticator from a NAS that must send one', async () => {
    const s = await subscriber({ balance: 50_000 });
    const attributes: [string, string][] = [
      ['User-Name', s.login],
      ['User-Password', s.password],
    ];
    const signed = await rawAccessRequest({
      port: radiusd.authPort,
      secret: SECRET,
      attributes,
      messageAuthenticator: true,
    });
    expect(signed.code).toBe('Access-Accept');
    const unsigned = await rawAccessRequest({
      port: radiusd.authPort,
      secret: SECRET,
      attributes,
      messageAuthenticator: false,
      timeoutMs: 2500,
    });
    expect(unsigned.code).toBe('none');
  });

  it('signs every answer with a Message-Authenticator, first of its attributes', async () => {
    const s = await subscriber({ balance: 50_000 });
    for (const [password, code] of [
      [s.password, 'Access-Accept'],
      ['wrong', 'Access-Reject'],
    ] as const) {
      const r = await rawAccessRequest({
        port: radiusd.authPort,
        secret: SECRET,
        attributes: [
          ['User-Name', s.login],
          ['User-Password', password],
        ],
        messageAuthenticator: true,
      });
      expect(r.code).toBe(code);
      expect(r.types[0]).toBe(80);
      expect(r.types.filter((x) => x === 80)).toHaveLength(1);
      expect(r.messageAuthenticatorValid).toBe(true);
    }
  });

  it('refuses a Proxy-State without a Message-Authenticator, from a NAS allowed to omit it', async () => {
    // A second NAS (127.0.0.2) registered before the setting existed: Message-Authenticator not required.
    await buildNas(t.database.db, {
      regionId,
      appSecret: t.config.secret,
      address: '127.0.0.2',
      secret: SECRET,
      requireMessageAuthenticator: false,
    });
    const s = await subscriber({ balance: 50_000 });
    await waitFor(() => (t.app.deps.network.directory!.nasAt('127.0.0.2') ? true : undefined));
    const send = (extra: [string, string | Buffer][], messageAuthenticator: boolean) =>
      rawAccessRequest({
        port: radiusd.authPort,
        secret: SECRET,
        from: '127.0.0.2',
        messageAuthenticator,
        attributes: [['User-Name', s.login], ['User-Password', s.password], ...extra],
      });
    expect((await send([], false)).code).toBe('Access-Accept');
    expect((await send([['Proxy-State', Buffer.from('forged')]], false)).code).toBe('Access-Reject');
    expect((await send([['Proxy-State', Buffer.from('proxy-1')]], true)).code).toBe('Access-Accept');
  });
});

describe.skipIf(!hasFreeRadius)('what ISPs expect, through FreeRADIUS', () => {
  it('sends IPv6 prefixes and the plan’s own attributes to the NAS', async () => {
    const db = t.database.db;
    await db.execute(
      sql`insert into ipv6_pools (region_id, kind, prefix, assign_length) values
            (${regionId}, 'framed', '2001:db8:7000::/40', 64), (${regionId}, 'delegated', '2001:db8:7100::/40', 56)`,
    );
    const tariff = await buildTariff(db, { regionId });
    await db.execute(
      sql`insert into tariff_network (tariff_id, attributes)
          values (${tariff.id}, ${JSON.stringify([{ vendor: '*', name: 'Idle-Timeout', value: '600' }])}::jsonb)`,
    );
    const s = await buildSubscriber(db, { regionId, tariffId: tariff.id, balance: 50_000 });
    const a = await buildNetworkAccess(db, { accountId: s.account.id, appSecret: t.config.secret });
    await assignIpv6Prefixes(db);
    const r = await waitFor(async () => {
      const x = await auth({ 'User-Name': a.login!, 'User-Password': a.password });
      return x.attributes['Delegated-IPv6-Prefix'] && x.attributes['Idle-Timeout'] ? x : undefined;
    });
    expect(r.code).toBe('Access-Accept');
    expect(r.attributes['Framed-IPv6-Prefix']![0]).toMatch(/^2001:db8:70[0-9a-f]{2}:[0-9a-f:]*\/64$/);
    expect(r.attributes['Delegated-IPv6-Prefix']![0]).toMatch(/^2001:db8:71[0-9a-f]{2}:[0-9a-f:]*\/56$/);
    expect(r.attributes['Idle-Timeout']).toEqual(['600']);
  });
});
