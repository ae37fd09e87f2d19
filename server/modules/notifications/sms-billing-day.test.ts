import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { SmppClient } from '../../integrations/sms/smpp-client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { startSmppPeer } from '../../test/peers.js';
import { deliverJob } from './deliver.job.js';
import { recordSmsReceipt } from './record-sms-receipt.js';

/**
 * A billing day's notices through an SMSC that throttles: low-balance and block notices to thousands of
 * subscribers at once, the SMSC answering ESME_RTHROTTLED over its rate and window and now and then
 * ESME_RMSGQFUL. Every message must be delivered, none failed, no part sent twice, no try used up by
 * throttling; GSM text goes 7-bit packed at 160/153 characters a part.
 */
const NOTICES = Number(process.env.SMS_DAY_NOTICES ?? 2000);
let smsc: Awaited<ReturnType<typeof startSmppPeer>>;
let t: TestContext;
let client: SmppClient;
/** Receipts that named no part we recorded (must stay 0: a receipt never overtakes its part's record). */
let unknownReceipts = 0;
beforeAll(async () => {
  smsc = await startSmppPeer({
    receipts: 'DELIVRD',
    gsm7: 'packed',
    throttle: { perSecond: 600, window: 6, latencyMs: 3, queueFullEvery: 97 },
  });
  t = await createTestApp({ SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'abonent', SMPP_PASSWORD: 'secret' });
  client = new SmppClient({
    url: smsc.url,
    systemId: 'abonent',
    password: 'secret',
    sender: 'Abonent',
    gsm7: 'packed',
    window: 10, // more than the SMSC's 6: its throttling answers must be waited out, not fail messages
    sendRate: 0,
    throttleBudgetMs: 2000,
    onReceipt: async (r) => {
      if (!(await recordSmsReceipt(t.database.db, r))) unknownReceipts++;
    },
  });
  t.app.deps.notifier.sms = client;
  client.start();
}, 60_000);
afterAll(async () => {
  await client.close();
  await t.close();
  await smsc.close();
});

/** The day's mix: short Russian notices, long Russian ones, Latin (GSM) ones over one SMS. */
function noticeText(i: number): string {
  const account = String(1_000_000 + i);
  switch (i % 4) {
    case 0:
      return `Баланс ${account}: 12,50 ₽, хватит на 1 день. Пополните счёт.`;
    case 1:
      return `Уважаемый абонент! Доступ к интернету по лицевому счёту ${account} приостановлен: на балансе недостаточно средств для списания абонентской платы. Пополните счёт — доступ откроется сразу.`;
    case 2:
      return `Account ${account}: your balance is 12.50 RUB, enough for 1 day. Top up at https://lk.example.net/pay to keep your internet on. Reply STOP to unsubscribe. Ref ${i}.`;
    default:
      return `Balance ${account}: 0.00 RUB. Internet paused until you top up; pay by card or SBP at https://lk.example.net/pay [24/7 support: 8 800 555 91 67] {ref ${i}}`;
  }
}

describe('a billing day’s notices through a throttling SMSC', () => {
  it(`${NOTICES} notices: all delivered, 0 failed, no duplicate parts, no try used up`, async () => {
    const db = t.database.db;
    // The notices of the day, written as the notification step writes them: outbox rows and their jobs.
    const bodies = JSON.stringify(Array.from({ length: NOTICES }, (_, i) => noticeText(i)));
    await db.execute(sql`
      with o as (
        insert into outbox (account_id, channel, address, template, lang, subject, body, state)
        select null, 'sms', '7922' || lpad((b.n - 1)::text, 7, '0'), 'low_balance', 'ru', '', b.body, 'queued'
        from jsonb_array_elements_text(${bodies}::jsonb) with ordinality as b(body, n)
        returning id)
      insert into jobs (name, key, payload, run_at, max_attempts)
      select 'notifications.deliver', 'deliver:' || id, jsonb_build_object('outboxId', id), now(), 5 from o`);
    const started = Date.now();
    const worker = new JobWorker(t.app.deps, [deliverJob]);
    for (let round = 0; round < 200; round++) {
      await worker.drain(100_000);
      const [left] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from jobs where name = 'notifications.deliver' and state in ('queued', 'running')`,
      );
      if (left!.n === 0) break;
      // Messages given back by throttling are due a little later: let that time pass.
      await db.execute(sql`update jobs set run_at = now() where name = 'notifications.deliver' and state = 'queued'`);
    }
    const seconds = (Date.now() - started) / 1000;

    const [states] = await queryRows<{ sent: number; failed: number; queued: number; max_attempts: number }>(
      db,
      sql`select count(*) filter (where state in ('sent', 'delivered'))::int as sent,
                 count(*) filter (where state in ('failed', 'undelivered'))::int as failed,
                 count(*) filter (where state = 'queued')::int as queued,
                 max(attempts)::int as max_attempts
          from outbox where channel = 'sms'`,
    );
    expect(states).toMatchObject({ sent: NOTICES, failed: 0, queued: 0 });
    expect(states!.max_attempts).toBe(1); // each message took one try: throttling used none
    const [jobs] = await queryRows<{ dead: number; max_attempts: number }>(
      db,
      sql`select count(*) filter (where state = 'dead')::int as dead, max(attempts)::int as max_attempts
          from jobs where name = 'notifications.deliver'`,
    );
    expect(jobs).toEqual({ dead: 0, max_attempts: 1 });

    // The SMSC did throttle, in both ways, and got each part exactly once; every text arrived whole.
    expect(smsc.state.throttled + smsc.state.queueFull).toBeGreaterThan(0);
    expect(smsc.state.queueFull).toBeGreaterThan(0);
    expect(smsc.state.duplicateParts).toBe(0);
    expect(smsc.state.maxInFlight).toBeLessThanOrEqual(6);
    const byTo = new Map(smsc.messages.map((m) => [m.to, m.text]));
    expect(byTo.size).toBe(NOTICES);
    for (let i = 0; i < NOTICES; i += 97) expect(byTo.get(`7922${String(i).padStart(7, '0')}`)).toBe(noticeText(i));

    // GSM text is packed: a 160-character Latin notice is one SMS, longer ones 153 characters a part.
    const latin = smsc.pdus.filter((p) => p.dataCoding === 0);
    expect(latin.length).toBeGreaterThan(0);
    expect(Math.max(...latin.map((p) => p.octets))).toBeLessThanOrEqual(140);
    const partsPerLatin = latin.length / (NOTICES / 2);
    expect(partsPerLatin).toBeLessThanOrEqual(2);

    // Delivery receipts settle them: every message ends delivered.
    const progress = async () =>
      JSON.stringify({
        unknownReceipts,
        receiptsSent: smsc.state.receiptsSent,
        parts: await queryRows(db, sql`select state, count(*)::int from sms_parts group by 1`),
      });
    await expect
      .poll(
        async () =>
          (
            await queryRows<{ n: number }>(
              db,
              sql`select count(*)::int as n from outbox where channel = 'sms' and state = 'delivered'`,
            )
          )[0]!.n,
        { timeout: 300_000, interval: 500, message: `receipts: ${await progress()}` },
      )
      .toBe(NOTICES);
    expect(unknownReceipts).toBe(0);
    console.log(
      JSON.stringify({
        notices: NOTICES,
        parts: smsc.pdus.length,
        seconds: Math.round(seconds * 10) / 10,
        partsPerSecond: Math.round(smsc.pdus.length / seconds),
        throttled: smsc.state.throttled,
        queueFull: smsc.state.queueFull,
        clientRetries: client.stats.throttled,
      }),
    );
  }, 900_000);
});
