import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { smtpEmailSender } from '../../integrations/mail/email-sender.js';
import { httpSmsSender, smppSmsSender } from '../../integrations/sms/sms-sender.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff } from '../../test/factories.js';
import { startHttpSmsPeer, startSmppPeer, startSmtpPeer } from '../../test/peers.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
import { postBulkCredits } from '../ledger/compensation.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { deliverJob, DELIVERY_ATTEMPTS } from './deliver.job.js';
import { notify } from './notify.js';
import { notifyAccountEvents } from './notify-account-events.js';

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let smsc: Awaited<ReturnType<typeof startSmppPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  smsc = await startSmppPeer();
  t = await createTestApp(
    {},
    {
      notifier: {
        email: smtpEmailSender(smtp.url, 'noreply@abonent.test'),
        sms: smppSmsSender({ url: smsc.url, systemId: 'abonent', password: 'secret', sender: 'Abonent' }),
      },
    },
  );
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await smsc.close();
});

const worker = () => new JobWorker(t.app.deps, [deliverJob]);
async function drainWithRetries() {
  for (let i = 0; i < DELIVERY_ATTEMPTS + 1; i++) {
    await worker().drain();
    await t.database.db.execute(sql`update jobs set run_at = now() where state = 'queued'`);
  }
}
const outboxOf = (accountId: number) =>
  queryRows<{ channel: string; state: string; attempts: number; last_error: string | null; body: string }>(
    t.database.db,
    sql`select channel, state, attempts, last_error, body from outbox where account_id = ${accountId} order by id`,
  );

describe('notice delivery', () => {
  it('delivers by e-mail and SMS as the subscriber chose, and always to the inbox', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { phone: '79220000001', email: 'n1@example.ru' });
    await notify(t.database.db, {
      accountId: s.account.id,
      template: 'unblocked',
      params: { account: s.account.number },
    });
    await worker().drain();
    expect(smtp.messages.find((m) => m.to === 'n1@example.ru')?.text).toContain(s.account.number);
    expect(smsc.messages.find((m) => m.to === '79220000001')?.text).toContain('восстановлен');
    expect((await outboxOf(s.account.id)).map((r) => `${r.channel}:${r.state}`)).toEqual([
      'inbox:sent',
      'email:sent',
      'sms:sent',
    ]);
    await t.app.inject({
      method: 'PATCH',
      url: '/api/me/profile/preferences',
      headers: s.auth,
      payload: { sms: false, email: false },
    });
    await notify(t.database.db, {
      accountId: s.account.id,
      template: 'unblocked',
      params: { account: s.account.number },
    });
    expect((await outboxOf(s.account.id)).filter((r) => r.channel === 'inbox')).toHaveLength(2);
    expect(await outboxOf(s.account.id)).toHaveLength(4);
  });

  it('retries a failing SMS gateway and marks the message failed after the last attempt', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { phone: '79220000002', email: null });
    smsc.state.failSubmits = 100;
    await notify(t.database.db, {
      accountId: s.account.id,
      template: 'low_balance',
      params: { account: s.account.number, days: 2 },
    });
    await drainWithRetries();
    smsc.state.failSubmits = 0;
    const sms = (await outboxOf(s.account.id)).find((r) => r.channel === 'sms')!;
    expect(sms).toMatchObject({ state: 'failed', attempts: DELIVERY_ATTEMPTS });
    expect(sms.last_error).toMatch(/submit_sm refused \(part 1\/\d\): status 0x00000008/);
  });

  it('recovers when the gateway comes back before the attempts run out', async () => {
    const s = await signedInSubscriber(t.app, t.database.db, { phone: '79220000003', email: null });
    smsc.state.failSubmits = 2;
    await notify(t.database.db, {
      accountId: s.account.id,
      template: 'low_balance',
      params: { account: s.account.number, days: 1 },
    });
    await drainWithRetries();
    expect((await outboxOf(s.account.id)).find((r) => r.channel === 'sms')).toMatchObject({
      state: 'sent',
      attempts: 3,
    });
  });

  it('sends through an HTTP SMS gateway behind the same interface', async () => {
    const gw = await startHttpSmsPeer();
    try {
      const sender = httpSmsSender({ url: gw.url, sender: 'Abonent' });
      await sender.send({ to: '79220000004', text: 'Проверка' });
      expect(gw.messages).toEqual([{ to: '79220000004', text: 'Проверка' }]);
      gw.state.status = 503;
      await expect(sender.send({ to: '79220000004', text: 'x' })).rejects.toThrow(/503/);
    } finally {
      await gw.close();
    }
  });
});

describe('billing and payment notices', () => {
  it('tells the subscriber about a block and the payment that restored access, once each', async () => {
    const region = await buildRegion(t.database.db);
    const s = await signedInSubscriber(t.app, t.database.db, {
      regionId: region.id,
      balance: 100,
      phone: '79220000005',
    });
    const today = todayIn('Europe/Moscow');
    await runBilling(t.database.db, { regionId: region.id, until: today });
    await creditPayment(t.database.db, {
      accountId: s.account.id,
      amount: 50_000,
      idempotencyKey: `n-${s.account.id}`,
      source: 'test',
      effectiveOn: today,
    });
    expect(await notifyAccountEvents(t.database.db)).toBeGreaterThanOrEqual(2);
    expect(await notifyAccountEvents(t.database.db)).toBe(0);
    const inbox = await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers: s.auth });
    // The payment that unblocked the account says both in one notice.
    const notices = inbox.json<{ notifications: { subject: string; body: string }[] }>().notifications;
    expect(notices.map((n) => n.subject)).toEqual(['Платёж зачислен', 'Доступ приостановлен']);
    expect(notices[0]!.body).toMatch(
      /^Платёж 500,00\s₽ зачислен на лицевой счёт \d+\. Баланс: .+\. Доступ в интернет восстановлен\.$/,
    );
    const unread = await t.app.inject({ method: 'GET', url: '/api/me/notifications/unread-count', headers: s.auth });
    expect(unread.json().unread).toBe(2);
  });
});

describe('money notices: only money paid in is «Платёж зачислен»', () => {
  it('a correction, a compensation and a debit are told as what they are, on every channel', async () => {
    const db = t.database.db;
    const s = await signedInSubscriber(t.app, db, {
      balance: -20_000,
      status: 'blocked',
      phone: '79220000031',
      email: 'money@example.ru',
    });
    const fin = await buildStaff(db, { role: 'finance' });
    const correct = (amount: number, key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/staff/accounts/${s.account.id}/corrections`,
        headers: fin.auth,
        payload: { amount, reason: 'Ошибочное списание 01.12', idempotencyKey: key },
      });
    expect((await correct(50_000, `c1-${s.account.id}`)).json()).toMatchObject({ unblocked: true });
    await notifyAccountEvents(db);
    await worker().drain();
    // One notice on every channel, the access restored told in it; never "payment".
    const first = await outboxOf(s.account.id);
    expect(first.map((r) => `${r.channel}:${r.state}`)).toEqual(['inbox:sent', 'email:sent', 'sms:sent']);
    for (const r of first) {
      expect(r.body).toMatch(
        new RegExp(
          `Баланс лицевого счёта ${s.account.number} скорректирован: \\+500,00\\s₽\\. Баланс: 300,00\\s₽\\. Доступ в интернет восстановлен\\.`,
        ),
      );
      expect(r.body).not.toMatch(/Платёж|зачислен/);
    }
    expect(smsc.messages.find((m) => m.to === '79220000031')?.text).toContain('скорректирован: +500,00');
    expect(smtp.messages.find((m) => m.to === 'money@example.ru')?.text).toContain('скорректирован: +500,00');
    // The staff's reason is theirs: not sent to the subscriber.
    expect(first.some((r) => r.body.includes('Ошибочное'))).toBe(false);

    // A debit correction and an outage compensation.
    await correct(-10_000, `c2-${s.account.id}`);
    await postBulkCredits(db, {
      credits: sql`select ${s.account.id}::int8 as account_id, 7500::int8 as amount`,
      keyPrefix: `test-comp-${s.account.id}`,
      source: `staff:${fin.user.id}`,
      comment: 'compensation: outage',
    });
    await notifyAccountEvents(db);
    const inbox = await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers: s.auth });
    const notices = inbox.json<{ notifications: { subject: string; body: string }[] }>().notifications;
    expect(notices.map((n) => n.subject)).toEqual([
      'Начислена компенсация',
      'Баланс скорректирован',
      'Баланс скорректирован',
    ]);
    expect(notices[0]!.body).toMatch(/^На лицевой счёт \d+ начислена компенсация 75,00\s₽\. Баланс: 275,00\s₽\.$/);
    expect(notices[1]!.body).toMatch(/скорректирован: -100,00\s₽\. Баланс: 200,00\s₽\.$/);
    expect(notices.some((n) => /Платёж|зачислен|Доступ восстановлен/.test(n.subject + n.body.slice(0, 20)))).toBe(
      false,
    );

    // In English for an English-speaking subscriber.
    await db.execute(sql`update subscribers set lang = 'en' where id = ${s.subscriber.id}`);
    await correct(1_000, `c3-${s.account.id}`);
    await notifyAccountEvents(db);
    const [en] = (await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers: s.auth })).json<{
      notifications: { subject: string; body: string }[];
    }>().notifications;
    expect(en).toMatchObject({ subject: 'Balance corrected' });
    expect(en!.body).toMatch(/^The balance of account \d+ was corrected: \+RUB\s10\.00\. Balance: RUB\s285\.00\.$/);
  });
});

describe('inbox', () => {
  it("reads and marks only the subscriber's own messages", async () => {
    const a = await signedInSubscriber(t.app, t.database.db);
    const b = await signedInSubscriber(t.app, t.database.db);
    await notify(t.database.db, {
      accountId: a.account.id,
      template: 'unblocked',
      params: { account: a.account.number },
      channels: ['inbox'],
    });
    const [msgA] = (await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers: a.auth })).json()
      .notifications;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me/notifications', headers: b.auth })).json().notifications,
    ).toEqual([]);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/me/notifications/${msgA.id}/read`, headers: b.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/me/notifications/${msgA.id}/read`, headers: a.auth }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me/notifications/unread-count', headers: a.auth })).json().unread,
    ).toBe(0);
  });

  it('shows developers what would be sent', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/dev/outbox' });
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.length).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: '/dev/outbox' })).headers['content-type']).toMatch(/text\/html/);
  });
});
