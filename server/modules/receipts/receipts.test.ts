import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { AtolClient } from '../../integrations/atol/atol-client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeAtol } from '../../test/fakes/atol.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { getInstallation } from '../installation/installation.js';
import { afterPaymentSucceeded } from './after-payment-succeeded.js';
import { buildAtolReceipt } from './build-atol-receipt.js';
import { registerReceiptJob } from './register-receipt.job.js';

let t: TestContext;
let atol: Awaited<ReturnType<typeof startFakeAtol>>;
let basic: Record<string, string>;
let admin: Awaited<ReturnType<typeof buildStaff>>;
/** This installation's id: ATOL external_ids are `<inst>-<payment id>`. */
let inst: string;
const ext = (paymentId: number, attempt = 1) => `${inst}-${paymentId}${attempt > 1 ? `-${attempt}` : ''}`;
beforeAll(async () => {
  atol = await startFakeAtol({ pendingReports: 1 });
  t = await createTestApp(
    {},
    { atol: new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password }) },
  );
  admin = await buildStaff(t.database.db, { role: 'admin' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/staff/agents',
    headers: admin.auth,
    // This network's terminals print no receipt: Abonent issues them (agents.fiscalizes false).
    payload: { code: 'term', name: 'Terminals', allowedCidrs: ['127.0.0.1'], fiscalizes: false },
  });
  basic = { authorization: `Basic ${Buffer.from(`term:${res.json().secret}`).toString('base64')}` };
  inst = (await getInstallation(t.database.db)).id;
});
afterAll(async () => {
  await t.close();
  await atol.close();
});

const drain = () => new JobWorker(t.app.deps, [registerReceiptJob]).drain();
/** Time passes for the job queue: retries scheduled with backoff become due now. */
const makeDue = () =>
  t.database.db.execute(sql`update jobs set run_at = now() where name = 'receipts.register' and state <> 'done'`);
const receiptOf = async (paymentId: number) =>
  (
    await queryRows<{
      status: string;
      uuid: string | null;
      receipt_url: string | null;
      fn_number: string | null;
      last_error: string | null;
    }>(
      t.database.db,
      sql`select status, uuid, receipt_url, fn_number, last_error from receipts where payment_id = ${paymentId}`,
    )
  )[0];

async function subscriberWithReceipts(enabled = true) {
  const s = await signedInSubscriber(t.app, t.database.db, { email: 'payer@example.net', balance: 0 });
  const put = await t.app.inject({
    method: 'PUT',
    url: `/api/staff/regions/${s.account.regionId}/receipt-settings`,
    headers: admin.auth,
    payload: {
      enabled,
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
async function agentPay(account: string, txn: string, sum = '300.00') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/agents/term/osmp?${new URLSearchParams({ command: 'pay', txn_id: txn, account, sum, txn_date: '20261125100000' })}`,
    headers: basic,
  });
  const id = /<prv_txn>(\d+)<\/prv_txn>/.exec(res.body)?.[1];
  expect(id, res.body).toBeDefined();
  return Number(id);
}

describe('54-ФЗ receipts through ATOL Online', () => {
  it('sells a receipt for an online payment, polls the report until done and shows the link to the subscriber', async () => {
    const s = await subscriberWithReceipts();
    const paymentId = await agentPay(s.account.number, 'r-1');
    await drain(); // sell + first report: still "wait" → retried later
    expect(await receiptOf(paymentId)).toMatchObject({ status: 'registered', receipt_url: null });
    await makeDue();
    await drain();
    const r = await receiptOf(paymentId);
    expect(r).toMatchObject({ status: 'done', fn_number: '9999078900004312', last_error: null });
    expect(r!.receipt_url).toMatch(
      /^https:\/\/check\.nalog\.ru\/\?t=20261125T1000&s=300\.00&fn=9999078900004312&i=\d+&fp=3449555941&n=1$/,
    );

    const doc = atol.state.byExternalId.get(ext(paymentId))!;
    expect(doc.groupCode).toBe('group_1');
    expect(doc.body.receipt).toMatchObject({
      client: { email: 'payer@example.net' },
      company: { inn: '7700000000', sno: 'usn_income', payment_address: 'https://abonent.example' },
      items: [
        {
          name: `Аванс за услуги связи, лицевой счёт ${s.account.number}`,
          price: 300,
          sum: 300,
          quantity: 1,
          measure: 0,
          payment_method: 'advance',
          payment_object: 10,
          vat: { type: 'none' },
        },
      ],
      payments: [{ type: 1, sum: 300 }],
      total: 300,
    });

    const mine = await t.app.inject({ method: 'GET', url: '/api/me/receipts', headers: s.auth });
    expect(mine.json().receipts).toEqual([
      expect.objectContaining({ paymentId, amount: 30_000, status: 'done', receiptUrl: r!.receipt_url }),
    ]);
    const other = await signedInSubscriber(t.app, t.database.db);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me/receipts', headers: other.auth })).json().receipts,
    ).toEqual([]);
  });

  it('retries a failed sell with backoff and never sells one payment twice', async () => {
    const s = await subscriberWithReceipts();
    const sellsBefore = atol.state.sells;
    atol.state.failSells = 1;
    const paymentId = await agentPay(s.account.number, 'r-2', '100.50');
    await drain();
    const failed = await receiptOf(paymentId);
    expect(failed).toMatchObject({ status: 'pending', uuid: null });
    expect(failed!.last_error).toMatch(/500/);
    const [job] = await queryRows<{ attempts: number; state: string; due_later: boolean }>(
      t.database.db,
      sql`select attempts, state, run_at > now() as due_later from jobs where key = ${`receipt:${paymentId}`}`,
    );
    expect(job).toMatchObject({ attempts: 1, due_later: true });
    // A duplicate enqueue (the same payment reported again) adds nothing.
    await t.database.db.transaction((tx) => afterPaymentSucceeded(tx, paymentId));
    const [jobs] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from jobs where key = ${`receipt:${paymentId}`}`,
    );
    expect(jobs!.n).toBe(1);
    for (let i = 0; i < 3; i++) {
      await makeDue();
      await drain();
    }
    expect((await receiptOf(paymentId))!.status).toBe('done');
    expect(atol.state.sells - sellsBefore).toBe(2); // the failed one and the one that worked
    expect([...atol.state.byExternalId.keys()].filter((k) => k === ext(paymentId))).toHaveLength(1);
  });

  it('gets a new token when ATOL refuses the cached one', async () => {
    const s = await subscriberWithReceipts();
    const issued = atol.state.tokensIssued;
    atol.expireTokens();
    const paymentId = await agentPay(s.account.number, 'r-3');
    for (let i = 0; i < 2; i++) {
      await drain();
      await makeDue();
    }
    expect((await receiptOf(paymentId))!.status).toBe('done');
    expect(atol.state.tokensIssued).toBe(issued + 1);
  });

  it('marks a receipt ATOL refuses as failed with the reason, without retrying', async () => {
    const s = await subscriberWithReceipts();
    atol.state.failDocuments = 1;
    const paymentId = await agentPay(s.account.number, 'r-5');
    await drain();
    const r = await receiptOf(paymentId);
    expect(r).toMatchObject({ status: 'failed', receipt_url: null });
    expect(r!.last_error).toMatch(/32/);
    const [job] = await queryRows<{ state: string }>(
      t.database.db,
      sql`select state from jobs where key = ${`receipt:${paymentId}`}`,
    );
    expect(job!.state).toBe('done');
  });

  it('issues no receipt for office cash or when the region has receipts off', async () => {
    const s = await subscriberWithReceipts();
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    const cash = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/payments`,
      headers: fin.auth,
      payload: { amount: 10_000, method: 'cash', idempotencyKey: 'cash-r' },
    });
    const cashId = cash.json().paymentId as number;
    expect(await t.database.db.transaction((tx) => afterPaymentSucceeded(tx, cashId))).toBe(false);
    const off = await subscriberWithReceipts(false);
    const paymentId = await agentPay(off.account.number, 'r-4');
    expect(await receiptOf(paymentId)).toBeUndefined();
    expect(await receiptOf(cashId)).toBeUndefined();
  });

  it('finance sees a refused receipt with ATOL’s reason and re-issues it as a new document once fixed', async () => {
    const s = await subscriberWithReceipts();
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    atol.state.failDocuments = 1;
    const paymentId = await agentPay(s.account.number, 'r-6');
    await drain();
    const list = await t.app.inject({
      url: `/api/staff/receipts?status=failed&account=${s.account.number}`,
      headers: fin.auth,
    });
    expect(list.statusCode).toBe(200);
    const [row] = list.json().receipts;
    expect(row).toMatchObject({ paymentId, operation: 'sell', status: 'failed', attempt: 1, retryable: true });
    expect(row.lastError).toMatch(/32/);

    const support = await buildStaff(t.database.db, { role: 'support' });
    expect((await t.app.inject({ url: '/api/staff/receipts', headers: support.auth })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/staff/receipts/${row.id}/retry`, headers: support.auth }))
        .statusCode,
    ).toBe(403);

    const retry = await t.app.inject({ method: 'POST', url: `/api/staff/receipts/${row.id}/retry`, headers: fin.auth });
    expect(retry.json()).toMatchObject({ status: 'pending', attempt: 2 });
    // While its job waits, a second click changes nothing.
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/staff/receipts/${row.id}/retry`, headers: fin.auth })).json()
        .error.code,
    ).toBe('receipt_not_retryable');
    await drain();
    await makeDue();
    await drain();
    expect((await receiptOf(paymentId))!.status).toBe('done');
    // ATOL keeps the refused external_id for good: the new document has its own.
    expect(atol.state.byExternalId.get(ext(paymentId, 2))?.fail).toBeNull();
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/staff/receipts/${row.id}/retry`, headers: fin.auth }))
        .statusCode,
    ).toBe(409);
    const [audit] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where action = 'receipt.retry' and entity_id = ${String(row.id)}`,
    );
    expect(audit!.n).toBe(1);
  });

  it('a receipt whose job gave up can be sent again and continues where it stopped, never selling twice', async () => {
    const s = await subscriberWithReceipts();
    const fin = await buildStaff(t.database.db, { role: 'finance' });
    const paymentId = await agentPay(s.account.number, 'r-7');
    await drain(); // sold (uuid saved), report still "wait"
    expect((await receiptOf(paymentId))!.status).toBe('registered');
    await t.database.db.execute(sql`update jobs set state = 'dead' where key = ${`receipt:${paymentId}`}`);
    const [row] = (
      await t.app.inject({ url: `/api/staff/receipts?account=${s.account.number}`, headers: fin.auth })
    ).json().receipts;
    expect(row).toMatchObject({ status: 'registered', retryable: true });
    const sells = atol.state.sells;
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/staff/receipts/${row.id}/retry`, headers: fin.auth })).json(),
    ).toMatchObject({ attempt: 1 });
    await drain();
    expect((await receiptOf(paymentId))!.status).toBe('done');
    expect(atol.state.sells).toBe(sells);
  });
});

describe('ATOL API v5 documents', () => {
  const source = {
    externalId: '501',
    amount: 123_456,
    succeededAt: new Date('2026-11-25T07:00:00Z'),
    account: '1000001',
    email: null,
    phone: '79220001122',
    settings: {
      inn: '7700000000',
      paymentAddress: 'https://abonent.example',
      sno: 'osn',
      vat: null,
      companyEmail: 'kassa@example.net',
    },
  };

  it('a top-up is an advance (FFD 1.2: method 3, object 10) with VAT from the settings; ATOL v5 takes it', () => {
    const osn = buildAtolReceipt(source);
    expect(atol.check(osn)).toEqual([]);
    expect(osn).toMatchObject({
      timestamp: '25.11.2026 10:00:00',
      receipt: {
        client: { phone: '+79220001122' },
        company: { sno: 'osn' },
        items: [{ payment_method: 'advance', payment_object: 10, measure: 0, vat: { type: 'vat122', sum: 222.63 } }],
        total: 1234.56,
      },
    });
    const usn = buildAtolReceipt({ ...source, settings: { ...source.settings, sno: 'usn_income', vat: 'vat105' } });
    expect(atol.check(usn)).toEqual([]);
    expect(usn.receipt.items[0]!.vat).toEqual({ type: 'vat105', sum: 58.79 });
    const noVat = buildAtolReceipt({ ...source, settings: { ...source.settings, sno: 'patent' } });
    expect(noVat.receipt.items[0]!.vat).toEqual({ type: 'none' });
    expect(atol.check(noVat)).toEqual([]);
  });

  it('the fake refuses what ATOL v5 refuses: v4 fields, wrong types and enums, missing fields, lengths, sums', () => {
    const good = buildAtolReceipt(source);
    const item = good.receipt.items[0]!;
    const withItem = (patch: object) => ({ ...good, receipt: { ...good.receipt, items: [{ ...item, ...patch }] } });
    expect(atol.check(withItem({ payment_object: 'service' }))).toEqual(['receipt.items[0].payment_object']);
    expect(atol.check(withItem({ measure: undefined, measurement_unit: 'шт' }))).toEqual(
      expect.arrayContaining(['receipt.items[0].measure', 'receipt.items[0].measurement_unit']),
    );
    expect(atol.check(withItem({ vat: { type: 'vat18' } }))).toEqual(['receipt.items[0].vat.type']);
    expect(atol.check(withItem({ name: 'x'.repeat(129) }))).toEqual(['receipt.items[0].name']);
    expect(atol.check(withItem({ sum: 1234.55 }))).toEqual(expect.arrayContaining(['receipt.items[0].sum']));
    expect(atol.check(withItem({ price: 10.005 }))).toEqual(['receipt.items[0].price']);
    expect(atol.check({ ...good, timestamp: '2026-11-25 10:00:00' })).toEqual(['timestamp']);
    expect(atol.check({ ...good, receipt: { ...good.receipt, client: {} } })).not.toEqual([]);
    expect(
      atol.check({ ...good, receipt: { ...good.receipt, company: { ...good.receipt.company, inn: '77' } } }),
    ).toEqual(['receipt.company.inn']);
  });

  it('VAT "none" on the general tax system is refused in the settings', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const put = (payload: object) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/staff/regions/${s.account.regionId}/receipt-settings`,
        headers: { ...admin.auth, 'accept-language': 'en' },
        payload: {
          enabled: true,
          groupCode: 'group_1',
          inn: '7700000000',
          paymentAddress: 'https://abonent.example',
          companyEmail: 'kassa@example.net',
          ...payload,
        },
      });
    const bad = await put({ sno: 'osn', vat: 'none' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('receipt_vat_mismatch');
    expect((await put({ sno: 'osn', vat: 'vat20' })).statusCode).toBe(400); // not an advance rate
    expect((await put({ sno: 'osn' })).json()).toMatchObject({ sno: 'osn', vat: 'vat122' });
    expect((await put({ sno: 'usn_income' })).json()).toMatchObject({ sno: 'usn_income', vat: 'none' });
  });

  it('retries only what ATOL says is retryable: a dropped document is issued again, a wrong group fails at once', async () => {
    const s = await subscriberWithReceipts();
    atol.state.timeoutDocuments = 1;
    const paymentId = await agentPay(s.account.number, 'r-timeout');
    await drain(); // registered; the report says it timed out in ATOL's queue → issued again as <id>-2
    for (let i = 0; i < 3; i++) {
      await makeDue();
      await drain();
    }
    expect(await receiptOf(paymentId)).toMatchObject({ status: 'done' });
    expect(atol.state.byExternalId.get(ext(paymentId, 2))).toMatchObject({ fail: null });

    // An account without this group: ATOL answers 401 / error 20 — settings, not a passing fault.
    const strict = await startFakeAtol({ pendingReports: 0, groups: ['another_group'] });
    t.app.deps.atol = new AtolClient({ baseUrl: strict.url, login: strict.login, password: strict.password });
    try {
      const other = await agentPay(s.account.number, 'r-group');
      await drain();
      const r = await receiptOf(other);
      expect(r).toMatchObject({ status: 'failed' });
      expect(r!.last_error).toMatch(/^ATOL settings are wrong: .*401 20/);
      const [job] = await queryRows<{ state: string; attempts: number }>(
        t.database.db,
        sql`select state, attempts from jobs where key = ${`receipt:${other}`}`,
      );
      expect(job).toEqual({ state: 'done', attempts: 1 });
    } finally {
      t.app.deps.atol = new AtolClient({ baseUrl: atol.url, login: atol.login, password: atol.password });
      await strict.close();
    }
  });
});
