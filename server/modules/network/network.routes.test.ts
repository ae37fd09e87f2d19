import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { startFakeNas } from '../../test/fakes/nas.js';
import { buildNas, buildNetworkAccess, networkTestConfig, radiusAuth } from '../../test/network-factories.js';
import { radiusRequest } from '../../test/radius-client.js';
import { restValues } from '../../test/rest-answer.js';
import { createSession } from '../auth/sessions.js';
import { CONSENT_VERSION } from '../privacy/consent-text.js';
import { assignStaticIp } from './assign-static-ip.js';
import { decryptSecret } from './network-crypto.js';

/** The back office, cabinet and portal routes of the network, and CoA / Disconnect to a fake NAS. */
let t: TestContext;
let fakeNas: Awaited<ReturnType<typeof startFakeNas>>;
let regionId: number;
const NAS_SECRET = 'nas-secret-routes';
beforeAll(async () => {
  t = await createTestApp(networkTestConfig({ RADIUS_COA_TIMEOUT_MS: 200, RADIUS_COA_TRIES: 2 }));
  fakeNas = await startFakeNas({ secret: NAS_SECRET });
  regionId = (await buildRegion(t.database.db)).id;
  await buildNas(t.database.db, {
    regionId,
    appSecret: t.config.secret,
    address: '127.0.0.1',
    secret: NAS_SECRET,
    coaPort: fakeNas.port,
  });
});
afterAll(async () => {
  await fakeNas.close();
  await t.close();
});

const db = () => t.database.db;

async function openSession(accountId: number, login: string, sid: string, ip = '100.64.5.5') {
  await db().execute(
    sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip, started_at, updated_at)
        values ('127.0.0.1', ${sid}, ${login}, ${accountId}, ${ip}::inet, now() - interval '1 minute', now())`,
  );
  const [row] = await queryRows<{ id: number }>(
    db(),
    sql`select id from radius_sessions where acct_session_id = ${sid}`,
  );
  return row!.id;
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pdfLastPage(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-pdf-'));
  const file = join(dir, 'c.pdf');
  writeFileSync(file, pdf);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
  return execFileSync('pdftotext', ['-f', String(pages), '-l', String(pages), '-layout', file, '-']).toString();
}

describe('network access', () => {
  it('is issued at contract signing: PPPoE login = contract number, its own password on the PDF', async () => {
    const tariff = await buildTariff(db(), { regionId });
    const op = await buildStaff(db(), { role: 'operator' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/contracts',
      headers: op.auth,
      payload: {
        fullName: 'Орлова Анна Сергеевна',
        address: 'г. Казань, ул. Баумана, д. 1',
        phone: '+7 (917) 555-00-11',
        passport: '9201 654321',
        consentVersion: CONSENT_VERSION,
        regionId,
        tariffId: tariff.id,
      },
    });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r.network.login).toBe(r.contract.number.toLowerCase());
    expect(r.network.password).toMatch(/^[A-Za-z2-9]{10}$/);
    expect(r.network.password).not.toBe(r.initialPassword);
    const pdf = await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: op.auth });
    const last = pdfLastPage(pdf.rawPayload);
    expect(last).toContain('PPPoE');
    expect(last).toContain(r.network.password);
    const [row] = await queryRows<{ password_enc: string }>(
      db(),
      sql`select password_enc from network_access where login = ${r.network.login}`,
    );
    expect(row!.password_enc).not.toContain(r.network.password);
    expect(decryptSecret('network-password', row!.password_enc, t.config.secret)).toBe(r.network.password);
    // FreeRADIUS gets it from memory as soon as it is notified.
    const answer = await until(async () => {
      const a = await radiusRequest(t.app.deps.network.api()!, {
        method: 'POST',
        url: '/api/radius/authorize?nas=127.0.0.1',
        headers: radiusAuth(),
        payload: {
          'User-Name': { type: 'string', value: [r.network.login] },
          'User-Password': { type: 'string', value: [r.network.password] },
        },
      });
      return a.statusCode === 200 ? a.json<Record<string, { value: unknown[] }>>() : undefined;
    });
    // Abonent checks the PAP password itself (decision 0015): the one on the PDF is accepted.
    expect(restValues(answer, 'control:Auth-Type')).toEqual(['Accept']);
  });

  it('is set by operators (normalised, unique, audited) and a new PPPoE password is shown once', async () => {
    const s = await buildSubscriber(db(), { regionId });
    const other = await buildSubscriber(db(), { regionId });
    await buildNetworkAccess(db(), {
      accountId: other.account.id,
      appSecret: t.config.secret,
      mac: 'aa:bb:cc:00:00:01',
    });
    const op = await buildStaff(db(), { role: 'operator' });
    const support = await buildStaff(db(), { role: 'support' });
    const patch = (payload: object, headers = op.auth) =>
      t.app.inject({ method: 'PATCH', url: `/api/staff/accounts/${s.account.id}/network`, headers, payload });

    expect((await patch({ mac: 'AABB.CC00.0002', option82CircuitId: 'eth 1/0/5', login: 'User-Ten' })).statusCode).toBe(
      200,
    );
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/network`,
      headers: support.auth,
    });
    expect(view.json().access).toEqual({
      accessType: 'pppoe',
      login: 'user-ten',
      macBinding: false,
      hasPassword: false,
      mac: 'aa:bb:cc:00:00:02',
      option82RemoteId: null,
      option82CircuitId: 'eth 1/0/5',
      staticIp: null,
    });
    const taken = await patch({ mac: 'aa-bb-cc-00-00-01' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toContain('MAC');
    expect((await patch({ mac: 'not a mac' })).statusCode).toBe(400);
    // What the type needs: PPPoE a login, IPoE a MAC or a circuit-id; a binding is for PPPoE with a MAC.
    expect((await patch({ login: null })).statusCode).toBe(400);
    expect((await patch({ accessType: 'ipoe', mac: null, option82CircuitId: null })).statusCode).toBe(400);
    expect((await patch({ accessType: 'ipoe', macBinding: true })).statusCode).toBe(400);
    expect((await patch({ macBinding: true })).statusCode).toBe(200);
    expect((await patch({ macBinding: false })).statusCode).toBe(200);
    expect((await patch({})).statusCode).toBe(400);
    expect((await patch({ mac: null }, support.auth)).statusCode).toBe(403);

    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/network/password`,
      headers: op.auth,
    });
    expect(reset.statusCode).toBe(200);
    const { password } = reset.json();
    const audit = await queryRows<{ action: string; after: unknown }>(
      db(),
      sql`select action, after from audit_log where entity = 'account' and entity_id = ${String(s.account.id)}
          and action like 'network.%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'network.access.update',
      'network.access.update',
      'network.access.update',
      'network.password.reset',
    ]);
    expect(JSON.stringify(audit)).not.toContain(password);

    // FreeRADIUS accepts the new password; after another reset only the newest one (the clear text kept
    // per directory entry is never a stale one).
    const authorize = async (pw: string) =>
      (
        await radiusRequest(t.app.deps.network.api()!, {
          method: 'POST',
          url: '/api/radius/authorize?nas=127.0.0.1',
          headers: radiusAuth(),
          payload: {
            'User-Name': { type: 'string', value: ['user-ten'] },
            'User-Password': { type: 'string', value: [pw] },
          },
        })
      ).statusCode;
    await until(async () => ((await authorize(password)) === 200 ? true : undefined));
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/network/password`,
      headers: op.auth,
    });
    const newest = again.json<{ password: string }>().password;
    await until(async () => ((await authorize(newest)) === 200 ? true : undefined));
    expect(await authorize(password)).toBe(401);

    // The subscriber sees the login and, on request, the password for the router.
    const { token } = await createSession(db(), { type: 'subscriber', contractId: s.contract.id });
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/me/network',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json()).toEqual({ login: 'user-ten', kind: 'pppoe', staticIp: null });
    const pw = await t.app.inject({
      method: 'GET',
      url: '/api/me/network/password',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(pw.json()).toEqual({ login: 'user-ten', password: newest });
  });

  it('gives the static IP in the answer and disconnects the live session when it changes', async () => {
    const s = await buildSubscriber(db(), { regionId });
    const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
    await openSession(s.account.id, a.login!, 'sess-ip-1');
    const mark = fakeNas.received.length;
    await db().transaction((tx) => assignStaticIp(tx, { accountId: s.account.id, address: '198.51.100.7' }));
    const dm = await until(() => fakeNas.received.slice(mark).find((p) => p.code === 'Disconnect-Request'));
    expect(dm.attributes).toMatchObject({ 'User-Name': a.login, 'Acct-Session-Id': 'sess-ip-1' });
    const answer = await until(async () => {
      const r = await radiusRequest(t.app.deps.network.api()!, {
        method: 'POST',
        url: '/api/radius/authorize?nas=127.0.0.1',
        headers: radiusAuth(),
        payload: {
          'User-Name': { type: 'string', value: [a.login] },
          'User-Password': { type: 'string', value: [a.password] },
        },
      });
      return restValues(r.json(), 'reply:Framed-IP-Address');
    });
    expect(answer).toEqual(['198.51.100.7']);
    // The same address again changes nothing and sends nothing.
    const events = () =>
      queryRows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from account_events where account_id = ${s.account.id} and kind = 'static_ip_assigned'`,
      );
    await db().transaction((tx) => assignStaticIp(tx, { accountId: s.account.id, address: '198.51.100.7' }));
    expect((await events())[0]!.n).toBe(1);
    const other = await buildSubscriber(db(), { regionId });
    await expect(
      db().transaction((tx) => assignStaticIp(tx, { accountId: other.account.id, address: '198.51.100.7' })),
    ).rejects.toMatchObject({ code: 'network_value_taken' });
  });

  it('changes speed by CoA on a tariff change, and disconnects when the NAS refuses the CoA', async () => {
    const faster = await buildTariff(db(), { regionId, speedDownKbps: 500_000, speedUpKbps: 250_000 });
    const s = await buildSubscriber(db(), { regionId });
    const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
    await openSession(s.account.id, a.login!, 'sess-tariff-1');
    const change = async () =>
      db().transaction(async (tx) => {
        await tx.execute(sql`update subscriptions set ends_on = current_date - 1 where account_id = ${s.account.id}`);
        await tx.execute(
          sql`insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
              values (${s.account.id}, 'tariff', ${faster.id}, 100000, current_date)`,
        );
        await tx.execute(sql`insert into account_events (account_id, kind) values (${s.account.id}, 'tariff_changed')`);
      });
    let mark = fakeNas.received.length;
    await change();
    const coa = await until(() => fakeNas.received.slice(mark).find((p) => p.code === 'CoA-Request'));
    expect((coa.attributes['Vendor-Specific'] as Record<string, string>)['Mikrotik-Rate-Limit']).toBe(
      '250000k/500000k',
    );

    fakeNas.setMode('nak-coa');
    try {
      mark = fakeNas.received.length;
      await db().execute(sql`insert into account_events (account_id, kind) values (${s.account.id}, 'tariff_changed')`);
      await until(() => fakeNas.received.slice(mark).find((p) => p.code === 'Disconnect-Request'));
    } finally {
      fakeNas.setMode('ack');
    }
    const log = await until(async () => {
      const rows = await queryRows<{ kind: string; reason: string; status: string; error: string | null }>(
        db(),
        sql`select kind, reason, status, error from coa_requests where account_id = ${s.account.id} order by id`,
      );
      return rows.length === 3 && rows[2]!.status !== 'pending' ? rows : undefined;
    });
    expect(log).toEqual([
      { kind: 'coa', reason: 'tariff_changed', status: 'ack', error: null },
      { kind: 'coa', reason: 'tariff_changed', status: 'nak', error: 'Invalid-Request' },
      { kind: 'disconnect', reason: 'coa_refused', status: 'ack', error: null },
    ]);
  });

  it('lists who is online across the ISP, by region and by login, account or IP; stale and ended sessions are not', async () => {
    const otherRegion = (await buildRegion(db())).id;
    const here = await buildSubscriber(db(), { regionId });
    const there = await buildSubscriber(db(), { regionId: otherRegion });
    const gone = await buildSubscriber(db(), { regionId });
    const ah = await buildNetworkAccess(db(), { accountId: here.account.id, appSecret: t.config.secret });
    const at = await buildNetworkAccess(db(), { accountId: there.account.id, appSecret: t.config.secret });
    const ag = await buildNetworkAccess(db(), { accountId: gone.account.id, appSecret: t.config.secret });
    await openSession(here.account.id, ah.login!, 'on-here', '100.64.9.1');
    await openSession(there.account.id, at.login!, 'on-there', '100.64.9.2');
    const stale = await openSession(gone.account.id, ag.login!, 'on-stale', '100.64.9.3');
    // Not heard of for an hour (interim updates stopped: the NAS lost it) → not online.
    await db().execute(sql`update radius_sessions set updated_at = now() - interval '1 hour' where id = ${stale}`);

    const operator = await buildStaff(db(), { role: 'operator' });
    const list = async (query: string, headers = operator.auth) => {
      const r = await t.app.inject({ method: 'GET', url: `/api/staff/network/online?${query}`, headers });
      expect(r.statusCode).toBe(200);
      return r.json<{ total: number; sessions: { username: string; accountNumber: string; framedIp: string }[] }>();
    };
    const mine = (r: Awaited<ReturnType<typeof list>>) =>
      r.sessions.map((x) => x.username).filter((u) => [ah.login, at.login, ag.login].includes(u));
    expect(mine(await list('limit=200')).sort()).toEqual([ah.login, at.login].sort());
    expect(mine(await list(`regionId=${otherRegion}`))).toEqual([at.login]);
    const byAccount = await list(`q=${here.account.number}`);
    expect(byAccount).toMatchObject({ total: 1, sessions: [{ username: ah.login, framedIp: '100.64.9.1' }] });
    expect((await list(`q=${ah.login!.toUpperCase()}`)).total).toBe(1);
    // A NAS may report the login as the subscriber typed it into the router.
    await db().execute(sql`update radius_sessions set username = upper(username) where acct_session_id = 'on-here'`);
    expect((await list(`q=${ah.login!}`)).total).toBe(1);
    expect((await list('q=100.64.9.2')).sessions[0]).toMatchObject({ accountNumber: there.account.number });
    expect((await list('q=100.64.9.3')).total).toBe(0);

    const finance = await buildStaff(db(), { role: 'finance' });
    const refused = await t.app.inject({ method: 'GET', url: '/api/staff/network/online', headers: finance.auth });
    expect(refused.statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'GET', url: '/api/staff/network/online?limit=0', headers: operator.auth });
    expect(bad.json().error.code).toBe('validation_failed');
  });

  it('lets staff see who is online and disconnect a session (audited); a silent NAS is a timeout', async () => {
    const s = await buildSubscriber(db(), { regionId });
    const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
    const sessionId = await openSession(s.account.id, a.login!, 'sess-staff-1');
    const support = await buildStaff(db(), { role: 'support' });
    const finance = await buildStaff(db(), { role: 'finance' });
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/network`,
      headers: support.auth,
    });
    expect(view.json().online).toHaveLength(1);
    expect(view.json().online[0]).toMatchObject({
      id: sessionId,
      framedIp: '100.64.5.5',
      nas: expect.stringMatching(/^BRAS-/),
    });

    const url = `/api/staff/accounts/${s.account.id}/sessions/${sessionId}/disconnect`;
    expect((await t.app.inject({ method: 'POST', url, headers: finance.auth })).statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url, headers: support.auth });
    expect(res.json()).toEqual({ status: 'ack', error: null });
    expect(fakeNas.received.at(-1)).toMatchObject({
      code: 'Disconnect-Request',
      attributes: { 'Acct-Session-Id': 'sess-staff-1' },
    });
    const [audit] = await queryRows<{ actor_id: string }>(
      db(),
      sql`select actor_id from audit_log where action = 'network.session.disconnect' and entity_id = ${String(s.account.id)}`,
    );
    expect(audit!.actor_id).toBe(String(support.user.id));

    fakeNas.setMode('silent');
    try {
      const silent = await t.app.inject({ method: 'POST', url, headers: support.auth });
      expect(silent.json()).toEqual({ status: 'timeout', error: null });
    } finally {
      fakeNas.setMode('ack');
    }
    await db().execute(sql`update radius_sessions set stopped_at = now() where id = ${sessionId}`);
    const ended = await t.app.inject({ method: 'POST', url, headers: support.auth });
    expect(ended.statusCode).toBe(409);
    expect(ended.json().error.code).toBe('session_not_online');
  });

  it('keeps a NAS registry with encrypted secrets that only admins change', async () => {
    const admin = await buildStaff(db(), { role: 'admin' });
    const op = await buildStaff(db(), { role: 'operator' });
    const body = {
      regionId,
      name: 'BRAS Север',
      address: '10.20.0.1',
      secret: 'very-secret-1',
      vendor: 'juniper',
      coaPort: 3799,
    };
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/staff/nas', headers: op.auth, payload: body })).statusCode,
    ).toBe(403);
    const created = await t.app.inject({ method: 'POST', url: '/api/staff/nas', headers: admin.auth, payload: body });
    expect(created.statusCode).toBe(200);
    const again = await t.app.inject({ method: 'POST', url: '/api/staff/nas', headers: admin.auth, payload: body });
    expect(again.statusCode).toBe(409);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/staff/nas',
      headers: admin.auth,
      payload: { ...body, address: '10.20.0.300', vendor: 'dlink' },
    });
    expect(bad.statusCode).toBe(400);
    const list = await t.app.inject({ method: 'GET', url: `/api/staff/nas?regionId=${regionId}`, headers: op.auth });
    const mine = list.json().nas.find((n: { id: number }) => n.id === created.json().id);
    expect(mine).toMatchObject({ name: 'BRAS Север', address: '10.20.0.1', vendor: 'juniper', online: 0 });
    expect(JSON.stringify(list.json())).not.toContain('very-secret-1');
    const [row] = await queryRows<{ secret_enc: string }>(
      db(),
      sql`select secret_enc from nas where address = '10.20.0.1'`,
    );
    expect(row!.secret_enc).not.toContain('very-secret-1');

    const upd = await t.app.inject({
      method: 'PATCH',
      url: `/api/staff/nas/${created.json().id}`,
      headers: admin.auth,
      payload: { secret: 'another-secret-2', active: false },
    });
    expect(upd.statusCode).toBe(200);
    // Inactive: FreeRADIUS no longer gets it (the directory follows the registry by NOTIFY).
    const client = await until(async () => {
      const r = await radiusRequest(t.app.deps.network.api()!, {
        method: 'GET',
        url: '/api/radius/clients/10.20.0.1',
        headers: radiusAuth(),
      });
      return r.statusCode === 404 ? r : undefined;
    });
    expect(client.statusCode).toBe(404);
    const audit = await queryRows<{ after: unknown }>(
      db(),
      sql`select after from audit_log where entity = 'nas' order by id`,
    );
    expect(JSON.stringify(audit)).not.toMatch(/very-secret-1|another-secret-2/);
  });

  it('shows the captive portal the balance of the account behind the address, and the allow-list', async () => {
    const s = await buildSubscriber(db(), { regionId, balance: -12_345, status: 'blocked' });
    const a = await buildNetworkAccess(db(), { accountId: s.account.id, appSecret: t.config.secret });
    await openSession(s.account.id, a.login!, 'sess-portal-1', '100.64.7.7');
    const me = await t.app.inject({ method: 'GET', url: '/api/portal/me', remoteAddress: '100.64.7.7' });
    expect(me.json()).toEqual({
      identified: true,
      accountNumber: s.account.number,
      balance: -12_345,
      status: 'blocked',
      toPay: 12_345,
      supportPhone: '88005559167',
    });
    const stranger = await t.app.inject({ method: 'GET', url: '/api/portal/me', remoteAddress: '203.0.113.9' });
    expect(stranger.json()).toMatchObject({ identified: false, accountNumber: null });
    const allow = await t.app.inject({ method: 'GET', url: '/api/portal/allow-list' });
    expect(allow.json().domains.map((d: { domain: string }) => d.domain)).toContain('gosuslugi.ru');
  });
});
