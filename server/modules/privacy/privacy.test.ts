import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import type { AppDeps } from '../../deps.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildTariff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { addManualPayment } from '../ledger/add-manual-payment.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { issueLinkToken } from '../messengers/issue-link-token.js';
import { networkCleanupJob } from '../network/network.jobs.js';
import { FileStore } from '../support/file-store.js';
import { photoWithGps, upload } from '../support/support-test-helpers.js';
import { ANONYMISED, anonymizeSubscribers } from './anonymize-subscribers.js';
import { CONSENT_SHA256, CONSENT_VERSION } from './consent-text.js';
import { anonymizeJob } from './privacy.jobs.js';

/** Personal data under 152-ФЗ (docs/personal-data.md): consent at signing, anonymisation after retention. */
let t: TestContext;
let op: Awaited<ReturnType<typeof buildStaff>>;
let regionId: number;
let tariffId: number;
beforeAll(async () => {
  t = await createTestApp();
  op = await buildStaff(t.database.db, { role: 'admin' });
  regionId = (await buildRegion(t.database.db)).id;
  tariffId = (await buildTariff(t.database.db, { regionId, monthlyFee: 50_000 })).id;
});
afterAll(() => t.close());

const sign = (o: { fullName: string; consentVersion?: string }) =>
  t.app.inject({
    method: 'POST',
    url: '/api/staff/contracts',
    headers: op.auth,
    payload: {
      address: 'г. Тверь, ул. Советская, д. 7, кв. 3',
      phone: '+7 910 555-44-33',
      email: 'lichnoe@example.ru',
      passport: '2801 112233',
      regionId,
      tariffId,
      consentVersion: CONSENT_VERSION,
      ...o,
    },
  });

describe('consent to the processing of personal data', () => {
  it('is stored at signing with the text version, its hash and the time; the audit names the subscriber by id only', async () => {
    const text = await t.app.inject({ method: 'GET', url: '/api/staff/privacy/consent?lang=ru', headers: op.auth });
    expect(text.json()).toMatchObject({ version: CONSENT_VERSION, sha256: CONSENT_SHA256 });
    expect(text.json().text).toContain('152-ФЗ');

    const before = Date.now();
    const res = await sign({ fullName: 'Согласная Мария Петровна' });
    expect(res.statusCode).toBe(201);
    const { account, contract } = res.json();
    const c = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${account.id}/consents`,
      headers: op.auth,
    });
    expect(c.statusCode).toBe(200);
    expect(c.json().anonymizedAt).toBeNull();
    expect(c.json().consents).toHaveLength(1);
    const [consent] = c.json().consents;
    expect(consent).toMatchObject({
      purpose: 'personal_data',
      version: CONSENT_VERSION,
      textSha256: CONSENT_SHA256,
      channel: 'office',
      staffId: op.user.id,
    });
    expect(Date.parse(consent.acceptedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(consent.acceptedAt)).toBeLessThanOrEqual(Date.now() + 1000);

    const audit = await queryRows<{ after: unknown }>(
      t.database.db,
      sql`select after from audit_log where action = 'contract.sign' and entity_id = ${String(contract.id)}`,
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('Согласная');
    expect(audit[0]!.after).toMatchObject({ consentVersion: CONSENT_VERSION });
  });

  it('is required, and must be the current text', async () => {
    const none = await sign({ fullName: 'Без Согласия', consentVersion: '' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('consent_required');
    const old = await sign({ fullName: 'Старый Текст', consentVersion: '2020-01-01' });
    expect(old.json().error.code).toBe('consent_outdated');
    const [{ n } = { n: -1 }] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int8 as n from subscribers where full_name in ('Без Согласия', 'Старый Текст')`,
    );
    expect(n).toBe(0);
  });
});

describe('withdrawal of consent (152-ФЗ art. 9 §2)', () => {
  const signedIn = async (fullName: string) => {
    const signed = (await sign({ fullName })).json();
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { contract: signed.contract.number, password: signed.initialPassword },
    });
    expect(login.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${login.json().token}` };
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: auth,
      payload: { currentPassword: signed.initialPassword, newPassword: 'Privacy-test-2026!' },
    });
    expect(changed.statusCode).toBe(200);
    return { ...signed, auth };
  };

  it('the subscriber withdraws in the cabinet: recorded with the time, links dropped, linking refused, staff see the history', async () => {
    const db = t.database.db;
    const me = await signedIn('Отзывающий Семён');
    const mine = () => t.app.inject({ method: 'GET', url: '/api/me/privacy/consents', headers: me.auth });
    expect((await mine()).json()).toMatchObject({
      state: 'in_force',
      consents: [{ version: CONSENT_VERSION, channel: 'office', withdrawnAt: null }],
    });
    const [{ subscriber_id: subscriberId } = { subscriber_id: 0 }] = await queryRows<{ subscriber_id: number }>(
      db,
      sql`select subscriber_id from contracts where id = ${me.contract.id}`,
    );
    await db.execute(
      sql`with c as (insert into messenger_chats (messenger, chat_id, title, current_account_id)
                     values ('telegram', '555000222', '@semyon', ${me.account.id}) returning id)
          insert into messenger_links (chat_row_id, account_id, subscriber_id)
          select c.id, ${me.account.id}, ${subscriberId} from c`,
    );

    const withdraw = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/me/privacy/consents/withdrawal',
        headers: me.auth,
        payload: { confirm: true },
      });
    const unconfirmed = await t.app.inject({
      method: 'POST',
      url: '/api/me/privacy/consents/withdrawal',
      headers: me.auth,
      payload: { confirm: false },
    });
    expect(unconfirmed.statusCode).toBe(400);
    const before = Date.now();
    const res = await withdraw();
    expect(res.statusCode).toBe(200);
    expect(Date.parse(res.json().withdrawnAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await withdraw()).json().error.code).toBe('consent_already_withdrawn');

    const after = (await mine()).json();
    expect(after).toMatchObject({
      state: 'withdrawn',
      consents: [{ version: CONSENT_VERSION, withdrawnAt: res.json().withdrawnAt, withdrawalChannel: 'cabinet' }],
    });
    // Optional processing stopped: the messenger link is gone, a new one is refused.
    expect(await queryRows(db, sql`select 1 from messenger_links where subscriber_id = ${subscriberId}`)).toHaveLength(
      0,
    );
    await expect(issueLinkToken(db, { messenger: 'telegram', accountId: me.account.id })).rejects.toMatchObject({
      code: 'consent_withdrawn',
    });
    // The contract goes on: the contract and account stay as they were.
    expect(
      await queryRows(
        db,
        sql`select c.status as contract, a.status as account from contracts c join accounts a on a.contract_id = c.id
            where c.id = ${me.contract.id}`,
      ),
    ).toEqual([{ contract: 'active', account: expect.not.stringMatching(/terminated/) }]);

    // Staff see the state and history on the card; the audit names the subscriber by id.
    const card = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${me.account.id}/consents`,
      headers: op.auth,
    });
    expect(card.json().consents).toEqual([
      expect.objectContaining({
        acceptedAt: expect.any(String),
        withdrawnAt: res.json().withdrawnAt,
        withdrawalChannel: 'cabinet',
        withdrawnByStaffId: null,
      }),
    ]);
    const audit = await queryRows<{ actor_type: string; after: { channel: string; messengerLinksRemoved: number } }>(
      db,
      sql`select actor_type, after from audit_log where action = 'privacy.consent_withdrawn' and entity_id = ${String(subscriberId)}`,
    );
    expect(audit).toEqual([
      { actor_type: 'subscriber', after: expect.objectContaining({ channel: 'cabinet', messengerLinksRemoved: 1 }) },
    ]);
    expect(JSON.stringify(audit)).not.toContain('Отзывающий');
  });

  it('staff enter a written withdrawal at the office; an operator of the account may, support may not', async () => {
    const signed = (await sign({ fullName: 'Письменный Отзыв' })).json();
    const url = `/api/staff/accounts/${signed.account.id}/consents/withdrawal`;
    const supportStaff = await buildStaff(t.database.db, { role: 'support' });
    const refused = await t.app.inject({ method: 'POST', url, headers: supportStaff.auth, payload: { confirm: true } });
    expect(refused.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url, headers: op.auth, payload: { confirm: true } });
    expect(res.statusCode).toBe(200);
    const card = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${signed.account.id}/consents`,
      headers: op.auth,
    });
    expect(card.json().consents[0]).toMatchObject({
      withdrawnAt: res.json().withdrawnAt,
      withdrawalChannel: 'office',
      withdrawnByStaffId: op.user.id,
    });
  });
});

describe('anonymisation after termination and retention', () => {
  it('anonymises a subscriber terminated past retention; money records and ledger verify stay the same', async () => {
    const leaving = (await sign({ fullName: 'Ушедший Иван Ильич' })).json();
    const staying = (await sign({ fullName: 'Оставшийся Пётр' })).json();
    const recent = (await sign({ fullName: 'Недавний Олег' })).json();
    for (const a of [leaving, staying, recent])
      await addManualPayment(t.database.db, {
        accountNumber: a.account.number,
        amount: 70_000,
        key: `cash-${a.account.number}`,
        provider: 'office_cash',
        method: 'cash',
        source: 'staff:1',
      });
    for (const a of [leaving, recent]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/staff/accounts/${a.account.id}/termination`,
        headers: op.auth,
        payload: { refund: 'cash' },
      });
      expect(res.statusCode).toBe(200);
    }
    // The contract page's own audit row and a contact change written the old way (with the values).
    await t.database.db.execute(
      sql`insert into audit_log (actor_type, action, entity, entity_id, before, after)
          select 'subscriber', 'contact.phone', 'subscriber', c.subscriber_id::text, '{"phone":"79105554433"}', '{"phone":"79105550000"}'
          from contracts c where c.id = ${leaving.contract.id}`,
    );
    await t.database.db.execute(
      sql`insert into outbox (account_id, channel, address, template, lang, subject, body, state)
          values (${leaving.account.id}, 'email', 'lichnoe@example.ru', 'test', 'ru', 'Ушедший Иван Ильич', 'Здравствуйте, Ушедший Иван Ильич', 'sent'),
                 (${staying.account.id}, 'email', 'lichnoe@example.ru', 'test', 'ru', 'Оставшийся Пётр', 'Здравствуйте', 'sent')`,
    );
    // One contract ended four years ago, the other yesterday.
    await t.database.db.execute(
      sql`update contracts set terminated_on = current_date - 1500 where id = ${leaving.contract.id}`,
    );

    const money = async () =>
      queryRows(
        t.database.db,
        sql`select 'e' as t, id, account_id, kind, amount::text, idempotency_key from ledger_entries
            union all select 'p', id, account_id, status, amount::text, external_id from payments
            order by 1, 2`,
      );
    const moneyBefore = await money();
    const verifyBefore = await verifyLedger(t.database.db, { full: true });
    const balances = async () => queryRows(t.database.db, sql`select id, number, balance from accounts order by id`);
    const balancesBefore = await balances();

    const done = await anonymizeSubscribers(t.database.db, { retentionDays: 1095 });
    const [subject] = await queryRows<{ id: number }>(
      t.database.db,
      sql`select subscriber_id as id from contracts where id = ${leaving.contract.id}`,
    );
    expect(done).toEqual([subject!.id]);

    const subs = await queryRows<{
      full_name: string;
      address: string;
      phone: string;
      email: string | null;
      passport_enc: string | null;
      passport_last4: string | null;
      anonymized_at: string | null;
    }>(
      t.database.db,
      sql`select s.* from subscribers s join contracts c on c.subscriber_id = s.id
          where c.id in (${leaving.contract.id}, ${staying.contract.id}, ${recent.contract.id}) order by c.id`,
    );
    expect(subs[0]).toMatchObject({
      full_name: ANONYMISED,
      address: ANONYMISED,
      phone: ANONYMISED,
      email: null,
      passport_enc: null,
      passport_last4: null,
    });
    expect(subs[0]!.anonymized_at).not.toBeNull();
    expect(subs[1]).toMatchObject({ full_name: 'Оставшийся Пётр', email: 'lichnoe@example.ru' });
    expect(subs[2]).toMatchObject({ full_name: 'Недавний Олег', anonymized_at: null });

    // Nothing of the person is left in the audit rows about them; the anonymisation itself is audited.
    const audit = await queryRows<{ action: string; before: unknown; after: unknown }>(
      t.database.db,
      sql`select action, before, after from audit_log
          where (entity = 'subscriber' and entity_id = ${String(subject!.id)})
             or (action = 'contract.sign' and entity_id = ${String(leaving.contract.id)}) order by id`,
    );
    expect(JSON.stringify(audit)).not.toMatch(/7910555|Ушедший|lichnoe/);
    expect(audit.map((a) => a.action)).toEqual(['contract.sign', 'contact.phone', 'privacy.anonymized']);

    // Messages to them keep no address or text (nor get sent); others' messages are untouched.
    const mail = await queryRows<{ account_id: number; address: string | null; body: string; state: string }>(
      t.database.db,
      sql`select account_id, address, body, state from outbox where account_id in (${leaving.account.id}, ${staying.account.id})`,
    );
    expect(mail.filter((m) => m.account_id === leaving.account.id).length).toBeGreaterThan(0);
    for (const m of mail.filter((x) => x.account_id === leaving.account.id)) {
      expect(m).toMatchObject({ address: null, body: '' });
      expect(m.state).not.toBe('queued');
    }
    expect(mail.find((m) => m.account_id === staying.account.id)).toMatchObject({ address: 'lichnoe@example.ru' });

    // Money records, balances and the ledger check are exactly as before.
    expect(await money()).toEqual(moneyBefore);
    expect(await balances()).toEqual(balancesBefore);
    const verifyAfter = await verifyLedger(t.database.db, { full: true });
    expect(verifyAfter.mismatches).toEqual([]);
    expect(verifyAfter).toEqual(verifyBefore);

    const shown = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${leaving.account.id}/consents`,
      headers: op.auth,
    });
    expect(shown.json().anonymizedAt).not.toBeNull();
    expect(shown.json().consents).toHaveLength(1);

    // Run again: nothing more to do.
    expect(await anonymizeSubscribers(t.database.db, { retentionDays: 1095 })).toEqual([]);
  });
});

describe('support tickets and files of an anonymised subscriber', () => {
  it('texts become the marker and file bytes are deleted; rows, times, sizes and the ledger stay; others untouched', async () => {
    const db = t.database.db;
    const leaver = await signedInSubscriber(t.app, db, { regionId, fullName: 'Писавший Антон' });
    const stayer = await signedInSubscriber(t.app, db, { regionId, fullName: 'Пишущий Борис' });
    const cats = await t.app.inject({ method: 'GET', url: '/api/me/support/categories', headers: leaver.auth });
    const categoryId = cats.json().categories[0].id as number;
    const write = async (who: typeof leaver, text: string) => {
      const up = await upload(
        t.app,
        '/api/me/support/attachments',
        who.auth,
        'паспорт Антона.jpg',
        await photoWithGps(),
      );
      expect(up.statusCode).toBe(200);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/me/support/tickets',
        headers: who.auth,
        payload: { categoryId, subject: 'Переезд на ул. Ленина, 5', text, attachmentIds: [up.json().id] },
      });
      expect(res.statusCode).toBe(200);
      return { ticketId: res.json().id as number, fileId: up.json().id as number };
    };
    const mine = await write(leaver, 'Я, Писавший Антон, тел. +7 910 111-22-33, переезжаю.');
    const theirs = await write(stayer, 'Пишущий Борис, прошу перезвонить.');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/staff/support/tickets/${mine.ticketId}/messages`,
      headers: op.auth,
      payload: { text: 'Антон, перезвоним на +7 910 111-22-33.', internal: false },
    });
    expect(reply.statusCode).toBe(200);
    // An upload never sent stays their personal data as well.
    const pending = await upload(t.app, '/api/me/support/attachments', leaver.auth, 'скан.jpg', await photoWithGps());
    const keys = async (ids: number[]) =>
      queryRows<{ id: number; storage_key: string }>(
        db,
        sql`select id, storage_key from support_attachments where id = any(${`{${ids.join(',')}}`}::int8[]) order by id`,
      );
    const [mineKey, theirsKey, pendingKey] = await keys([mine.fileId, theirs.fileId, pending.json().id]);
    const files = new FileStore(t.config.supportFilesDir);
    expect((await files.read(mineKey!.storage_key)).length).toBeGreaterThan(0);

    // Their Telegram chat, linked to the account.
    await db.execute(
      sql`with c as (insert into messenger_chats (messenger, chat_id, title, current_account_id)
                     values ('telegram', '777000111', '@anton_p', ${leaver.account.id}) returning id)
          insert into messenger_links (chat_row_id, account_id, subscriber_id)
          select c.id, ${leaver.account.id}, ${leaver.subscriber.id} from c`,
    );
    await db.execute(
      sql`update contracts set status = 'terminated', terminated_on = current_date - 1500 where id = ${leaver.contract.id}`,
    );
    const verifyBefore = await verifyLedger(db, { full: true });
    const entriesBefore = await queryRows(db, sql`select id, amount::text from ledger_entries order by id`);
    const rowCount = async () =>
      queryRows(
        db,
        sql`select (select count(*) from support_tickets)::int8 as t, (select count(*) from support_messages)::int8 as m,
                   (select count(*) from support_attachments)::int8 as f`,
      );
    const countsBefore = await rowCount();

    await anonymizeJob.handler(
      {},
      {
        db,
        deps: { config: { ...t.config, PD_RETENTION_DAYS: 1095 } } as unknown as AppDeps,
        jobId: 0,
        attempt: 1,
        signal: new AbortController().signal,
        heartbeat: async () => true,
      },
    );

    const tickets = await queryRows<{ id: number; subject: string; created_at: string }>(
      db,
      sql`select id, subject, created_at from support_tickets where id in (${mine.ticketId}, ${theirs.ticketId}) order by id`,
    );
    expect(tickets.map((x) => x.subject)).toEqual([ANONYMISED, 'Переезд на ул. Ленина, 5']);
    const messages = await queryRows<{ ticket_id: number; author_type: string; body: string }>(
      db,
      sql`select ticket_id, author_type, body from support_messages where ticket_id in (${mine.ticketId}, ${theirs.ticketId}) order by id`,
    );
    expect(messages.filter((m) => m.ticket_id === mine.ticketId)).toEqual([
      { ticket_id: mine.ticketId, author_type: 'subscriber', body: ANONYMISED },
      { ticket_id: mine.ticketId, author_type: 'staff', body: ANONYMISED },
    ]);
    expect(messages.find((m) => m.ticket_id === theirs.ticketId)!.body).toContain('Пишущий Борис');

    const rows = await queryRows<{
      id: number;
      file_name: string;
      sha256: string;
      mime: string;
      size: number;
      erased_at: string | null;
      file_removed_at: string | null;
    }>(
      db,
      sql`select id, file_name, sha256, mime, size, erased_at, file_removed_at from support_attachments
          where id in (${mine.fileId}, ${theirs.fileId}, ${pending.json().id}) order by id`,
    );
    const [gone, kept, goneToo] = rows;
    for (const r of [gone!, goneToo!]) {
      expect(r).toMatchObject({ file_name: ANONYMISED, sha256: '', mime: 'image/jpeg' });
      expect(r.size).toBeGreaterThan(0);
      expect(r.erased_at).not.toBeNull();
      expect(r.file_removed_at).not.toBeNull();
    }
    expect(kept).toMatchObject({ erased_at: null, file_removed_at: null });
    expect(kept!.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(files.read(mineKey!.storage_key)).rejects.toThrow(/ENOENT/);
    await expect(files.read(pendingKey!.storage_key)).rejects.toThrow(/ENOENT/);
    expect((await files.read(theirsKey!.storage_key)).length).toBe(kept!.size);

    // Staff can no longer open the erased file; the other subscriber's file still opens.
    const open = (id: number) =>
      t.app.inject({ method: 'GET', url: `/api/staff/support/attachments/${id}`, headers: op.auth });
    expect((await open(mine.fileId)).statusCode).toBe(404);
    expect((await open(theirs.fileId)).statusCode).toBe(200);

    // The messenger link is gone and the chat forgot the name.
    expect(
      await queryRows(db, sql`select 1 from messenger_links where subscriber_id = ${leaver.subscriber.id}`),
    ).toHaveLength(0);
    expect(
      await queryRows(db, sql`select title, current_account_id from messenger_chats where chat_id = '777000111'`),
    ).toEqual([{ title: null, current_account_id: null }]);

    // No row is removed, so support's reports count the same; money is untouched.
    expect(await rowCount()).toEqual(countsBefore);
    expect(await queryRows(db, sql`select id, amount::text from ledger_entries order by id`)).toEqual(entriesBefore);
    expect(await verifyLedger(db, { full: true })).toEqual(verifyBefore);
  });
});

describe('what the anonymisation may not do, and the RADIUS retention', () => {
  const causeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: { cause?: { message?: string }; message?: string }) => e.cause?.message ?? e.message,
    );

  it('the audit log stays append-only outside the anonymisation, and even inside it only keys may go', async () => {
    const db = t.database.db;
    expect(await causeOf(db.execute(sql`update audit_log set after = '{}' where action = 'contract.sign'`))).toMatch(
      /append-only/,
    );
    expect(await causeOf(db.execute(sql`delete from audit_log where action = 'contract.sign'`))).toMatch(/append-only/);
    const inside = (change: ReturnType<typeof sql>) =>
      causeOf(
        db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('abonent.anonymize', 'on', true)`);
          await tx.execute(change);
        }),
      );
    expect(await inside(sql`update audit_log set action = 'x' where action = 'contract.sign'`)).toMatch(/append-only/);
    expect(await inside(sql`update audit_log set after = '{"forged":1}' where action = 'contract.sign'`)).toMatch(
      /append-only/,
    );
    expect(await inside(sql`delete from audit_log where action = 'contract.sign'`)).toMatch(/append-only/);
  });

  it('finished RADIUS sessions older than RADIUS_SESSIONS_DAYS are deleted; newer and open ones stay', async () => {
    const db = t.database.db;
    const [acc] = await queryRows<{ id: number }>(db, sql`select id from accounts order by id limit 1`);
    const session = (id: string, startedDaysAgo: number, stoppedDaysAgo: number | null) =>
      db.execute(
        sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip, started_at, updated_at, stopped_at)
            values ('10.0.0.1', ${id}, 'u', ${acc!.id}, '100.64.0.9', now() - make_interval(days => ${startedDaysAgo}),
                    now() - make_interval(days => ${stoppedDaysAgo ?? 0}),
                    ${stoppedDaysAgo === null ? null : sql`now() - make_interval(days => ${stoppedDaysAgo})`})`,
      );
    await session('old', 40, 35);
    await session('kept', 20, 10);
    await session('open', 1, null);
    await networkCleanupJob.handler(
      {},
      {
        db,
        deps: { config: { ...t.config, RADIUS_SESSIONS_DAYS: 30 } } as unknown as AppDeps,
        jobId: 0,
        attempt: 1,
        signal: new AbortController().signal,
        heartbeat: async () => true,
      },
    );
    const left = await queryRows<{ acct_session_id: string }>(
      db,
      sql`select acct_session_id from radius_sessions where acct_session_id in ('old', 'kept', 'open') order by 1`,
    );
    expect(left.map((r) => r.acct_session_id)).toEqual(['kept', 'open']);
  });
});
