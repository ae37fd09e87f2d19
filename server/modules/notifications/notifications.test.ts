import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { smtpEmailSender } from '../../integrations/mail/email-sender.js';
import { httpSmsSender, smppSmsSender } from '../../integrations/sms/sms-sender.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion } from '../../test/factories.js';
import { startHttpSmsPeer, startSmppPeer, startSmtpPeer } from '../../test/peers.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBilling } from '../billing/run-billing.js';
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
