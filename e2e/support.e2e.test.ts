import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff } from '../server/test/factories.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

async function noSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`,
    ),
  ).toEqual([]);
}

async function staffSignIn(
  page: Page,
  staff: { user: { id: number; email: string }; totpSecret: string | null },
  password: string,
) {
  await signInStaffPage(page, a.db, { ...staff.user, password, totpSecret: staff.totpSecret });
  await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
}

describe('support desk', () => {
  it('phone: a subscriber writes with a photo and sees the wait; desktop: support takes, answers, waits; the subscriber sees it live and closes', async () => {
    const sub = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id });
    const password = 'Support-2026';
    const agent = await buildStaff(a.db, { role: 'support', passwordHash: await hashPassword(password) });
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2a6' } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 56/1 30/1' } })
      .toBuffer();

    // Phone: sign in, open "Обратная связь" from the menu, choose a topic, see the wait, write with a photo.
    const phoneCtx = await a.newContext(VIEWPORTS.phone);
    const phone = await phoneCtx.newPage();
    await phone.goto('/login');
    await phone.getByLabel('Номер договора').fill(sub.contract.number);
    await phone.getByLabel('Пароль').fill(sub.password);
    await phone.getByRole('button', { name: 'Войти' }).click();
    await phone.getByTestId('balance').waitFor();
    await phone.getByRole('button', { name: 'Меню' }).click();
    await phone.getByRole('link', { name: 'Обратная связь' }).click();
    await phone.getByRole('heading', { name: 'Обратная связь', level: 1 }).waitFor();
    await phone.getByLabel('Тема обращения').first().click();
    await phone.getByRole('option', { name: 'Нет интернета или низкая скорость' }).click();
    const wait = phone.getByTestId('expected-wait');
    await wait.getByText('Ожидаемое время ответа').waitFor();
    await expect.poll(() => wait.textContent()).toContain('8 800 555 91 67');
    // The hotline shows at once; the estimate follows when the live queue has been read.
    await expect.poll(() => wait.textContent()).toMatch(/Ответим не позже чем через 30 минут|около/);
    await noSeriousA11yViolations(phone);
    await phone.getByLabel('Кратко о проблеме').fill('Пропадает интернет');
    await phone.getByLabel('Сообщение').fill('Каждый вечер с 20:00 пропадает интернет. Фото роутера прилагаю.');
    const [chooser] = await Promise.all([
      phone.waitForEvent('filechooser'),
      phone.getByRole('button', { name: 'Приложить фото или PDF' }).click(),
    ]);
    await chooser.setFiles({ name: 'router.jpg', mimeType: 'image/jpeg', buffer: photo });
    await phone.getByTestId('attached-file').waitFor();
    await phone.getByRole('button', { name: 'Отправить' }).click();
    const title = phone.getByRole('heading', { level: 1, name: /Обращение № \d+/ });
    await title.waitFor();
    const ticketId = Number(/№ (\d+)/.exec((await title.textContent())!)![1]);
    await phone.getByTestId('expected-wait').waitFor();
    await phone.getByRole('img', { name: 'router.jpg' }).waitFor();
    expect(await phone.getByTestId('ticket-status').textContent()).toBe('Новое');
    await noSeriousA11yViolations(phone);
    await phone.screenshot({ path: '/tmp/e2e-support-phone-ticket.png' });

    // Desktop: support staff find it in the queue, take it, answer, set "waiting for subscriber".
    const deskCtx = await a.newContext(VIEWPORTS.desktop);
    const desk = await deskCtx.newPage();
    await staffSignIn(desk, agent, password);
    await desk.getByRole('link', { name: 'Обращения' }).click();
    await desk.getByRole('heading', { name: 'Очередь обращений' }).waitFor();
    await noSeriousA11yViolations(desk);
    await desk.getByRole('link', { name: `№ ${ticketId} · Пропадает интернет` }).click();
    await desk.getByRole('heading', { level: 1, name: `Обращение № ${ticketId}: Пропадает интернет` }).waitFor();
    await desk.getByRole('button', { name: 'Взять в работу' }).click();
    await expect.poll(() => desk.getByTestId('staff-ticket-status').textContent()).toBe('В работе');
    await desk.getByLabel('Текст').fill('Проверили линию: порт перезапущен. Напишите, повторяется ли обрыв.');
    await desk.getByLabel('Статус после ответа').first().click();
    await desk.getByRole('option', { name: 'Ждёт ответа абонента' }).click();
    await desk.getByRole('button', { name: 'Отправить', exact: true }).click();
    await expect.poll(() => desk.getByTestId('staff-ticket-status').textContent()).toBe('Ждёт ответа абонента');
    await noSeriousA11yViolations(desk);
    await desk.screenshot({ path: '/tmp/e2e-support-desk-ticket.png' });

    // Phone, no reload: the answer arrives over the live stream; the subscriber closes the ticket.
    await phone.getByText('Проверили линию: порт перезапущен.').waitFor({ timeout: 15_000 });
    await expect.poll(() => phone.getByTestId('ticket-status').textContent()).toBe('Ждёт вашего ответа');
    expect(await phone.getByTestId('expected-wait').count()).toBe(0);
    await phone.getByRole('button', { name: 'Закрыть обращение' }).click();
    await expect.poll(() => phone.getByTestId('ticket-status').textContent()).toBe('Закрыто');
    await phone.getByRole('button', { name: 'Открыть снова' }).waitFor();
    await phone.screenshot({ path: '/tmp/e2e-support-phone-closed.png' });
    await phoneCtx.close();

    // The staff page hears of the closing without a reload too.
    await expect.poll(() => desk.getByTestId('staff-ticket-status').textContent(), { timeout: 15_000 }).toBe('Закрыто');
    await deskCtx.close();
  }, 300_000); // one person's whole flow in two browsers; generous for a loaded shared machine

  it('admin pages (topics and templates, report) pass axe', async () => {
    const password = 'Admin-2026-support';
    const admin = await buildStaff(a.db, { role: 'admin', passwordHash: await hashPassword(password) });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await staffSignIn(page, admin, password);
    await page.getByRole('link', { name: 'Темы и шаблоны' }).click();
    await page.getByRole('heading', { name: 'Темы обращений' }).waitFor();
    await page.getByRole('button', { name: 'Изменить тему Претензия' }).waitFor();
    await noSeriousA11yViolations(page);
    await page.getByRole('link', { name: 'Отчёт поддержки' }).click();
    await page.getByRole('heading', { name: 'Отчёт поддержки' }).waitFor();
    await page.getByRole('heading', { name: 'По темам' }).waitFor();
    await noSeriousA11yViolations(page);
    await ctx.close();
  }, 180_000);
});
