import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { startSmppPeer } from '../../test/peers.js';
import { deliverJob } from './deliver.job.js';
import { sendDirect } from './notify.js';

// An SMSC that, like an operator's, refuses any short_message over the 140 octets of one SMS.
let smsc: Awaited<ReturnType<typeof startSmppPeer>>;
let t: TestContext;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);
beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  smsc = await startSmppPeer({ maxOctets: 140, receipts: 'DELIVRD' });
  // The app's own wiring from config: SmppClient with delivery receipts recorded in the database.
  t = await createTestApp({ SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'abonent', SMPP_PASSWORD: 'secret' });
});
afterAll(async () => {
  await t.close();
  await smsc.close();
  process.off('uncaughtException', onUncaught);
});

const text = 'Уважаемый абонент! Баланс лицевого счёта 1234567 меньше абонентской платы. '.repeat(5).slice(0, 300);
const drain = async () => {
  await new JobWorker(t.app.deps, [deliverJob]).drain();
  await t.database.db.execute(
    sql`update jobs set run_at = now() where state = 'queued' and name = 'notifications.deliver'`,
  );
};
const outbox = async (id: number) =>
  (
    await queryRows<{ state: string; attempts: number; last_error: string | null; delivered: boolean }>(
      t.database.db,
      sql`select state, attempts, last_error, delivered_at is not null as delivered from outbox where id = ${id}`,
    )
  )[0]!;
const sms = (address: string, body = text) =>
  sendDirect(t.database.db, {
    accountId: null,
    channel: 'sms',
    address,
    template: 'recovery_code',
    lang: 'ru',
    params: { code: body },
  }).then(async (id) => {
    // The template wraps the text; send exactly the 300 characters under test.
    await t.database.db.execute(sql`update outbox set body = ${body} where id = ${id}`);
    return id;
  });

describe('SMS through an SMSC that refuses PDUs over 140 octets', () => {
  it('a 300-character Russian message arrives as five concatenated parts and ends delivered by its receipts', async () => {
    const id = await sms('79220000101');
    await drain();
    const mine = smsc.pdus.filter((p) => p.to === '79220000101');
    expect(mine.map((p) => [p.concat?.seq, p.octets, p.dataCoding, p.esmClass, p.registeredDelivery])).toEqual([
      [1, 140, 8, 0x40, 1],
      [2, 140, 8, 0x40, 1],
      [3, 140, 8, 0x40, 1],
      [4, 140, 8, 0x40, 1],
      [5, 70, 8, 0x40, 1],
    ]);
    expect(smsc.messages.filter((m) => m.to === '79220000101')).toEqual([{ to: '79220000101', text }]);
    await expect.poll(async () => (await outbox(id)).state).toBe('delivered');
    const parts = await queryRows<{ seq: number; state: string; message_id: string }>(
      t.database.db,
      sql`select seq, state, message_id from sms_parts where outbox_id = ${id} order by seq`,
    );
    expect(parts.map((p) => [p.seq, p.state])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 'delivered']));
    expect(parts.map((p) => p.message_id)).toEqual(mine.map((p) => p.messageId));
  });

  it('a connection dropped mid-submit fails only that attempt; the retry sends the missing parts and the message is whole', async () => {
    const id = await sms('79220000102');
    // The SMSC accepts two parts and drops the TCP connection on the third, without answering.
    const before = smsc.pdus.length;
    let seen = 0;
    smsc.state.dropSubmits = 0;
    const orig = smsc.pdus.push.bind(smsc.pdus);
    smsc.pdus.push = (...items) => {
      seen += items.length;
      if (seen === 2) smsc.state.dropSubmits = 1;
      return orig(...items);
    };
    await drain();
    smsc.pdus.push = orig;
    const failed = await outbox(id);
    expect(failed).toMatchObject({ state: 'queued', attempts: 1 });
    expect(failed.last_error).toMatch(/SMPP connection closed \(during submit_sm\)/);
    expect(smsc.pdus.length - before).toBe(2);

    await drain(); // the job's retry: a new connection, parts 3–5 only, same concatenation reference
    const mine = smsc.pdus.filter((p) => p.to === '79220000102');
    expect(mine.map((p) => p.concat?.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(mine.map((p) => p.concat?.ref)).size).toBe(1);
    expect(smsc.messages.filter((m) => m.to === '79220000102')).toEqual([{ to: '79220000102', text }]);
    await expect.poll(async () => (await outbox(id)).state).toBe('delivered');
    expect(uncaught).toEqual([]); // the process never saw the dropped connection as an exception
  });

  it('an undeliverable part makes the message undelivered', async () => {
    smsc.state.receipts = 'UNDELIV';
    try {
      const id = await sms('79220000103', 'Код восстановления: 4821');
      await drain();
      await expect.poll(async () => (await outbox(id)).state).toBe('undelivered');
    } finally {
      smsc.state.receipts = 'DELIVRD';
    }
  });
});
