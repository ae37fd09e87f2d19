import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { exifTags, multipartFile, photoWithGps, tinyPdf, upload } from './support-test-helpers.js';

let t: TestContext;
let support: Awaited<ReturnType<typeof buildStaff>>;
let regionId: number;
let alice: Awaited<ReturnType<typeof signedInSubscriber>>;
let bob: Awaited<ReturnType<typeof signedInSubscriber>>;
let categoryId: number;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  support = await buildStaff(db, { role: 'support' });
  regionId = (await buildRegion(db, { supportPhone: '88005559167' })).id;
  alice = await signedInSubscriber(t.app, db, { regionId });
  bob = await signedInSubscriber(t.app, db, { regionId });
  const cats = await get('/api/me/support/categories', alice.auth);
  categoryId = cats.json().categories.find((c: { code: string }) => c.code === 'no_internet').id;
}, 180_000); // a fresh migrated database; slow on a loaded shared machine
afterAll(() => t.close());

type Headers = Record<string, string>;
const get = (url: string, headers: Headers) => t.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Headers, payload: object) =>
  t.app.inject({ method: 'POST', url, headers, payload });
const newTicket = async (who = alice, extra: object = {}) => {
  const res = await post('/api/me/support/tickets', who.auth, {
    categoryId,
    subject: 'Нет интернета',
    text: 'Со вчерашнего вечера нет интернета, роутер перезагружал.',
    ...extra,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ id: number; messages: { attachments: { id: number }[] }[] }>();
};

describe('subscriber writes to support', () => {
  it("lists the region's topics with the hotline and shows the expected wait before writing", async () => {
    const otherRegion = await buildRegion(t.database.db);
    const own = await post('/api/staff/support/categories', (await buildStaff(t.database.db)).auth, {
      regionId,
      code: 'cable_tv',
      nameRu: 'Кабельное ТВ',
      nameEn: 'Cable TV',
      firstResponseMinutes: 45,
      resolutionHours: 48,
    });
    expect(own.statusCode).toBe(200);
    const elsewhere = await post('/api/staff/support/categories', (await buildStaff(t.database.db)).auth, {
      regionId: otherRegion.id,
      code: 'cable_tv',
      nameRu: 'Кабельное ТВ там',
      nameEn: 'Cable TV there',
      firstResponseMinutes: 45,
      resolutionHours: 48,
    });
    expect(elsewhere.statusCode).toBe(200);
    const res = await get('/api/me/support/categories', alice.auth);
    expect(res.statusCode).toBe(200);
    const names = res.json().categories.map((c: { nameRu: string }) => c.nameRu);
    expect(names).toContain('Претензия');
    expect(names).toContain('Кабельное ТВ');
    expect(names).not.toContain('Кабельное ТВ там');
    expect(res.json().hotline).toBe('88005559167');
    // A topic of another region cannot be used.
    const foreign = await post('/api/me/support/tickets', alice.auth, {
      categoryId: elsewhere.json().id,
      text: 'x',
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('support_category_not_found');

    const wait = await get(`/api/me/support/expected-wait?categoryId=${categoryId}`, alice.auth);
    expect(wait.statusCode).toBe(200);
    expect(wait.json()).toMatchObject({ ahead: expect.any(Number), slaMinutes: 30, hotline: '88005559167' });
  });

  it('writes with a photo: stored upright without EXIF/GPS, under a safe name; follows, closes, reopens', async () => {
    const photo = await photoWithGps();
    expect(exifTags((await sharp(photo).metadata()).exif!)).toContain(0x8825);
    const up = await upload(t.app, '/api/me/support/attachments', alice.auth, '../../etc/роутер <мой>.jpg', photo);
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ mime: 'image/jpeg', fileName: 'роутер _мой_.jpg' });
    const ticket = await newTicket(alice, { attachmentIds: [up.json().id] });
    expect(ticket).toMatchObject({
      status: 'new',
      expectedWait: { ahead: expect.any(Number) },
      hotline: '88005559167',
    });
    const fileId = ticket.messages[0]!.attachments[0]!.id;
    const file = await get(`/api/me/support/attachments/${fileId}`, alice.auth);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toMatch(/^inline; filename="[^"/\\]+"; filename\*=UTF-8''/);
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.width).toBe(64);
    expect(file.rawPayload.includes(Buffer.from('TestCam'))).toBe(false);

    const list = await get('/api/me/support/tickets', alice.auth);
    expect(list.json().tickets[0]).toMatchObject({ id: ticket.id, status: 'new' });
    const closed = await post(`/api/me/support/tickets/${ticket.id}/status`, alice.auth, { action: 'close' });
    expect(closed.json()).toMatchObject({ status: 'closed', canReopen: true });
    const write = await post(`/api/me/support/tickets/${ticket.id}/messages`, alice.auth, { text: 'ещё' });
    expect(write.statusCode).toBe(409);
    expect(write.json().error.code).toBe('ticket_closed');
    const reopened = await post(`/api/me/support/tickets/${ticket.id}/status`, alice.auth, { action: 'reopen' });
    expect(reopened.json()).toMatchObject({ status: 'new', resolvedAt: null });
  });
});

describe('attachments', () => {
  it('refuses oversize files, types that are not what they claim, and more than 5 per message', async () => {
    const big = Buffer.concat([await photoWithGps(), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload(t.app, '/api/me/support/attachments', alice.auth, 'big.jpg', big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('attachment_too_large');
    const script = Buffer.from('<html><script>alert(1)</script></html>');
    const fake = await upload(t.app, '/api/me/support/attachments', alice.auth, 'photo.jpg', script);
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('attachment_type');
    const exe = await upload(t.app, '/api/me/support/attachments', alice.auth, 'a.pdf', Buffer.from('MZ\x90\x00\x03'));
    expect(exe.statusCode).toBe(415);
    const broken = Buffer.concat([(await photoWithGps()).subarray(0, 200)]);
    const cut = await upload(t.app, '/api/me/support/attachments', alice.auth, 'cut.jpg', broken);
    expect(cut.statusCode).toBe(400);
    expect(cut.json().error.code).toBe('attachment_unreadable');

    const pdf = await upload(t.app, '/api/me/support/attachments', alice.auth, 'чек.png', tinyPdf());
    expect(pdf.json()).toMatchObject({ mime: 'application/pdf', fileName: 'чек.pdf' });
    const ids: number[] = [pdf.json().id];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await upload(t.app, '/api/me/support/attachments', alice.auth, `p${i}.jpg`, await photoWithGps())).json().id,
      );
    }
    const six = await post('/api/me/support/tickets', alice.auth, { categoryId, text: 'x', attachmentIds: ids });
    expect(six.statusCode).toBe(400);
    const ticket = await newTicket(alice, { attachmentIds: ids.slice(0, 5) });
    expect(ticket.messages[0]!.attachments).toHaveLength(5);
    const pdfFile = await get(`/api/me/support/attachments/${ids[0]}`, alice.auth);
    expect(pdfFile.headers['content-disposition']).toMatch(/^attachment;/);
    expect(pdfFile.headers['content-security-policy']).toContain('sandbox');
    // An upload is used once.
    const again = await post('/api/me/support/tickets', alice.auth, { categoryId, text: 'x', attachmentIds: [ids[0]] });
    expect(again.statusCode).toBe(404);
  });

  it("another subscriber's ticket, attachment or upload is not found", async () => {
    const photo = await upload(t.app, '/api/me/support/attachments', alice.auth, 'a.jpg', await photoWithGps());
    const ticket = await newTicket(alice, { attachmentIds: [photo.json().id] });
    const pending = await upload(t.app, '/api/me/support/attachments', alice.auth, 'b.jpg', await photoWithGps());
    for (const url of [
      `/api/me/support/tickets/${ticket.id}`,
      `/api/me/support/attachments/${photo.json().id}`,
      `/api/me/support/attachments/${pending.json().id}`,
      '/api/me/support/tickets/999999999',
      '/api/me/support/attachments/999999999',
    ]) {
      const res = await get(url, bob.auth);
      expect(res.statusCode, url).toBe(404);
      expect(['ticket_not_found', 'attachment_not_found']).toContain(res.json().error.code);
    }
    const write = await post(`/api/me/support/tickets/${ticket.id}/messages`, bob.auth, { text: 'чужое' });
    expect(write.statusCode).toBe(404);
    const close = await post(`/api/me/support/tickets/${ticket.id}/status`, bob.auth, { action: 'close' });
    expect(close.statusCode).toBe(404);
    const steal = await post('/api/me/support/tickets', bob.auth, {
      categoryId,
      text: 'x',
      attachmentIds: [pending.json().id],
    });
    expect(steal.statusCode).toBe(404);
    expect(steal.json().error.code).toBe('attachment_not_found');
    // Nothing was written by the refused request.
    expect((await get('/api/me/support/tickets', bob.auth)).json().tickets).toHaveLength(0);
  });

  it('answers malformed uploads and ids with 4xx JSON', async () => {
    const json = await post('/api/me/support/attachments', alice.auth, { file: 'x' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('validation_failed');
    const wrongField = multipartFile('a.jpg', await photoWithGps());
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/me/support/attachments',
      headers: { ...alice.auth, 'content-type': 'multipart/form-data; boundary=nothing' },
      payload: wrongField.payload,
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    for (const url of [
      '/api/me/support/tickets/abc',
      '/api/me/support/tickets/1e400',
      '/api/me/support/attachments/-1',
    ]) {
      const res = await get(url, alice.auth);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });
});

describe('staff handle the ticket', () => {
  it('takes, answers (first response, inbox and e-mail notice, unread), sets waiting; notes stay internal', async () => {
    const ticket = await newTicket(alice);
    const take = await post(`/api/staff/support/tickets/${ticket.id}/assign`, support.auth, {
      assigneeId: support.user.id,
    });
    expect(take.json()).toMatchObject({ status: 'in_progress', assigneeId: support.user.id });
    const noteFile = await upload(
      t.app,
      '/api/staff/support/attachments',
      support.auth,
      'схема.jpg',
      await photoWithGps(),
    );
    const note = await post(`/api/staff/support/tickets/${ticket.id}/messages`, support.auth, {
      text: 'SECRET-NOTE: абонент звонил трижды, проверить порт 7',
      internal: true,
      attachmentIds: [noteFile.json().id],
    });
    expect(note.statusCode).toBe(200);
    const reply = await post(`/api/staff/support/tickets/${ticket.id}/messages`, support.auth, {
      text: 'Перезагрузили порт на коммутаторе. Проверьте, пожалуйста.',
      status: 'waiting',
    });
    expect(reply.json()).toMatchObject({ status: 'waiting' });

    expect((await get('/api/me/support/unread', alice.auth)).json().unread).toBeGreaterThanOrEqual(1);
    const seen = await get(`/api/me/support/tickets/${ticket.id}`, alice.auth);
    expect(seen.json()).toMatchObject({ status: 'waiting', firstResponseAt: expect.any(String), expectedWait: null });
    expect(seen.json().messages.map((m: { author: string }) => m.author)).toEqual(['subscriber', 'staff']);
    const list = await get('/api/me/support/tickets', alice.auth);
    expect(list.json().tickets.find((x: { id: number }) => x.id === ticket.id).unread).toBe(0);

    // The note and its file appear in no subscriber response.
    const responses = [
      seen,
      list,
      await get(`/api/me/support/tickets/${ticket.id}`, alice.auth),
      await get('/api/me/support/unread', alice.auth),
      await post(`/api/me/support/tickets/${ticket.id}/messages`, alice.auth, { text: 'Заработало, спасибо' }),
    ];
    for (const r of responses) {
      expect(r.body).not.toContain('SECRET-NOTE');
      expect(r.body).not.toContain('схема');
      expect(r.body).not.toContain('"internal"');
      expect(r.body).not.toContain(support.user.fullName);
    }
    const noteAttachment = await get(`/api/me/support/attachments/${noteFile.json().id}`, alice.auth);
    expect(noteAttachment.statusCode).toBe(404);
    expect(responses[4]!.json().status).toBe('in_progress');

    const staffView = await get(`/api/staff/support/tickets/${ticket.id}`, support.auth);
    expect(staffView.json().messages.filter((m: { internal: boolean }) => m.internal)).toHaveLength(1);
    expect(staffView.json().subscriber.accountId).toBe(alice.account.id);
    const notices = await queryRows<{ channel: string; subject: string }>(
      t.database.db,
      sql`select channel, subject from outbox where account_id = ${alice.account.id} and template = 'support_reply'`,
    );
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'inbox', 'sms']);
    expect(notices[0]!.subject).toBe(`Ответ на обращение № ${ticket.id}`);
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity = 'support_ticket' and entity_id = ${String(ticket.id)} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['support.assign', 'support.note', 'support.reply']);
  });

  it('filters the queue by breach and assignee; only support staff can be assigned', async () => {
    const late = await newTicket(bob);
    await t.database.db.execute(
      sql`update support_tickets set first_response_due_at = now() - interval '1 minute' where id = ${late.id}`,
    );
    const breached = await get(`/api/staff/support/tickets?breach=1&regionId=${regionId}`, support.auth);
    const ids = breached.json().tickets.map((x: { id: number }) => x.id);
    expect(ids).toContain(late.id);
    expect(
      breached
        .json()
        .tickets.every(
          (x: { firstResponseBreached: boolean; resolutionBreached: boolean }) =>
            x.firstResponseBreached || x.resolutionBreached,
        ),
    ).toBe(true);
    const unassigned = await get('/api/staff/support/tickets?assignee=none&status=all', support.auth);
    expect(unassigned.json().tickets.every((x: { assignee: unknown }) => x.assignee === null)).toBe(true);
    const finance = await buildStaff(t.database.db, { role: 'finance' });
    const wrong = await post(`/api/staff/support/tickets/${late.id}/assign`, support.auth, {
      assigneeId: finance.user.id,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('assignee_invalid');
    const back = await post(`/api/staff/support/tickets/${late.id}/status`, support.auth, { status: 'new' });
    expect(back.statusCode).toBe(400);
  });
});

describe('formal claims', () => {
  it('registers a number and a 30-day deadline; the answer is a PDF in the thread', async () => {
    const cats = (await get('/api/me/support/categories', alice.auth)).json().categories;
    const claimCategory = cats.find((c: { isClaim: boolean }) => c.isClaim).id;
    const res = await post('/api/me/support/tickets', alice.auth, {
      categoryId: claimCategory,
      subject: 'Перерасчёт',
      text: 'Прошу сделать перерасчёт за 5 дней без интернета в ноябре.',
    });
    const claim = res.json();
    expect(claim.claimNumber).toMatch(/^П-\d{4}-\d{6}$/);
    const days = (Date.parse(claim.claimDueOn) - Date.parse(claim.createdAt.slice(0, 10))) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(29);
    expect(days).toBeLessThanOrEqual(31);
    const queue = await get(`/api/staff/support/tickets?q=${encodeURIComponent(claim.claimNumber)}`, support.auth);
    expect(queue.json().tickets[0]).toMatchObject({ id: claim.id, claimDueOn: claim.claimDueOn });

    const notClaim = await newTicket(alice);
    const refused = await post(`/api/staff/support/tickets/${notClaim.id}/claim-answer`, support.auth, { answer: 'x' });
    expect(refused.statusCode).toBe(409);
    const answer = await post(`/api/staff/support/tickets/${claim.id}/claim-answer`, support.auth, {
      answer: 'Перерасчёт за 5 дней выполнен, 125 ₽ зачислены на лицевой счёт.',
    });
    expect(answer.json()).toMatchObject({ status: 'waiting' });
    const seen = (await get(`/api/me/support/tickets/${claim.id}`, alice.auth)).json();
    const pdfAttachment = seen.messages.at(-1).attachments[0];
    expect(pdfAttachment).toMatchObject({
      mime: 'application/pdf',
      fileName: `Ответ на претензию ${claim.claimNumber}.pdf`,
    });
    const pdf = await get(`/api/me/support/attachments/${pdfAttachment.id}`, alice.auth);
    expect(pdf.statusCode).toBe(200);
    const path = join(tmpdir(), `claim-${claim.id}.pdf`);
    writeFileSync(path, pdf.rawPayload);
    const text = execFileSync('pdftotext', [path, '-']).toString();
    expect(text).toContain(claim.claimNumber);
    expect(text).toContain('125 ₽ зачислены');
    expect(text).toContain('126-ФЗ');
    const staffView = (await get(`/api/staff/support/tickets/${claim.id}`, support.auth)).json();
    expect(staffView.claimAnsweredAt).toEqual(expect.any(String));
  });
});

describe('admin settings and reports', () => {
  it('manages ready answers per region and exports the report as CSV with formula cells neutralised', async () => {
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const canned = await post('/api/staff/support/canned-replies', admin.auth, {
      regionId,
      title: 'Перезагрузка роутера',
      body: 'Выключите роутер на 30 секунд и включите снова.',
    });
    expect(canned.statusCode).toBe(200);
    const ticket = await newTicket(alice);
    const view = (await get(`/api/staff/support/tickets/${ticket.id}`, support.auth)).json();
    expect(view.cannedReplies.map((r: { title: string }) => r.title)).toContain('Перезагрузка роутера');

    const evil = await post('/api/staff/support/categories', admin.auth, {
      regionId,
      code: 'evil',
      nameRu: '=HYPERLINK("http://x","y")',
      nameEn: '@SUM(1)',
      firstResponseMinutes: 10,
      resolutionHours: 10,
    });
    await newTicket(alice, { categoryId: evil.json().id });
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const report = await get(`/api/staff/support/report?from=${from}&to=${to}&regionId=${regionId}`, admin.auth);
    expect(report.statusCode).toBe(200);
    expect(report.json().total.created).toBeGreaterThan(3);
    expect(report.json().total.firstResponseBreaches).toBeGreaterThanOrEqual(1);
    expect(report.json().byCategory.length).toBeGreaterThan(1);
    const csv = await get(`/api/staff/support/report.csv?from=${from}&to=${to}&regionId=${regionId}`, admin.auth);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('Медиана первого ответа');
    const evilLine = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(evilLine.split(';')[2]).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(lines.some((l) => l.startsWith(today) || l.length > 0)).toBe(true);
    const bad = await get(`/api/staff/support/report?from=2026-13-01&to=${to}`, admin.auth);
    expect(bad.statusCode).toBe(400);
  });
});
