import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { AtolClient } from '../../integrations/atol/atol-client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { startFakeAtol } from '../../test/fakes/atol.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { afterPaymentSucceeded } from './after-payment-succeeded.js';
import { registerReceiptJob } from './register-receipt.job.js';

let t: TestContext;
let atol: Awaited<ReturnType<typeof startFakeAtol>>;
let basic: Record<string, string>;
let admin: Awaited<ReturnType<typeof buildStaff>>;
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
    payload: { code: 'term', name: 'Terminals', allowedCidrs: ['127.0.0.1'] },
  });
  basic = { authorization: `Basic ${Buffer.from(`term:${res.json().secret}`).toString('base64')}` };
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

    const doc = atol.state.byExternalId.get(String(paymentId))!;
    expect(doc.groupCode).toBe('group_1');
    expect(doc.body.receipt).toMatchObject({
      client: { email: 'payer@example.net' },
      company: { inn: '7700000000', sno: 'usn_income', payment_address: 'https://abonent.example' },
      items: [
        {
          name: 'Услуги связи',
          price: 300,
          sum: 300,
          quantity: 1,
          payment_method: 'advance',
          payment_object: 'service',
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
    expect([...atol.state.byExternalId.keys()].filter((k) => k === String(paymentId))).toHaveLength(1);
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
    expect(atol.state.byExternalId.get(`${paymentId}-2`)?.fail).toBe(false);
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
    await t.database.db.execute(sql`update jobs set state = 'failed' where key = ${`receipt:${paymentId}`}`);
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
