import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { smppSmsSender } from '../../integrations/sms/sms-sender.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { buttonsOf, type FakeTelegram, type FakeTelegramUser, startFakeTelegram } from '../../test/fakes/telegram.js';
import { startSmppPeer } from '../../test/peers.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { deliverJob } from '../notifications/deliver.job.js';
import { notify } from '../notifications/notify.js';
import { notifyAccountEvents } from '../notifications/notify-account-events.js';
import { multipartFile, photoWithGps, tinyPdf } from '../support/support-test-helpers.js';

/**
 * The Telegram bot end to end against the fake Bot API (server/test/fakes/telegram.ts, built from
 * https://core.telegram.org/bots/api): the app listens, Telegram POSTs updates to the webhook with the
 * secret, the bot answers through the API, notices go out through the delivery job.
 */
const TOKEN = '123456789:AAH-test-token_for_the_fake_bot_api';
const SECRET = 'webhook_secret-0123456789';

let t: TestContext;
let tg: FakeTelegram;
let smsc: Awaited<ReturnType<typeof startSmppPeer>>;
let base: string;
let nextUserId = 5_000_001;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, username: 'abonent_test_bot' });
  smsc = await startSmppPeer();
  t = await createTestApp(
    {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_BOT_USERNAME: 'abonent_test_bot',
      TELEGRAM_API_URL: tg.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      // SBP is offered where YooKassa serves the region (codes tgsbp, tgsbp2); nothing here calls it.
      PAYMENT_PROVIDERS: 'tgsbp=yookassa,test_acquirer;tgsbp2=yookassa,test_acquirer;*=test_acquirer',
      YOOKASSA_SHOP_ID: '123456',
      YOOKASSA_SECRET_KEY: 'test_secret',
      YOOKASSA_API_URL: 'http://127.0.0.1:9/v3',
    },
    {
      notifier: {
        email: null,
        sms: smppSmsSender({ url: smsc.url, systemId: 'abonent', password: 'secret', sender: 'Abonent' }),
      },
    },
  );
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  // The links the bot gives (payment page, cabinet) and the webhook it sets are this app's.
  t.config.publicUrl = base;
  await t.app.deps.messengers.start();
});
afterAll(async () => {
  await t.close();
  await tg.close();
  await smsc.close();
});

const db = () => t.database.db;
const deliver = () => new JobWorker(t.app.deps, [deliverJob]).drain();
const newUser = (profile: { languageCode?: string; username?: string } = {}) => tg.user(nextUserId++, profile);

/** "Подключить Telegram" in the cabinet, then /start with the link's token in the chat. */
async function link(auth: Record<string, string>, user: FakeTelegramUser) {
  const res = await t.app.inject({ method: 'POST', url: '/api/me/messengers/telegram/link', headers: auth });
  expect(res.statusCode).toBe(200);
  const url = new URL(res.json<{ url: string }>().url);
  expect(url.origin + url.pathname).toBe('https://t.me/abonent_test_bot');
  const token = url.searchParams.get('start')!;
  user.say(`/start ${token}`);
  await tg.flush();
  return token;
}
async function press(user: FakeTelegramUser, label: string | RegExp) {
  user.press(label);
  await tg.flush();
  return user.last!;
}
async function say(user: FakeTelegramUser, text: string) {
  user.say(text);
  await tg.flush();
  return user.last!;
}
/** The URL buttons of a message: the pages they open. */
const linksOf = (m: Parameters<typeof buttonsOf>[0]) =>
  buttonsOf(m)
    .map((b) => b.url)
    .filter((u): u is string => !!u);
const outboxOf = (accountId: number) =>
  queryRows<{ channel: string; state: string; fallback_of: number | null; body: string }>(
    db(),
    sql`select channel, state, fallback_of, body from outbox where account_id = ${accountId} and channel in ('telegram', 'sms') order by id`,
  );

describe('linking', () => {
  it('binds the chat with a one-time, short-lived deep link; nothing of the account shows before', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: 123_45 });
    const user = newUser({ username: 'ivan_tg' });
    // Before linking: the welcome only, no balance, no account number.
    const hello = await say(user, '/start');
    expect(hello.text).toContain('подключите Telegram в личном кабинете');
    expect(hello.text).not.toContain(s.account.number);

    const token = await link(s.auth, user);
    expect(user.last!.text).toContain(`Telegram подключён к лицевому счёту ${s.account.number}`);
    const links = (await t.app.inject({ method: 'GET', url: '/api/me/messengers', headers: s.auth })).json<{
      telegram: { available: boolean };
      links: { title: string; blocked: boolean }[];
    }>();
    expect(links.telegram.available).toBe(true);
    expect(links.links).toEqual([expect.objectContaining({ title: '@ivan_tg', blocked: false })]);

    // Single use: the same token in another chat links nothing.
    const other = newUser();
    other.say(`/start ${token}`);
    await tg.flush();
    expect(other.last!.text).toContain('Ссылка недействительна или устарела');
    // Short-lived: a token past its ten minutes links nothing either.
    const res = await t.app.inject({ method: 'POST', url: '/api/me/messengers/telegram/link', headers: s.auth });
    const late = new URL(res.json<{ url: string }>().url).searchParams.get('start')!;
    const expiresAt = new Date(res.json<{ expiresAt: string }>().expiresAt).getTime();
    expect(expiresAt - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    await db().execute(
      sql`update messenger_link_tokens set expires_at = now() - interval '1 second' where used_at is null`,
    );
    other.say(`/start ${late}`);
    await tg.flush();
    expect(other.last!.text).toContain('Ссылка недействительна или устарела');
    const audit = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from audit_log where action = 'messenger.link' and entity_id = ${String(s.account.id)}`,
    );
    expect(audit[0]!.n).toBe(1);
  });

  it('one chat holds several accounts of one person with a switcher; another person is refused', async () => {
    const phone = '79221110001';
    const a = await signedInSubscriber(t.app, db(), { phone, balance: 100_00 });
    const b = await signedInSubscriber(t.app, db(), { phone, balance: 200_00 });
    const stranger = await signedInSubscriber(t.app, db(), { phone: '79221110002' });
    const user = newUser();
    await link(a.auth, user);
    await link(b.auth, user);
    expect(user.last!.text).toContain(b.account.number);
    await link(stranger.auth, user);
    expect(user.last!.text).toContain('уже подключены счета другого человека');

    await press(user, 'Сменить счёт');
    const labels = buttonsOf(user.last).map((x) => x.text);
    expect(labels).toEqual(expect.arrayContaining([a.account.number, `✓ ${b.account.number}`]));
    await press(user, a.account.number);
    expect((await press(user, 'Баланс')).text).toContain(a.account.number);
  });

  it('is undone from the chat, from the cabinet and by staff on the subscriber card (audited)', async () => {
    const s = await signedInSubscriber(t.app, db());
    const user = newUser();
    await link(s.auth, user);
    await press(user, 'Отключить счёт от чата');
    await press(user, 'Да, отключить');
    expect(user.last!.text).toContain(`Счёт ${s.account.number} отключён от этого чата`);
    const none = await t.app.inject({ method: 'GET', url: '/api/me/messengers', headers: s.auth });
    expect(none.json<{ links: unknown[] }>().links).toEqual([]);

    await link(s.auth, user);
    const [row] = (await t.app.inject({ method: 'GET', url: '/api/me/messengers', headers: s.auth })).json<{
      links: { id: number }[];
    }>().links;
    const del = await t.app.inject({ method: 'DELETE', url: `/api/me/messengers/links/${row!.id}`, headers: s.auth });
    expect(del.statusCode).toBe(200);
    // The chat no longer shows the account.
    expect((await say(user, 'привет')).text).toContain('подключите Telegram в личном кабинете');

    await link(s.auth, user);
    const staff = await buildStaff(db(), { role: 'operator' });
    const card = await t.app.inject({
      method: 'GET',
      url: `/api/staff/accounts/${s.account.id}/messenger-links`,
      headers: staff.auth,
    });
    const [shown] = card.json<{ links: { id: number; messenger: string }[] }>().links;
    expect(shown?.messenger).toBe('telegram');
    // Another account's link id on this card is "not found".
    const other = await buildSubscriber(db());
    const wrong = await t.app.inject({
      method: 'DELETE',
      url: `/api/staff/accounts/${other.account.id}/messenger-links/${shown!.id}`,
      headers: staff.auth,
    });
    expect(wrong.statusCode).toBe(404);
    const ok = await t.app.inject({
      method: 'DELETE',
      url: `/api/staff/accounts/${s.account.id}/messenger-links/${shown!.id}`,
      headers: staff.auth,
    });
    expect(ok.statusCode).toBe(200);
    const [audit] = await queryRows<{ actor_type: string; after: { via: string } }>(
      db(),
      sql`select actor_type, after from audit_log where action = 'messenger.unlink' and entity_id = ${String(s.account.id)}
          order by id desc limit 1`,
    );
    expect(audit).toEqual({ actor_type: 'staff', after: { via: 'staff' } });
  });
});

describe('the bot', () => {
  it('answers balance, days left and plan, in the account language', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: 1_200_00, monthlyFee: 600_00 });
    const user = newUser();
    await link(s.auth, user);
    const m = await press(user, 'Баланс');
    expect(m.text).toContain('Баланс: 1');
    expect(m.text).toContain('200,00');
    expect(m.text).toMatch(/Хватит на \d+ (день|дня|дней)/);
    expect(m.text).toContain('Тариф «');

    const en = await signedInSubscriber(t.app, db(), { balance: 50_00 });
    await db().execute(sql`update subscribers set lang = 'en' where id = ${en.subscriber.id}`);
    const u2 = newUser();
    await link(en.auth, u2);
    expect(u2.last!.text).toContain('Telegram is linked to personal account');
    expect((await press(u2, 'Balance')).text).toContain('Balance: ');
  });

  it('tops up: amounts as buttons, then the card — and SBP where the region offers it — open the page filled in', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: -100_00, monthlyFee: 600_00, status: 'blocked' });
    const user = newUser();
    await link(s.auth, user);
    const amounts = await press(user, 'Пополнить');
    expect(amounts.text).toContain('напишите её сообщением');
    // What restores service, the debt and a month, the debt and three months, round sums: all buttons.
    expect(buttonsOf(amounts).map((b) => b.text.replace(/\s/g, ' '))).toEqual([
      'Вернуть доступ: 100,00 ₽',
      'Долг и месяц: 700,00 ₽',
      'Долг и 3 мес.: 1 900,00 ₽',
      '500,00 ₽',
      '1 000,00 ₽',
      '2 000,00 ₽',
      'Меню',
    ]);
    expect(buttonsOf(amounts).every((b) => b.url === undefined)).toBe(true);
    // This region's acquirer takes cards only: the card alone.
    const card = await press(user, /^Долг и месяц/);
    expect(card.text).toMatch(/Пополнение лицевого счёта \d+ на 700,00\s₽/);
    expect(linksOf(card)).toEqual([`${base}/pay?account=${s.account.number}&amount=700.00&method=card&lang=ru`]);

    // Where SBP is enabled (YooKassa in this region), SBP beside the card, each opening the page filled in.
    await db().execute(sql`update regions set code = 'tgsbp' where id = ${s.account.regionId}`);
    await press(user, 'Другая сумма');
    const both = await press(user, /^1\s000,00/);
    expect(linksOf(both)).toEqual([
      `${base}/pay?account=${s.account.number}&amount=1000.00&method=card&lang=ru`,
      `${base}/pay?account=${s.account.number}&amount=1000.00&method=sbp&lang=ru`,
    ]);
    expect(buttonsOf(both).map((b) => b.text)).toContain('Через СБП — в приложении банка');
  });

  it('takes a typed amount by the cabinet’s rule; bad input is told why, nothing is created', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: 300_00 });
    const user = newUser();
    await link(s.auth, user);
    await press(user, 'Пополнить');
    for (const bad of ['сто рублей', '12,345', '0', '-50', '1000001']) {
      const m = await say(user, bad);
      expect(m.text, bad).toContain('Неверная сумма: нужна положительная сумма в рублях не больше 1');
      expect(m.text, bad).toContain('Напишите сумму ещё раз');
    }
    const ok = await say(user, '1 250,50 ₽');
    expect(ok.text).toMatch(/на 1\s250,50\s₽/);
    expect(linksOf(ok)).toEqual([`${base}/pay?account=${s.account.number}&amount=1250.50&method=card&lang=ru`]);
    // The step is over: more text is not an amount.
    expect((await say(user, '500')).text).toContain('Пользуйтесь кнопками');
    // Only links were given: no payment was started by any of it.
    expect(await queryRows(db(), sql`select id from payments where account_id = ${s.account.id}`)).toEqual([]);

    // Over SBP's limit in a region with SBP: the card only, and why.
    await db().execute(sql`update regions set code = 'tgsbp2' where id = ${s.account.regionId}`);
    await press(user, 'Другая сумма');
    const big = await say(user, '800000');
    expect(big.text).toContain('Через СБП можно оплатить от 1,00 до 700');
    expect(linksOf(big)).toEqual([`${base}/pay?account=${s.account.number}&amount=800000.00&method=card&lang=ru`]);

    // In the account's language.
    const en = await signedInSubscriber(t.app, db(), { balance: 0 });
    await db().execute(sql`update subscribers set lang = 'en' where id = ${en.subscriber.id}`);
    const u2 = newUser();
    await link(en.auth, u2);
    expect((await press(u2, 'Top up')).text).toContain('type one in the chat');
    const wrong = await say(u2, 'a lot');
    expect(wrong.text).toContain('Invalid amount: a positive amount in rubles');
    expect(wrong.text).toContain('Type the amount again');
    expect(linksOf(await say(u2, '750'))).toEqual([
      `${base}/pay?account=${en.account.number}&amount=750.00&method=card&lang=en`,
    ]);
  });

  it('takes a promised payment, and says why not when refused', async () => {
    // A debt over the monthly fee: refused, with the reason the cabinet gives.
    const s = await signedInSubscriber(t.app, db(), { balance: -700_00, monthlyFee: 600_00, status: 'blocked' });
    const user = newUser();
    await link(s.auth, user);
    const no = await press(user, 'Обещанный платёж');
    expect(no.text).toBe('Обещанный платёж недоступен. Недоступен: долг больше месячной абонентской платы.');

    const debtor = await signedInSubscriber(t.app, db(), { balance: -100_00, monthlyFee: 600_00, status: 'blocked' });
    const u2 = newUser();
    await link(debtor.auth, u2);
    await press(u2, 'Обещанный платёж');
    expect(u2.last!.text).toContain('Можно взять обещанный платёж');
    await press(u2, /^Взять /);
    expect(u2.last!.text).toContain('Доступ открыт');
    const [p] = await queryRows<{ status: string }>(
      db(),
      sql`select status from promised_payments where account_id = ${debtor.account.id}`,
    );
    expect(p?.status).toBe('active');
  });

  it('round-trips a ticket with attachments both ways', async () => {
    const s = await signedInSubscriber(t.app, db());
    const user = newUser();
    await link(s.auth, user);
    await press(user, 'Обращения');
    await press(user, 'Новое обращение');
    const topic = buttonsOf(user.last).find((b) => b.callback_data?.startsWith('tc:'))!;
    await press(user, topic.text);
    expect(user.last!.text).toContain('Опишите вопрос одним сообщением');
    user.sendPhoto(await photoWithGps(), 'Нет интернета с утра, фото роутера');
    await tg.flush();
    expect(user.last!.text).toMatch(/Обращение № \d+ создано/);
    const [ticket] = await queryRows<{ id: number; n: number; files: number }>(
      db(),
      sql`select t.id, (select count(*)::int from support_messages m where m.ticket_id = t.id) as n,
                 (select count(*)::int from support_attachments a join support_messages m on m.id = a.message_id
                  where m.ticket_id = t.id) as files
          from support_tickets t where t.account_id = ${s.account.id}`,
    );
    expect(ticket).toMatchObject({ n: 1, files: 1 });

    // Support answers with a PDF; the answer and its file arrive in the chat.
    const staff = await buildStaff(db(), { role: 'support' });
    const up = multipartFile('instruction.pdf', tinyPdf(), 'application/pdf');
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/staff/support/attachments',
      headers: { ...staff.auth, ...up.headers },
      payload: up.payload,
    });
    expect(uploaded.statusCode).toBe(200);
    const answer = await t.app.inject({
      method: 'POST',
      url: `/api/staff/support/tickets/${ticket!.id}/messages`,
      headers: staff.auth,
      payload: { text: 'Перезагрузите роутер по инструкции', attachmentIds: [uploaded.json<{ id: number }>().id] },
    });
    expect(answer.statusCode).toBe(200);
    await deliver();
    const got = user.messages.slice(-2);
    expect(got[0]!.text).toContain(`Ответ поддержки по обращению № ${ticket!.id}`);
    expect(got[0]!.text).toContain('Перезагрузите роутер по инструкции');
    expect(got[1]!.file).toMatchObject({ kind: 'document', name: 'instruction.pdf' });
    expect(got[1]!.file!.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    // The reply button takes the next message into the ticket.
    await press(user, 'Ответить');
    await say(user, 'Помогло, спасибо');
    expect(user.last!.text).toContain(`Добавлено в обращение № ${ticket!.id}`);
    const [last] = await queryRows<{ body: string; author_type: string }>(
      db(),
      sql`select body, author_type from support_messages where ticket_id = ${ticket!.id} order by id desc limit 1`,
    );
    expect(last).toEqual({ body: 'Помогло, спасибо', author_type: 'subscriber' });

    // Over the support limit (10 MB): refused by the size Telegram tells, before anything is downloaded.
    const downloads = tg.calls.filter((c) => c.method === 'getFile').length;
    user.sendDocument(Buffer.concat([tinyPdf(), Buffer.alloc(11 * 1024 * 1024)]), 'scan.pdf', 'application/pdf');
    await tg.flush();
    expect(user.last!.text).toContain('Файл больше 10 МБ');
    expect(tg.calls.filter((c) => c.method === 'getFile').length).toBe(downloads);
  });

  it('refuses a forged update and does not act twice on a replayed one', async () => {
    const update = {
      update_id: 9_000_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 77, type: 'private' },
        from: { id: 77, is_bot: false, first_name: 'X' },
        text: '/start',
      },
    };
    const forged = await t.app.inject({ method: 'POST', url: '/api/telegram/webhook', payload: update });
    expect(forged.statusCode).toBe(401);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/telegram/webhook',
      headers: { 'x-telegram-bot-api-secret-token': 'guess' },
      payload: update,
    });
    expect(wrong.statusCode).toBe(401);
    expect(await queryRows(db(), sql`select 1 from messenger_chats where chat_id = '77'`)).toEqual([]);

    const s = await signedInSubscriber(t.app, db());
    const user = newUser();
    await link(s.auth, user);
    const u = user.press('Баланс');
    await tg.flush();
    const before = tg.calls.filter((c) => c.method === 'editMessageText' || c.method === 'sendMessage').length;
    // The same update again (a replay, or Telegram re-sending it): answered 200, acted on never again.
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/telegram/webhook',
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
      payload: u,
    });
    expect(replay.statusCode).toBe(200);
    expect(tg.calls.filter((c) => c.method === 'editMessageText' || c.method === 'sendMessage').length).toBe(before);
  });

  it('limits the rate per chat: says so once, then stays silent', async () => {
    const user = newUser();
    for (let i = 0; i < 35; i++) user.say(`сообщение ${i}`);
    await tg.flush();
    // 30 updates a minute: 29 answered, the 30th told to wait, the rest not answered at all.
    const warned = user.messages.filter((m) => m.text?.includes('Слишком много сообщений'));
    expect(warned).toHaveLength(1);
    expect(user.messages.length).toBe(30);
    expect(user.last).toBe(warned[0]);
  });
});

describe('notices', () => {
  it('go to Telegram instead of SMS, payment credited included', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: 0 });
    const user = newUser();
    await link(s.auth, user);
    await creditPayment(db(), {
      accountId: s.account.id,
      amount: 500_00,
      idempotencyKey: `tg-notice-${s.account.id}`,
      source: 'test',
      effectiveOn: new Date().toISOString().slice(0, 10),
    });
    await notifyAccountEvents(db());
    await deliver();
    expect(user.last!.text).toMatch(
      new RegExp(`^Платёж 500,00\\s₽ зачислен на лицевой счёт ${s.account.number}\\. Баланс: 500,00\\s₽\\.`),
    );
    expect((await outboxOf(s.account.id)).map((r) => `${r.channel}:${r.state}`)).toEqual(['telegram:sent']);
  });

  it('say «Платёж зачислен» only for money paid in: a staff correction is told as a correction', async () => {
    const s = await signedInSubscriber(t.app, db(), { balance: 0 });
    const user = newUser();
    await link(s.auth, user);
    const fin = await buildStaff(db(), { role: 'finance' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/staff/accounts/${s.account.id}/corrections`,
      headers: fin.auth,
      payload: { amount: 150_00, reason: 'Перерасчёт', idempotencyKey: `tg-corr-${s.account.id}` },
    });
    expect(res.statusCode).toBe(200);
    await notifyAccountEvents(db());
    await deliver();
    expect(user.last!.text).toMatch(
      new RegExp(`^Баланс лицевого счёта ${s.account.number} скорректирован: \\+150,00\\s₽\\. Баланс: 150,00\\s₽\\.$`),
    );
    expect(user.messages.some((m) => m.text?.includes('зачислен'))).toBe(false);
  });

  it('follow the per-type choice made in the cabinet settings', async () => {
    const s = await signedInSubscriber(t.app, db(), { phone: '79221110010' });
    const user = newUser();
    await link(s.auth, user);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/notice-settings',
      headers: s.auth,
      payload: { types: [{ type: 'balance', channels: ['sms'] }] },
    });
    expect(put.statusCode).toBe(200);
    const settings = put.json<{
      types: { type: string; channels: string[] }[];
      channels: { telegram: { linked: number } };
    }>();
    expect(settings.types.find((x) => x.type === 'balance')?.channels).toEqual(['sms']);
    expect(settings.types.find((x) => x.type === 'payments')?.channels).toContain('telegram');
    expect(settings.channels.telegram.linked).toBe(1);
    const before = user.messages.length;
    await notify(db(), { accountId: s.account.id, template: 'unblocked', params: { account: s.account.number } });
    await deliver();
    expect(user.messages.length).toBe(before);
    expect(smsc.messages.find((m) => m.to === '79221110010')?.text).toContain('восстановлен');
  });

  it('fall back to SMS when the bot is blocked (403), and mark the chat', async () => {
    const s = await signedInSubscriber(t.app, db(), { phone: '79221110020' });
    const user = newUser();
    await link(s.auth, user);
    user.block();
    await tg.flush();
    // The bot heard of the block: the next notice goes by SMS at once.
    await notify(db(), { accountId: s.account.id, template: 'unblocked', params: { account: s.account.number } });
    await deliver();
    expect((await outboxOf(s.account.id)).map((r) => `${r.channel}:${r.state}`)).toEqual(['sms:sent']);

    // The bot missed it (the update lost): Telegram's 403 fails the message and the SMS goes instead.
    await db().execute(sql`update messenger_chats set blocked_at = null where chat_id = ${String(user.id)}`);
    await notify(db(), {
      accountId: s.account.id,
      template: 'low_balance',
      params: { account: s.account.number, days: 2 },
    });
    await deliver();
    await deliver();
    const rows = await outboxOf(s.account.id);
    expect(rows.slice(1).map((r) => `${r.channel}:${r.state}:${r.fallback_of === null ? '' : 'fallback'}`)).toEqual([
      'telegram:failed:',
      'sms:sent:fallback',
    ]);
    expect(tg.calls.some((c) => c.status === 403 && c.description === 'Forbidden: bot was blocked by the user')).toBe(
      true,
    );
    expect(smsc.messages.filter((m) => m.to === '79221110020')).toHaveLength(2);
    const links = (await t.app.inject({ method: 'GET', url: '/api/me/messengers', headers: s.auth })).json<{
      links: { blocked: boolean }[];
    }>();
    expect(links.links[0]?.blocked).toBe(true);
    const settings = (await t.app.inject({ method: 'GET', url: '/api/me/notice-settings', headers: s.auth })).json<{
      recent: { channel: string; fallback: boolean; problem: string | null }[];
    }>();
    expect(settings.recent[0]).toMatchObject({ channel: 'sms', fallback: true });
    expect(settings.recent[1]?.problem).toContain('bot was blocked by the user');
  });

  it('wait out flood control (429 retry_after) without giving up or sending SMS', async () => {
    const s = await signedInSubscriber(t.app, db(), { phone: '79221110030' });
    const user = newUser();
    await link(s.auth, user);
    tg.floodNext(1, 1);
    await notify(db(), { accountId: s.account.id, template: 'unblocked', params: { account: s.account.number } });
    await deliver();
    expect((await outboxOf(s.account.id)).map((r) => `${r.channel}:${r.state}`)).toEqual(['telegram:queued']);
    await new Promise((r) => setTimeout(r, 1100));
    await deliver();
    expect((await outboxOf(s.account.id)).map((r) => `${r.channel}:${r.state}`)).toEqual(['telegram:sent']);
    expect(user.last!.text).toContain('восстановлен');
  });
});

describe('the fake refuses what Telegram refuses', () => {
  it('wrong token 401, message too long 400', async () => {
    const wrong = await fetch(`${tg.url}/bot123456789:AAH-wrong-token_xxxxxxxxxxxxxxxx/getMe`);
    expect(wrong.status).toBe(401);
    const user = newUser();
    user.say('/start');
    await tg.flush();
    const long = await fetch(`${tg.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: user.id, text: 'x'.repeat(4097) }),
    });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    });
  });
});
