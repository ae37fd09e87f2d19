import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';

let t: TestContext;
let basic: Record<string, string>;
const code = 'kiosk';
beforeAll(async () => {
  t = await createTestApp();
  const admin = await buildStaff(t.database.db, { role: 'admin' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/staff/agents',
    headers: admin.auth,
    payload: {
      code,
      name: 'Терминалы',
      allowedCidrs: ['127.0.0.1/32', '10.20.0.0/16'],
      minAmount: 1_000,
      maxAmount: 1_500_000,
    },
  });
  expect(res.statusCode).toBe(200);
  basic = { authorization: `Basic ${Buffer.from(`${code}:${res.json().secret}`).toString('base64')}` };
});
afterAll(() => t.close());

const xml = (body: string) => {
  const get = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
  return { result: Number(get('result')), prvTxn: get('prv_txn'), sum: get('sum'), txnId: get('osmp_txn_id') };
};
const osmp = async (q: Record<string, string>, headers: Record<string, string> = basic, remoteAddress?: string) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/agents/${code}/osmp?${new URLSearchParams(q)}`,
    headers,
    remoteAddress,
  });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body, ...xml(res.body) };
};
const balanceOf = async (id: number) =>
  (await queryRows<{ balance: number }>(t.database.db, sql`select balance from accounts where id = ${id}`))[0]!.balance;
const entries = async (id: number) =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from ledger_entries where account_id = ${id} and kind = 'payment'`,
    )
  )[0]!.n;

describe('OSMP check/pay', () => {
  it('answers check with the protocol result codes', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const { account: gone } = await buildSubscriber(t.database.db, { status: 'terminated' });
    const ok = await osmp({ command: 'check', txn_id: '1001', account: account.number, sum: '100.00' });
    expect(ok).toMatchObject({ status: 200, result: 0, txnId: '1001' });
    expect(ok.type).toMatch(/xml/);
    expect(ok.body.startsWith('<?xml version="1.0" encoding="UTF-8"?><response>')).toBe(true);
    expect((await osmp({ command: 'check', txn_id: '1002', account: '999999999999', sum: '100.00' })).result).toBe(5);
    expect((await osmp({ command: 'check', txn_id: '1003', account: 'abc-1', sum: '100.00' })).result).toBe(4);
    expect((await osmp({ command: 'check', txn_id: '1004', account: gone.number, sum: '100.00' })).result).toBe(7);
    for (const sum of ['10.005', '-5', '1e3', '1,00', '']) {
      expect((await osmp({ command: 'check', txn_id: '1005', account: account.number, sum })).result).toBe(300);
    }
    expect((await osmp({ command: 'check', txn_id: '1006', account: account.number, sum: '9.99' })).result).toBe(241);
    expect((await osmp({ command: 'check', txn_id: '1007', account: account.number, sum: '15000.01' })).result).toBe(
      242,
    );
    expect((await osmp({ command: 'nope', txn_id: '1008' })).result).toBe(300);
    expect(await balanceOf(account.id)).toBe(0);
  });

  it('answers getInfo and a zero-sum check, as terminal networks send them before the payer puts money in', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: -5_000, fullName: 'Петрова Анна Сергеевна' });
    const { account: gone } = await buildSubscriber(t.database.db, { status: 'terminated' });
    const info = await osmp({ command: 'getInfo', account: account.number, ccy: 'RUB', prv_id: '1' });
    expect(info).toMatchObject({ status: 200, result: 0 });
    expect(info.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><response><result>0</result><comment>OK</comment><fields><field1 name="account">${account.number}</field1><field2 name="fio">Петрова А. С.</field2></fields></response>`,
    );
    expect((await osmp({ command: 'getInfo', account: '999999999999' })).result).toBe(5);
    expect((await osmp({ command: 'getInfo', account: 'abc' })).result).toBe(4);
    expect((await osmp({ command: 'getInfo', account: gone.number })).result).toBe(7);

    for (const sum of ['0.00', '0', undefined]) {
      const q = { command: 'check', txn_id: '1101', account: account.number, ...(sum === undefined ? {} : { sum }) };
      expect(await osmp(q)).toMatchObject({ result: 0, txnId: '1101' });
    }
    expect((await osmp({ command: 'check', txn_id: '1102', account: gone.number, sum: '0.00' })).result).toBe(7);
    // Paying zero is still refused, and nothing was credited by the checks.
    const pay = { command: 'pay', txn_id: '1103', account: account.number, sum: '0.00', txn_date: '20261125120000' };
    expect((await osmp(pay)).result).toBe(241);
    expect(await entries(account.id)).toBe(0);
    // Without credentials getInfo is refused like the other commands.
    expect((await osmp({ command: 'getInfo', account: account.number }, {})).status).toBe(401);
  });

  it('credits a pay once: a repeated txn_id answers the same prv_txn', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: -5_000, status: 'blocked' });
    const q = { command: 'pay', txn_id: '2001', account: account.number, sum: '150.50', txn_date: '20261125101500' };
    const first = await osmp(q);
    expect(first).toMatchObject({ status: 200, result: 0, sum: '150.50' });
    expect(Number(first.prvTxn)).toBeGreaterThan(0);
    const again = await osmp(q);
    expect(again).toMatchObject({ result: 0, prvTxn: first.prvTxn });
    expect(await balanceOf(account.id)).toBe(10_050);
    expect(await entries(account.id)).toBe(1);
    const [acc] = await queryRows<{ status: string }>(
      t.database.db,
      sql`select status from accounts where id = ${account.id}`,
    );
    expect(acc!.status).toBe('active');
    // The same txn_id for another sum is refused, and credits nothing.
    expect((await osmp({ ...q, sum: '200.00' })).result).toBe(300);
    expect(await balanceOf(account.id)).toBe(10_050);
  });

  it('credits concurrent repeats of one pay once', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const q = { command: 'pay', txn_id: '3001', account: account.number, sum: '500', txn_date: '20261125120000' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => osmp(q)));
    const ids = new Set(answers.map((a) => a.prvTxn));
    expect(answers.every((a) => a.result === 0)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await balanceOf(account.id)).toBe(50_000);
    expect(await entries(account.id)).toBe(1);
  });

  it('refuses bad sums, accounts and dates on pay and changes nothing', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const base = { command: 'pay', account: account.number, txn_date: '20261125120000' };
    expect((await osmp({ ...base, txn_id: '4001', sum: '0.001' })).result).toBe(300);
    expect((await osmp({ ...base, txn_id: '4002', sum: '0' })).result).toBe(241);
    expect((await osmp({ ...base, txn_id: '4003', sum: '99999999.00' })).result).toBe(242);
    expect((await osmp({ ...base, txn_id: '4004', sum: '100', txn_date: '2026-11-25' })).result).toBe(300);
    expect((await osmp({ ...base, txn_id: '4005', sum: '100', account: '000000001' })).result).toBe(5);
    expect(await balanceOf(account.id)).toBe(0);
    const [p] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from payments where account_id = ${account.id}`,
    );
    expect(p!.n).toBe(0);
  });

  it('accepts a form POST', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/agents/${code}/osmp`,
      headers: { ...basic, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        command: 'pay',
        txn_id: '5001',
        account: account.number,
        sum: '20.00',
        txn_date: '20261125120000',
      }).toString(),
    });
    expect(xml(res.body).result).toBe(0);
    expect(await balanceOf(account.id)).toBe(2_000);
  });

  it("refuses wrong credentials, another agent's login and addresses outside the allow-list", async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const q = { command: 'pay', txn_id: '6001', account: account.number, sum: '100', txn_date: '20261125120000' };
    const wrong = await osmp(q, { authorization: `Basic ${Buffer.from(`${code}:guess`).toString('base64')}` });
    expect(wrong).toMatchObject({ status: 401, result: 8 });
    expect((await osmp(q, {})).status).toBe(401);
    const otherLogin = await t.app.inject({
      method: 'GET',
      url: `/api/agents/other/osmp?${new URLSearchParams(q)}`,
      headers: basic,
    });
    expect(otherLogin.statusCode).toBe(401);
    const outside = await osmp(q, basic, '192.168.1.10');
    expect(outside).toMatchObject({ status: 403, result: 8 });
    // A forged X-Forwarded-For does not get an outsider in (no proxy is trusted by default).
    const forged = await osmp(q, { ...basic, 'x-forwarded-for': '10.20.3.4' }, '192.168.1.10');
    expect(forged).toMatchObject({ status: 403, result: 8 });
    const inside = await osmp({ ...q, command: 'check' }, basic, '10.20.3.4');
    expect(inside.result).toBe(0);
    expect(await balanceOf(account.id)).toBe(0);
  });

  it('lets only admins create agents and shows the secret once', async () => {
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/agents',
      headers: fin.auth,
      payload: { code: 'bank', name: 'Bank', allowedCidrs: ['10.0.0.1'] },
    });
    expect(res.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/agents', headers: fin.auth });
    expect(list.json().agents.map((a: { code: string }) => a.code)).toContain(code);
    expect(JSON.stringify(list.json())).not.toMatch(/secret/i);
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/staff/agents',
      headers: admin.auth,
      payload: { code, name: 'x', allowedCidrs: ['10.0.0.1'] },
    });
    expect(dup.statusCode).toBe(409);
    const badCidr = await t.app.inject({
      method: 'POST',
      url: '/api/staff/agents',
      headers: admin.auth,
      payload: { code: 'bank2', name: 'x', allowedCidrs: ['10.0.0.0/40'] },
    });
    expect(badCidr.statusCode).toBe(400);
  });
});

describe('agent administration', () => {
  it('a disabled agent is refused; a rotated secret replaces the old one at once', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/staff/agents',
      headers: admin.auth,
      payload: { code: 'bank7', name: 'Bank 7', allowedCidrs: ['127.0.0.0/8', '::1'] },
    });
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const call = (secret: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/agents/bank7/osmp?${new URLSearchParams({ command: 'check', txn_id: '1', account: account.number, sum: '10.00' })}`,
        headers: { authorization: `Basic ${Buffer.from(`bank7:${secret}`).toString('base64')}` },
      });
    const old = created.json().secret as string;
    expect(xml((await call(old)).body).result).toBe(0);
    const off = await t.app.inject({
      method: 'PATCH',
      url: '/api/staff/agents/bank7',
      headers: admin.auth,
      payload: { active: false },
    });
    expect(off.json()).toMatchObject({ active: false, secret: null });
    expect((await call(old)).statusCode).toBe(403);
    const rotated = await t.app.inject({
      method: 'PATCH',
      url: '/api/staff/agents/bank7',
      headers: admin.auth,
      payload: { active: true, rotateSecret: true },
    });
    const fresh = rotated.json().secret as string;
    expect(fresh).toBeTruthy();
    expect((await call(old)).statusCode).toBe(401);
    expect(xml((await call(fresh)).body).result).toBe(0);
    const [audit] = await queryRows<{ after: Record<string, unknown> }>(
      t.database.db,
      sql`select after from audit_log where action = 'agent.updated' order by id desc limit 1`,
    );
    expect(JSON.stringify(audit!.after)).not.toContain(fresh);
  });
});

describe('daily reconciliation', () => {
  it('lists what differs between the registry and our payments, and keeps the result', async () => {
    const { account } = await buildSubscriber(t.database.db, { balance: 0 });
    const day = '2026-11-20';
    for (const [txn, sum] of [
      ['7001', '100.00'],
      ['7002', '200.00'],
      ['7003', '300.00'],
    ] as const) {
      expect(
        (await osmp({ command: 'pay', txn_id: txn, account: account.number, sum, txn_date: '20261120093000' })).result,
      ).toBe(0);
    }
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    const registry = [
      'txn_id;account;sum;txn_date',
      `7001;${account.number};100.00;20261120093000`,
      `7002;${account.number};250.00;20261120093000`,
      `7009;${account.number};50.00;20261120101010`,
      '',
    ].join('\r\n');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/staff/agents/${code}/reconciliations`,
      headers: fin.auth,
      payload: { day, registry },
    });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      day,
      matched: false,
      registry: { count: 3, sum: 40_000 },
      ours: { count: 3, sum: 60_000 },
    });
    const byKind = Object.fromEntries(r.differences.map((d: { kind: string; txnId: string }) => [d.txnId, d.kind]));
    expect(byKind).toEqual({ '7002': 'sum_mismatch', '7009': 'missing_here', '7003': 'missing_in_registry' });
    const past = await t.app.inject({
      method: 'GET',
      url: `/api/staff/agents/${code}/reconciliations?day=${day}`,
      headers: fin.auth,
    });
    expect(past.json().reconciliations[0]).toMatchObject({ id: r.id, matched: false });

    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/staff/agents/${code}/reconciliations`,
      headers: fin.auth,
      payload: { day, registry: `7001;${account.number};1,5;20261120093000` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/строка 1/);
    const op = await buildStaff(t.database.db, { role: 'operator' });
    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/staff/agents/${code}/reconciliations`,
      headers: op.auth,
      payload: { day, registry },
    });
    expect(denied.statusCode).toBe(403);
  });
});
