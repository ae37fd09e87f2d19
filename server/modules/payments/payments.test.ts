import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { buildSubscriber } from '../../test/factories.js';
import { accountState, payByCard, signedNotification, startPaymentsApp } from '../../test/payments.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { verifyLedger } from '../ledger/verify-ledger.js';

let t: Awaited<ReturnType<typeof startPaymentsApp>>;
beforeAll(async () => {
  t = await startPaymentsApp();
});
afterAll(() => t.close());

const paymentRow = async (id: number) =>
  (
    await queryRows<{ status: string; external_id: string; ledger_entry_id: number | null }>(
      t.db,
      sql`select status, external_id, ledger_entry_id from payments where id = ${id}`,
    )
  )[0]!;

describe('card top-up through the test acquirer', () => {
  it('a blocked subscriber pays 3 months: bonus quoted, credited once, unblocked at once, card saved', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: -30_000, status: 'blocked', monthlyFee: 60_000 });
    const quote = await t.app.inject({ url: '/api/me/payments/quote?months=3', headers: s.auth });
    expect(quote.json()).toMatchObject({ months: 3, debt: 30_000, amount: 210_000, bonus: 9_000, bonusPercent: 5 });

    const start = await t.app.inject({
      method: 'POST',
      url: '/api/me/payments',
      headers: s.auth,
      payload: { months: 3, saveCard: true },
    });
    expect(start.statusCode).toBe(200);
    const { paymentId, confirmationUrl, amount } = start.json();
    expect(amount).toBe(210_000);
    const page = await t.app.inject({ url: new URL(confirmationUrl).pathname });
    expect(page.body).toContain('Номер карты');
    expect(page.body).not.toMatch(/PIN" |name="pin"/i);

    const paid = await payByCard(t.app, confirmationUrl);
    expect(paid.statusCode).toBe(303);
    expect(paid.headers.location).toContain(`/cabinet/payments?payment=${paymentId}`);
    // Not credited until the acquirer's signed notification arrives (sent by the job queue over HTTP).
    expect((await paymentRow(paymentId)).status).toBe('pending');
    await t.drain();
    expect((await paymentRow(paymentId)).status).toBe('succeeded');
    const a = await accountState(t.db, s.account.id);
    expect(a).toMatchObject({ balance: -30_000 + 210_000 + 9_000, status: 'active' });
    const [ev] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from account_events where account_id = ${s.account.id} and kind = 'unblocked'`,
    );
    expect(ev!.n).toBe(1);
    const cards = await t.app.inject({ url: '/api/me/cards', headers: s.auth });
    expect(cards.json().cards).toEqual([expect.objectContaining({ title: '•••• 1111', provider: 'test_acquirer' })]);
    const hist = await t.app.inject({ url: '/api/me/payments', headers: s.auth });
    expect(hist.json().payments[0]).toMatchObject({
      id: paymentId,
      status: 'succeeded',
      amount: 210_000,
      bonus: 9_000,
    });
  });

  it('a payment with no bonus to work out is credited by one statement with everything that goes with it', async () => {
    // Paying less than the bonus's months: applyProviderStatus's one-statement credit (creditLockedRow).
    const s = await signedInSubscriber(t.app, t.db, { balance: -30_000, status: 'blocked', monthlyFee: 60_000 });
    await t.db
      .execute(sql`insert into receipt_settings (region_id, enabled, group_code, inn, payment_address, company_email)
      select region_id, true, 'g', '7700000000', 'https://isp.example.net', 'a@example.net' from accounts where id = ${s.account.id}
      on conflict (region_id) do update set enabled = true`);
    const { paymentId, confirmationUrl } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/me/payments',
        headers: s.auth,
        payload: { amount: '500.00', saveCard: true },
      })
    ).json();
    await payByCard(t.app, confirmationUrl);
    await t.drain();
    const p = await paymentRow(paymentId);
    expect(p.status).toBe('succeeded');
    expect(await accountState(t.db, s.account.id)).toMatchObject({ balance: 20_000, status: 'active' });
    const entries = await queryRows<{ id: number; kind: string; amount: number; comment: string; key: string }>(
      t.db,
      sql`select id, kind, amount, comment, idempotency_key as key from ledger_entries where account_id = ${s.account.id} and kind in ('payment', 'bonus')`,
    );
    expect(entries).toEqual([
      {
        id: p.ledger_entry_id,
        kind: 'payment',
        amount: 50_000,
        comment: `card payment ${p.external_id}`,
        key: `payment:${paymentId}`,
      },
    ]);
    const events = await queryRows<{ kind: string; data: Record<string, number> }>(
      t.db,
      sql`select kind, data from account_events where account_id = ${s.account.id} and kind in ('unblocked', 'payment_credited') order by id`,
    );
    expect(events).toEqual([
      { kind: 'unblocked', data: {} },
      { kind: 'payment_credited', data: { amount: 50_000, bonus: 0, balance: 20_000 } },
    ]);
    const [audit] = await queryRows<{ actor_type: string; before: unknown; after: unknown }>(
      t.db,
      sql`select actor_type, before, after from audit_log where action = 'payment.credited' and entity_id = ${String(s.account.id)}`,
    );
    expect(audit).toEqual({
      actor_type: 'system',
      before: { balance: -30_000, status: 'blocked' },
      after: { amount: 50_000, bonus: 0, balance: 20_000, key: `payment:${paymentId}`, unblocked: true },
    });
    const [receipt] = await queryRows<{ total: number; jobs: number }>(
      t.db,
      sql`select total, (select count(*)::int from jobs where key = ${`receipt:${paymentId}`}) as jobs from receipts where payment_id = ${paymentId}`,
    );
    expect(receipt).toEqual({ total: 50_000, jobs: 1 });
    const cards = await t.app.inject({ url: '/api/me/cards', headers: s.auth });
    expect(cards.json().cards).toEqual([expect.objectContaining({ title: '•••• 1111', provider: 'test_acquirer' })]);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('the same notification 5 times, out of order and at once, credits once', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const { paymentId, confirmationUrl } = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: '500.00' } })
    ).json();
    const ext = (await paymentRow(paymentId)).external_id;
    // Out of order: a "canceled" and a "succeeded" notice before the payer even paid change nothing…
    for (const ev of ['payment.canceled', 'payment.succeeded']) {
      const n = signedNotification(t.config, ext, ev);
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/payments/webhooks/test-acquirer',
        headers: { 'content-type': 'application/json', 'x-signature': n.signature },
        payload: n.body,
      });
      expect(r.statusCode).toBe(200);
    }
    expect((await paymentRow(paymentId)).status).toBe('pending');
    await payByCard(t.app, confirmationUrl);
    // …then the real notice five times concurrently (plus the queued one).
    const n = signedNotification(t.config, ext);
    const res = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/payments/webhooks/test-acquirer',
          headers: { 'content-type': 'application/json', 'x-signature': n.signature },
          payload: n.body,
        }),
      ),
    );
    expect(res.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    await t.drain();
    const a = await accountState(t.db, s.account.id);
    expect(a.balance).toBe(50_000);
    expect(a.ledger).toBe(a.balance);
    const [e] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from ledger_entries where idempotency_key = ${`payment:${paymentId}`}`,
    );
    expect(e!.n).toBe(1);
  });

  it('rejects forged and unsigned notifications and changes nothing', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const { paymentId, confirmationUrl } = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: 10_000 } })
    ).json();
    await payByCard(t.app, confirmationUrl);
    const ext = (await paymentRow(paymentId)).external_id;
    const good = signedNotification(t.config, ext);
    const forgedBody = JSON.stringify({ event: 'payment.succeeded', object: { id: ext, amount: 1 } });
    const cases = [
      { headers: { 'content-type': 'application/json' }, payload: good.body },
      { headers: { 'content-type': 'application/json', 'x-signature': good.signature }, payload: forgedBody },
      { headers: { 'content-type': 'application/json', 'x-signature': 'f'.repeat(64) }, payload: good.body },
    ];
    for (const c of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/api/payments/webhooks/test-acquirer', ...c });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('bad_signature');
    }
    expect((await paymentRow(paymentId)).status).toBe('pending');
    expect((await accountState(t.db, s.account.id)).balance).toBe(0);
  });

  it('a declined card cancels the payment; 3-D Secure asks for a code first; bad cards are explained', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const d = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: 10_000 } })
    ).json();
    await payByCard(t.app, d.confirmationUrl, '4000 0000 0000 0002');
    await t.drain();
    expect((await paymentRow(d.paymentId)).status).toBe('canceled');

    const p = (
      await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount: 20_000 } })
    ).json();
    const bad = await payByCard(t.app, p.confirmationUrl, '4111 1111 1111 1112');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Неверный номер карты');
    const tds = await payByCard(t.app, p.confirmationUrl, '4000 0000 0000 3220');
    expect(tds.body).toContain('3-D Secure');
    const path = `${new URL(p.confirmationUrl).pathname}/3ds`;
    const wrong = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=000000',
    });
    expect(wrong.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=123456',
    });
    expect(ok.statusCode).toBe(303);
    await t.drain();
    expect((await accountState(t.db, s.account.id)).balance).toBe(20_000);
  });

  it('refuses amounts ≤ 0, over the limit or with fractions of a kopeck, and creates nothing', async () => {
    const s = await signedInSubscriber(t.app, t.db, { balance: 0 });
    for (const amount of [0, -100, 100_000_001, 100.5, '10.555', '-5', 'abc', '0.00', '1000001.00']) {
      const r = await t.app.inject({ method: 'POST', url: '/api/me/payments', headers: s.auth, payload: { amount } });
      expect(r.statusCode, String(amount)).toBe(400);
      expect(r.json().error.code).toBe('bad_amount');
      const pub = await t.app.inject({
        method: 'POST',
        url: '/api/public/payments',
        payload: { account: s.account.number, amount },
      });
      expect(pub.json().error.code).toBe('bad_amount');
    }
    const [n] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from payments where account_id = ${s.account.id}`,
    );
    expect(n!.n).toBe(0);
  });

  it('keeps subscribers apart (IDOR): payments, cards and autopay are per session', async () => {
    const a = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const b = await signedInSubscriber(t.app, t.db, { balance: 0 });
    const pa = (
      await t.app.inject({
        method: 'POST',
        url: '/api/me/payments',
        headers: a.auth,
        payload: { amount: 10_000, saveCard: true },
      })
    ).json();
    await payByCard(t.app, pa.confirmationUrl);
    await t.drain();
    const [card] = (await t.app.inject({ url: '/api/me/cards', headers: a.auth })).json().cards;
    expect((await t.app.inject({ url: `/api/me/payments/${pa.paymentId}`, headers: b.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/me/payments', headers: b.auth })).json().payments).toEqual([]);
    expect((await t.app.inject({ url: '/api/me/cards', headers: b.auth })).json().cards).toEqual([]);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/me/cards/${card.id}`, headers: b.auth })).statusCode,
    ).toBe(404);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/autopay',
      headers: b.auth,
      payload: { methodId: card.id, mode: 'monthly', dayOfMonth: 5, amount: 10_000, monthlyLimit: 20_000 },
    });
    expect(put.json().error.code).toBe('card_not_found');
    expect((await t.app.inject({ url: '/api/me/payments' })).statusCode).toBe(401);
  });
});

describe('public payment by account number', () => {
  it('shows the masked holder, pays without signing in, refuses terminated and unknown accounts', async () => {
    const s = await buildSubscriber(t.db, { balance: 0, fullName: 'Петрова Анна Сергеевна' });
    const payer = await t.app.inject({ url: `/api/public/accounts/${s.account.number}/payer` });
    expect(payer.json()).toEqual({ account: s.account.number, holder: 'Петрова А. С.', sbp: false });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/public/payments',
      payload: { account: s.account.number, amount: '750,50' },
    });
    expect(start.json().amount).toBe(75_050);
    const { publicId } = start.json();
    expect(publicId).toMatch(/^[\w-]{22}$/);
    const paid = await payByCard(t.app, start.json().confirmationUrl);
    // Back to the public page with the random id only: no sequential id, no account number.
    expect(paid.headers.location).toMatch(new RegExp(`/pay\\?payment=${publicId}$`));
    expect(paid.headers.location).not.toContain(s.account.number);
    await t.drain();
    expect((await accountState(t.db, s.account.id)).balance).toBe(75_050);
    expect((await t.app.inject({ url: `/api/public/payments/${publicId}` })).json()).toEqual({
      id: publicId,
      status: 'succeeded',
    });

    const gone = await buildSubscriber(t.db, { status: 'terminated' });
    expect((await t.app.inject({ url: `/api/public/accounts/${gone.account.number}/payer` })).statusCode).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/public/payments',
          payload: { account: gone.account.number, amount: 100 },
        })
      ).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/api/public/accounts/000000001/payer' })).statusCode).toBe(404);
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it('never lets a stranger reach a payment by a number: public ids and card pages are unguessable', async () => {
    const s = await buildSubscriber(t.db, { balance: 0 });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/public/payments',
      remoteAddress: '203.0.113.40',
      payload: { account: s.account.number, amount: '100' },
    });
    const [row] = await queryRows<{ id: number }>(t.db, sql`select max(id)::int8 as id from payments`);
    // The sequential id reaches nothing without a session.
    const bySeq = await t.app.inject({ url: `/api/public/payments/${row!.id}` });
    expect(bySeq.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/public/payments/AAAAAAAAAAAAAAAAAAAAAA' })).statusCode).toBe(404);
    // The card page id is not the old sha256 of the payment number, nor anything else computable.
    const pageId = /\/pay\/test-acquirer\/([^/?]+)/.exec(start.json().confirmationUrl)![1]!;
    const { createHash } = await import('node:crypto');
    const guessed = `ta_${createHash('sha256').update(`payment:${row!.id}`).digest('hex').slice(0, 24)}`;
    expect(pageId).not.toBe(guessed);
    expect(pageId.length).toBeGreaterThanOrEqual(32);
    expect((await t.app.inject({ url: `/pay/test-acquirer/${guessed}` })).statusCode).toBe(404);
  });

  it('accepts a 3-D Secure code only for a payment whose card asked for it', async () => {
    const s = await buildSubscriber(t.db, { balance: 0 });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/public/payments',
      remoteAddress: '203.0.113.41',
      payload: { account: s.account.number, amount: '100' },
    });
    const path = new URL(start.json().confirmationUrl).pathname;
    const tds = await t.app.inject({
      method: 'POST',
      url: `${path}/3ds`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=123456',
    });
    expect(tds.statusCode).toBe(404);
    const [p] = await queryRows<{ status: string }>(
      t.db,
      sql`select status from payments where public_id = ${start.json().publicId}`,
    );
    expect(p!.status).toBe('pending');
    // The card that does ask for it gets the step, and the code then completes the payment.
    const asked = await payByCard(t.app, start.json().confirmationUrl, '4000 0000 0000 3220');
    expect(asked.body).toContain('3-D Secure');
    const done = await t.app.inject({
      method: 'POST',
      url: `${path}/3ds`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=123456',
    });
    expect(done.statusCode).toBe(303);
  });

  it('counts the payer lookup and the public top-up against one limit per address', async () => {
    const s = await buildSubscriber(t.db, {});
    const ip = '203.0.113.50';
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) {
      codes.push(
        (await t.app.inject({ url: `/api/public/accounts/${s.account.number}/payer`, remoteAddress: ip })).statusCode,
      );
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/public/payments',
            remoteAddress: ip,
            payload: { account: i % 2 ? s.account.number : '000000009', amount: '10' },
          })
        ).statusCode,
      );
    }
    expect(codes.every((c) => c !== 429)).toBe(true);
    for (const next of [
      t.app.inject({ url: `/api/public/accounts/${s.account.number}/payer`, remoteAddress: ip }),
      t.app.inject({
        method: 'POST',
        url: '/api/public/payments',
        remoteAddress: ip,
        payload: { account: s.account.number, amount: '10' },
      }),
    ]) {
      const res = await next;
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
    }
  });

  it('rate-limits the payer lookup per address', async () => {
    const s = await buildSubscriber(t.db, {});
    const codes: number[] = [];
    for (let i = 0; i < 31; i++)
      codes.push(
        (await t.app.inject({ url: `/api/public/accounts/${s.account.number}/payer`, remoteAddress: '203.0.113.9' }))
          .statusCode,
      );
    expect(codes.slice(0, 29).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    expect(
      (await t.app.inject({ url: `/api/public/accounts/${s.account.number}/payer`, remoteAddress: '203.0.113.10' }))
        .statusCode,
    ).toBe(200);
  });
});
