import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { notifyAccountEvents } from '../server/modules/notifications/notify-account-events.js';
import { buttonsOf, type FakeTelegram, startFakeTelegram } from '../server/test/fakes/telegram.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, noSeriousA11yViolations, startAbonent, VIEWPORTS } from './harness.js';

/**
 * The Telegram bot end to end: the cabinet in Chromium gives the link, the person presses Start in
 * the fake Telegram (server/test/fakes/telegram.ts, after https://core.telegram.org/bots/api), the bot
 * answers the balance, the bot's top-up link opens the payment page filled in, the test card pays, and
 * the "payment credited" notice arrives in the chat.
 */
const TOKEN = '987654321:AAE-e2e-token_for_the_fake_bot_api';
let tg: FakeTelegram;
let a: Abonent;
beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, username: 'abonent_isp_bot' });
  a = await startAbonent({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_BOT_USERNAME: 'abonent_isp_bot',
    TELEGRAM_API_URL: tg.url,
    TELEGRAM_WEBHOOK_SECRET: 'e2e_webhook_secret_0123456789',
  });
  // As the worker process does at start: Telegram is told the webhook and its secret.
  await a.app.deps.messengers.start();
});
afterAll(async () => {
  await a?.close();
  await tg?.close();
});

describe('Telegram bot in Chromium', () => {
  it('links from the cabinet, answers the balance, its top-up link pays by card, and the credit is told in the chat', async () => {
    const s = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 0,
      email: null,
    });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill(s.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    await page.goto('/cabinet/notifications');
    await page.getByRole('button', { name: 'Подключить Telegram' }).click();
    const href = await page.getByTestId('telegram-link').getAttribute('href');
    const link = new URL(href!);
    expect(`${link.origin}${link.pathname}`).toBe('https://t.me/abonent_isp_bot');
    await page.screenshot({ path: '/tmp/e2e-telegram/telegram-link-desktop.png', fullPage: true });

    // The person opens the link in Telegram: /start <token>.
    const user = tg.user(6_100_001, { username: 'olga_spb', languageCode: 'ru' });
    user.say(`/start ${link.searchParams.get('start')}`);
    await tg.flush();
    expect(user.last!.text).toContain(`Telegram подключён к лицевому счёту ${s.account.number}`);
    // The cabinet notices the chat by itself.
    await page.getByTestId('messenger-link').filter({ hasText: '@olga_spb' }).waitFor({ timeout: 10_000 });
    // The spent link is gone; the settings offer Telegram now.
    await page.getByRole('button', { name: 'Подключить ещё один чат' }).waitFor();
    await expect.poll(() => page.getByText('не подключён').count()).toBe(0);
    await page.screenshot({ path: '/tmp/e2e-telegram/telegram-linked-desktop.png', fullPage: true });
    await noSeriousA11yViolations(page);

    user.press('Баланс');
    await tg.flush();
    expect(user.last!.text).toMatch(/Баланс: 0,00\s₽/);
    expect(user.last!.text).toContain('Тариф «Домашний 300»');

    // The amount (a button; or typed), then the method: the card link.
    user.press('Пополнить');
    await tg.flush();
    user.press(/^Месяц:/);
    await tg.flush();
    const card = buttonsOf(user.last).find((b) => b.text === 'Банковской картой');
    expect(card?.url).toBe(`${a.base}/pay?account=${s.account.number}&amount=750.00&method=card&lang=ru`);

    // The link opens the public payment page with the account checked and the amount filled in.
    const phone = await (await a.newContext(VIEWPORTS.phone)).newPage();
    await phone.goto(card!.url!);
    await phone.getByTestId('holder').waitFor();
    expect(await phone.getByLabel('Сумма, ₽').inputValue()).toBe('750.00');
    await phone.screenshot({ path: '/tmp/e2e-telegram/telegram-pay-phone.png', fullPage: true });
    await phone.getByRole('button', { name: 'Перейти к оплате' }).click();
    await phone.getByLabel('Номер карты').waitFor();
    await phone.getByLabel('Номер карты').fill('4111 1111 1111 1111');
    await phone.getByLabel('Срок (ММ/ГГ)').fill('12/30');
    await phone.getByLabel('CVC').fill('123');
    await phone.getByLabel('Владелец карты').fill('OLGA SMIRNOVA');
    await phone.getByRole('button', { name: 'Оплатить' }).click();
    await phone.waitForURL(/\/pay\?payment=[\w-]{16,}$/);
    await expect
      .poll(async () => phone.getByTestId('payment-result').textContent(), { timeout: 20_000 })
      .toContain('Платёж зачислен');
    const [acc] = await queryRows<{ balance: number }>(
      a.db,
      sql`select balance from accounts where id = ${s.account.id}`,
    );
    expect(acc!.balance).toBe(75_000);

    // The account-events tick (every 30 s in the server) writes the notice; the worker delivers it.
    await notifyAccountEvents(a.db);
    await expect
      .poll(() => user.last?.text ?? '', { timeout: 15_000 })
      .toMatch(new RegExp(`^Платёж 750,00\\s₽ зачислен на лицевой счёт ${s.account.number}\\. Баланс: 750,00\\s₽\\.`));
    // The worker marks the message sent once Telegram has answered, a moment after the chat shows it.
    await expect
      .poll(() =>
        queryRows<{ channel: string; state: string }>(
          a.db,
          sql`select channel, state from outbox where account_id = ${s.account.id} and template = 'payment_credited' order by id`,
        ),
      )
      .toEqual([
        { channel: 'inbox', state: 'sent' },
        { channel: 'telegram', state: 'sent' },
      ]);

    // Notification settings show Telegram as the channel for payments.
    await page.reload();
    await page.getByRole('checkbox', { name: 'Платежи и автоплатёж: Telegram' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Платежи и автоплатёж: Telegram' }).isChecked()).toBe(true);
    await page.setViewportSize(VIEWPORTS.phone);
    await page.reload();
    await page.getByRole('checkbox', { name: 'Платежи и автоплатёж: Telegram' }).waitFor();
    await page.screenshot({ path: '/tmp/e2e-telegram/telegram-settings-phone.png', fullPage: true });
    await ctx.close();

    // The operator sees the chat on the subscriber card and unlinks it; the chat no longer shows the account.
    const staffCtx = await a.newContext(VIEWPORTS.desktop);
    const staff = await staffCtx.newPage();
    await staff.goto('/staff/login');
    await staff.getByLabel('E-mail').fill(a.operator.email);
    await staff.getByLabel('Пароль').fill(a.operator.password);
    await staff.getByRole('button', { name: 'Войти' }).click();
    await staff.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await staff.goto(`/staff/accounts/${s.account.id}`);
    const row = staff.getByTestId('staff-messenger-link').filter({ hasText: '@olga_spb' });
    await row.waitFor();
    await noSeriousA11yViolations(staff);
    await staff.screenshot({ path: '/tmp/e2e-telegram/telegram-staff-card.png', fullPage: true });
    await staff.getByRole('button', { name: 'Отключить чат @olga_spb' }).click();
    await staff.getByText('Чаты не подключены').waitFor();
    user.say('/start');
    await tg.flush();
    expect(user.last!.text).toContain('подключите Telegram в личном кабинете');
    await staffCtx.close();
  });
});
