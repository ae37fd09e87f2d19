import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { AtolClient } from '../../integrations/atol/atol-client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { createTestDatabase } from '../../test/db.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { startFakeAtol } from '../../test/fakes/atol.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { ensureInstallation, getInstallation, renewInstallation } from '../installation/installation.js';
import { newPaymentIdAndKey } from '../payments/provider-requests.js';
import { AUTO_REISSUES, POLL_SCHEDULE_S, registerReceiptJob } from './register-receipt.job.js';

/**
 * The fiscal rules of docs/receipts.md: who fiscalises an agent's payment, keys unique per installation
 * (a restored copy never reuses the original's), an ATOL duplicate adopted only when it is our document,
 * and polling on its own schedule.
 */
let t: TestContext;
let atol: Awaited<ReturnType<typeof startFakeAtol>>;
let admin: Awaited<ReturnType<typeof buildStaff>>;
beforeAll(async () => {
  atol = await startFakeAtol({ pendingReports: 1 });
  t = await createTestApp(
    {},
    { atol: new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password }) },
  );
  admin = await buildStaff(t.database.db, { role: 'admin' });
});
afterAll(async () => {
  await t.close();
  await atol.close();
});

const drain = () => new JobWorker(t.app.deps, [registerReceiptJob]).drain();
const makeDue = () =>
  t.database.db.execute(sql`update jobs set run_at = now() where name = 'receipts.register' and state <> 'done'`);
const receiptOf = async (paymentId: number) =>
  (
    await queryRows<{ status: string; external_id: string | null; attempt: number; polls: number; last_error: string }>(
      t.database.db,
      sql`select status, external_id, attempt, polls, last_error from receipts where payment_id = ${paymentId}`,
    )
  )[0];
const jobOf = async (paymentId: number) =>
  (
    await queryRows<{ state: string; attempts: number }>(
      t.database.db,
      sql`select state, attempts from jobs where key = ${`receipt:${paymentId}`}`,
    )
  )[0];

async function agent(code: string, fiscalizes?: boolean) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/staff/agents',
    headers: admin.auth,
    payload: { code, name: code, allowedCidrs: ['127.0.0.1'], ...(fiscalizes === undefined ? {} : { fiscalizes }) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return {
    view: res.json(),
    pay: async (account: string, txn: string, sum = '300.00') => {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/agents/${code}/osmp?${new URLSearchParams({ command: 'pay', txn_id: txn, account, sum, txn_date: '20261125100000' })}`,
        headers: { authorization: `Basic ${Buffer.from(`${code}:${res.json().secret}`).toString('base64')}` },
      });
      const id = /<prv_txn>(\d+)<\/prv_txn>/.exec(r.body)?.[1];
      expect(id, r.body).toBeDefined();
      return Number(id);
    },
  };
}

async function subscriberWithReceipts() {
  const s = await signedInSubscriber(t.app, t.database.db, { email: 'payer@example.net', balance: 0 });
  const put = await t.app.inject({
    method: 'PUT',
    url: `/api/staff/regions/${s.account.regionId}/receipt-settings`,
    headers: admin.auth,
    payload: {
      enabled: true,
      groupCode: 'group_1',
      inn: '7700000000',
      paymentAddress: 'https://abonent.example',
      sno: 'usn_income',
      companyEmail: 'kassa@example.net',
    },
  });
  expect(put.statusCode, put.body).toBe(200);
  return s;
}

describe('who fiscalises an agent payment', () => {
  it('an agent fiscalises its own payments by default: Abonent issues no second receipt', async () => {
    const s = await subscriberWithReceipts();
    const terminals = await agent('kiosks');
    expect(terminals.view.fiscalizes).toBe(true);
    const paid = await terminals.pay(s.account.number, 'f-1');
    expect(await receiptOf(paid)).toBeUndefined();
    expect(await jobOf(paid)).toBeUndefined();
    const sellsBefore = atol.state.sells;
    await drain();
    expect(atol.state.sells).toBe(sellsBefore);
  });

  it('an agent that does not fiscalise gets receipts from Abonent; the switch is audited and shown', async () => {
    const s = await subscriberWithReceipts();
    const bank = await agent('bank-app', false);
    const before = await bank.pay(s.account.number, 'f-2');
    expect(await receiptOf(before)).toMatchObject({ status: 'pending' });
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/staff/agents/bank-app',
      headers: admin.auth,
      payload: { fiscalizes: true },
    });
    expect(patch.json()).toMatchObject({ fiscalizes: true });
    const after = await bank.pay(s.account.number, 'f-3');
    expect(await receiptOf(after)).toBeUndefined();
    const list = await t.app.inject({ url: '/api/staff/agents', headers: admin.auth });
    expect(list.json().agents.find((a: { code: string }) => a.code === 'bank-app')).toMatchObject({ fiscalizes: true });
    const [audit] = await queryRows<{ before: { fiscalizes: boolean }; after: { fiscalizes: boolean } }>(
      t.database.db,
      sql`select before, after from audit_log where action = 'agent.updated' order by id desc limit 1`,
    );
    expect([audit!.before.fiscalizes, audit!.after.fiscalizes]).toEqual([false, true]);
  });
});

describe('keys unique per installation', () => {
  it('external ids and provider keys carry the installation id; a renewed id applies to new rows only', async () => {
    const s = await subscriberWithReceipts();
    const a = await agent('inst-a', false);
    const { id: inst } = await getInstallation(t.database.db);
    expect(inst).toMatch(/^[a-z0-9]{10}$/);
    const first = await a.pay(s.account.number, 'k-1');
    expect((await receiptOf(first))!.external_id).toBe(`${inst}-${first}`);
    await drain();
    expect(atol.state.byExternalId.get(`${inst}-${first}`)?.body.receipt.total).toBe(300);

    const renewed = await renewInstallation(t.database.db, 'test');
    expect(renewed).not.toBe(inst);
    const second = await a.pay(s.account.number, 'k-2');
    expect((await receiptOf(second))!.external_id).toBe(`${renewed}-${second}`);
    expect((await receiptOf(first))!.external_id).toBe(`${inst}-${first}`); // a stored key never changes
    expect((await getInstallation(t.database.db)).previous).toEqual([
      expect.objectContaining({ id: inst, why: 'test' }),
    ]);
  });

  it('a restored copy detects that it is another cluster and stops reusing the original’s keys', async () => {
    // Two databases made from one migrated template: the original and its restored copy. The same
    // installation id and the same sequences — the next payment of each would get the same key.
    const original = await createTestDatabase();
    const copy = await createTestDatabase();
    try {
      const s1 = await buildSubscriber(original.db, {});
      const s2 = await buildSubscriber(copy.db, {});
      const key = async (db: typeof original.db, accountId: number) =>
        (
          await queryRows<{ key: string }>(
            db,
            sql`insert into payments (id, provider_key, account_id, provider, amount, status, method)
                select n.id, n.key, ${accountId}, 'yookassa', 100, 'pending', 'card' from ${newPaymentIdAndKey} n
                returning provider_key as key`,
          )
        )[0]!.key;
      await ensureInstallation(original.db);
      await ensureInstallation(copy.db);
      const [k1, k2] = [await key(original.db, s1.account.id), await key(copy.db, s2.account.id)];
      expect(k1).toBe(k2); // the collision the installation id exists to prevent

      // The copy now runs on another cluster (what a restore from a dump into a new server is).
      await copy.db.execute(sql`update installation set system_identifier = 'cluster-of-the-original'`);
      const logged: string[] = [];
      const renewed = await ensureInstallation(copy.db, (m) => logged.push(m));
      expect(renewed).not.toBe((await getInstallation(original.db)).id);
      expect(logged).toEqual([expect.stringContaining('installation id renewed')]);
      const [n1, n2] = [await key(original.db, s1.account.id), await key(copy.db, s2.account.id)];
      expect(n1.replace(/^[a-z0-9]+:/, '')).toBe(n2.replace(/^[a-z0-9]+:/, '')); // same payment id…
      expect(n1).not.toBe(n2); // …different keys at the provider
      // The same database started again keeps its id.
      expect(await ensureInstallation(copy.db)).toBe(renewed);
    } finally {
      await original.close();
      await copy.close();
    }
  });
});

describe('an ATOL duplicate (error 33)', () => {
  it('is adopted when it is our document (our answer was lost): one sell, one receipt', async () => {
    const s = await subscriberWithReceipts();
    const a = await agent('dup-own', false);
    await drain(); // earlier tests' receipts are not in the way
    atol.state.loseAnswers = 1;
    const sells = atol.state.sells;
    const paid = await a.pay(s.account.number, 'd-1');
    await drain(); // registered at ATOL, answer lost (500): the job retries
    expect(await receiptOf(paid)).toMatchObject({ status: 'pending' });
    for (let i = 0; i < 3; i++) {
      await makeDue();
      await drain();
    }
    const r = await receiptOf(paid);
    expect(r).toMatchObject({ status: 'done', attempt: 1 });
    expect(atol.state.sells - sells).toBe(2); // the lost one and the repeat answered 33
    expect([...atol.state.byExternalId.keys()].filter((k) => k.startsWith(r!.external_id!))).toHaveLength(1);
  });

  it('is not adopted when ATOL keeps another document under our id: ours is issued again under the next id', async () => {
    const s = await subscriberWithReceipts();
    const a = await agent('dup-foreign', false);
    const { id: inst } = await getInstallation(t.database.db);
    // The next payment's id, as another installation on this group (or the original of a restored copy)
    // already used it for its own payment of 999 ₽.
    const [{ next }] = (await queryRows<{ next: number }>(
      t.database.db,
      sql`select last_value + 1 as next from payments_id_seq`,
    )) as [{ next: number }];
    const foreign = atol.preRegister(`${inst}-${next}`, 'group_1', 999);
    const paid = await a.pay(s.account.number, 'd-2');
    expect(paid).toBe(Number(next));
    for (let i = 0; i < 4; i++) {
      await drain();
      await makeDue();
    }
    const r = await receiptOf(paid);
    expect(r).toMatchObject({ status: 'done', attempt: 2 });
    expect(r!.last_error).toBeNull();
    const ours = atol.state.byExternalId.get(`${inst}-${paid}-2`)!;
    expect(ours.body.receipt.total).toBe(300);
    expect(atol.state.byExternalId.get(`${inst}-${paid}`)).toBe(foreign); // left as it was
    const [saved] = await queryRows<{ uuid: string }>(
      t.database.db,
      sql`select uuid from receipts where payment_id = ${paid}`,
    );
    expect(saved!.uuid).toBe(ours.uuid);
    expect(saved!.uuid).not.toBe(foreign.uuid);
    expect(AUTO_REISSUES).toBeGreaterThan(0);
  });
});

describe('polling ATOL', () => {
  it('runs on its own schedule and never uses up the job’s attempts', async () => {
    const slow = await startFakeAtol({ pendingReports: 14 }); // still processing for 14 reports
    t.app.deps.atol = new AtolClient({ baseUrl: slow.url, login: slow.login, password: slow.password });
    try {
      const s = await subscriberWithReceipts();
      const a = await agent('slow', false);
      const paid = await a.pay(s.account.number, 'p-1');
      await drain();
      const [job] = await queryRows<{ attempts: number; max_attempts: number; wait_s: number }>(
        t.database.db,
        sql`select attempts, max_attempts, extract(epoch from run_at - now())::float8 as wait_s from jobs where key = ${`receipt:${paid}`}`,
      );
      expect(job!.attempts).toBe(0); // the registration and first poll cost no attempt
      expect(job!.wait_s).toBeGreaterThan(POLL_SCHEDULE_S[0]! - 1.5);
      for (let i = 0; i < 14; i++) {
        await makeDue();
        await drain();
      }
      expect(await receiptOf(paid)).toMatchObject({ status: 'done', polls: 14 });
      const done = await jobOf(paid);
      expect(done).toEqual({ state: 'done', attempts: 1 });
      expect(14).toBeGreaterThan(job!.max_attempts); // more polls than the job has attempts
      expect(slow.state.sells).toBe(1);
    } finally {
      t.app.deps.atol = new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password });
      await slow.close();
    }
  });

  it('receipts without fiscal data for over an hour show in the metrics (and the alert rule reads them)', async () => {
    const s = await subscriberWithReceipts();
    const a = await agent('late', false);
    const paid = await a.pay(s.account.number, 'l-1');
    await t.database.db.execute(
      sql`update receipts set created_at = now() - interval '2 hours', status = 'registered' where payment_id = ${paid}`,
    );
    const { body } = await t.app.deps.metrics.render();
    const line = body.split('\n').find((l) => l.startsWith('abonent_receipts_pending_over_hour '));
    expect(Number(line?.split(' ')[1])).toBeGreaterThanOrEqual(1);
    const { readFile } = await import('node:fs/promises');
    const rules = await readFile(new URL('../../../deploy/prometheus/abonent-alerts.yml', import.meta.url), 'utf8');
    expect(rules).toMatch(/alert: AbonentReceiptsLate\n\s+expr: max\(abonent_receipts_pending_over_hour/);
  });
});
