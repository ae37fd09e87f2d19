import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff, buildTariff } from '../server/test/factories.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, noSeriousA11yViolations, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

/**
 * Office work in the browser (issue 24, docs/bulk.md and docs/outages.md): staff on a desktop run a
 * bulk operation from the filter to its report, and declare an outage on a street whose subscribers
 * see the banner on their phones, get one notice, and are compensated through a bulk operation when
 * it is closed.
 */
let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

/** Staff sign in; finance and administrators with their TOTP code too (they always have one). */
async function staffSignIn(
  page: Page,
  email: string,
  password: string,
  totp?: { id: number; totpSecret: string | null },
) {
  await signInStaffPage(page, a.db, { email, password, ...totp });
  await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
}

async function balanceOf(accountId: number): Promise<number> {
  const [r] = await queryRows<{ balance: number }>(a.db, sql`select balance from accounts where id = ${accountId}`);
  return Number(r!.balance);
}

async function noticesOf(accountId: number, template: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    a.db,
    sql`select count(*)::int as n from outbox where account_id = ${accountId} and template = ${template}`,
  );
  return Number(r!.n);
}

describe('bulk operations', () => {
  it('desktop: an operator selects by plan and balance, sees the count, sends a message, watches it finish and downloads the report', async () => {
    const tariff = await buildTariff(a.db, { regionId: a.region.id, nameRu: 'Старый 50', monthlyFee: 45_000 });
    const subs = [];
    for (const balance of [-20_000, -5_000, 30_000])
      subs.push(await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: tariff.id, balance }));
    // Another plan with a debt too: the plan filter leaves it out.
    await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: -50_000 });

    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await staffSignIn(page, a.operator.email, a.operator.password);
    await page.getByRole('link', { name: 'Массовые операции' }).click();
    await page.getByRole('heading', { name: 'Массовые операции', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Новая операция' }).click();
    await page.getByRole('heading', { name: 'Новая операция', level: 1 }).waitFor();

    await page.getByPlaceholder('Любой').click();
    await page.getByRole('option', { name: /Старый 50/ }).click();
    await page.keyboard.press('Escape');
    await page.getByLabel('Баланс меньше, ₽').fill('0');
    await page.getByLabel('Действие').first().click();
    await page.getByRole('option', { name: 'Сообщение' }).click();
    await page.getByLabel('Тема', { exact: true }).fill('Погасите задолженность');
    await page
      .getByLabel('Текст', { exact: true })
      .fill('На вашем счёте долг. Пополните баланс, чтобы не потерять доступ.');
    await page.getByRole('button', { name: 'Предпросмотр' }).click();
    const preview = page.getByTestId('bulk-preview');
    await preview.waitFor();
    // Two of the old plan are in debt; the one with money and the other plan are not selected.
    await expect.poll(() => preview.textContent()).toContain('Выбрано абонентов2');
    await preview.getByRole('link', { name: subs[0]!.account.number }).waitFor();
    await preview.getByRole('link', { name: subs[1]!.account.number }).waitFor();
    expect(await preview.getByRole('link', { name: subs[2]!.account.number }).count()).toBe(0);
    await noSeriousA11yViolations(page);
    await page.screenshot({ path: '/tmp/e2e-bulk-preview.png', fullPage: true });

    await preview.getByRole('button', { name: 'Запустить для 2 абонентов' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Запустить для 2 абонентов' }).click();
    await page.getByRole('heading', { level: 1, name: /№ \d+ · Сообщение/ }).waitFor();
    await expect.poll(() => page.getByTestId('bulk-state').textContent(), { timeout: 30_000 }).toBe('Выполнена');
    expect(await page.getByTestId('bulk-progress').textContent()).toBe('Обработано 2 из 2');
    expect(await page.getByTestId('bulk-succeeded').textContent()).toBe('2');
    await noSeriousA11yViolations(page);
    await page.screenshot({ path: '/tmp/e2e-bulk-done.png', fullPage: true });
    // Each selected subscriber got the message once, by the cabinet at least; the others none.
    expect(await noticesOf(subs[0]!.account.id, 'staff_message')).toBeGreaterThanOrEqual(1);
    expect(await noticesOf(subs[1]!.account.id, 'staff_message')).toBeGreaterThanOrEqual(1);
    expect(await noticesOf(subs[2]!.account.id, 'staff_message')).toBe(0);

    // The report: a line per account with its result.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Скачать отчёт (CSV)' }).click(),
    ]);
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    expect(text).toContain(subs[0]!.account.number);
    expect(text).toContain(subs[1]!.account.number);
    expect(text).not.toContain(subs[2]!.account.number);

    // The list shows it done.
    await page.getByRole('link', { name: 'Все операции' }).click();
    await page.getByRole('heading', { name: 'Массовые операции', level: 1 }).waitFor();
    await page
      .getByRole('link', { name: /№ \d+ · Сообщение/ })
      .first()
      .waitFor();
    await ctx.close();
  }, 240_000);
});

describe('outage notices', () => {
  it('desktop: an operator declares an outage on houses of a street; phone: its subscriber sees the banner, once told; a new ticket is linked; closed, finance compensates through a bulk operation', async () => {
    const inside = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 10_000,
      address: 'г. Санкт-Петербург, ул. Садовая, д. 12, кв. 7',
    });
    const alsoInside = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 10_000,
      address: 'г. Санкт-Петербург, ул. Садовая, д. 10, кв. 1',
    });
    const outside = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 10_000,
      address: 'г. Санкт-Петербург, ул. Садовая, д. 40, кв. 3',
    });

    // Desktop: the operator declares it.
    const deskCtx = await a.newContext(VIEWPORTS.desktop);
    const desk = await deskCtx.newPage();
    await staffSignIn(desk, a.operator.email, a.operator.password);
    await desk.getByRole('link', { name: 'Аварии' }).click();
    await desk.getByRole('heading', { name: 'Аварии', level: 1 }).waitFor();
    await desk.getByRole('button', { name: 'Объявить аварию' }).click();
    await desk.getByRole('textbox', { name: 'Улица' }).fill('Садовая');
    await desk.getByRole('textbox', { name: 'Дома' }).fill('10-12');
    await expect.poll(() => desk.getByTestId('outage-affected').textContent()).toBe('Затронет абонентов: 2');
    await desk.getByLabel('Что случилось (видят абоненты)').fill('Повреждение кабеля на Садовой');
    await desk.getByLabel('Подробности (видят абоненты)').fill('Бригада на месте');
    await noSeriousA11yViolations(desk);
    await desk.screenshot({ path: '/tmp/e2e-outage-declare.png', fullPage: true });
    await desk.getByRole('button', { name: 'Объявить аварию' }).last().click();
    await desk.getByTestId('outage-state').waitFor();
    expect(await desk.getByTestId('outage-state').textContent()).toBe('Действует');
    expect(await desk.getByTestId('outage-accounts').textContent()).toBe('2');
    const outageId = Number(/\/staff\/outages\/(\d+)/.exec(desk.url())![1]);

    // Phone: the subscriber inside sees the banner with the expected end; one notice each.
    const phoneCtx = await a.newContext(VIEWPORTS.phone);
    const phone = await phoneCtx.newPage();
    await phone.goto('/login');
    await phone.getByLabel('Номер договора').fill(inside.contract.number);
    await phone.getByLabel('Пароль').fill(inside.password);
    await phone.getByRole('button', { name: 'Войти' }).click();
    await phone.getByTestId('balance').waitFor();
    const banner = phone.getByTestId('outage-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Авария в вашем районе: Повреждение кабеля на Садовой');
    expect(await banner.textContent()).toContain('Ориентировочное время восстановления');
    await noSeriousA11yViolations(phone);
    await phone.screenshot({ path: '/tmp/e2e-outage-phone-banner.png', fullPage: true });
    // The same banner in English, then back to Russian.
    await phone.getByRole('button', { name: 'Язык: English' }).click();
    await banner.getByText('Outage in your area: Повреждение кабеля на Садовой').waitFor();
    expect(await banner.textContent()).toContain('Service expected back by');
    await phone.screenshot({ path: '/tmp/e2e-outage-phone-banner-en.png', fullPage: true });
    await phone.getByRole('button', { name: 'Language: Русский' }).click();
    await banner.getByText('Авария в вашем районе: Повреждение кабеля на Садовой').waitFor();
    await expect.poll(() => noticesOf(inside.account.id, 'outage')).toBeGreaterThanOrEqual(1);
    const told = await noticesOf(inside.account.id, 'outage');
    expect(await noticesOf(alsoInside.account.id, 'outage')).toBe(told);
    expect(await noticesOf(outside.account.id, 'outage')).toBe(0);
    const res = await a.app.inject({ url: '/api/me/outages', headers: outside.auth });
    expect(res.json().outages).toEqual([]);

    // A ticket written during the outage is linked to it.
    const categories = await a.app.inject({ url: '/api/me/support/categories', headers: inside.auth });
    const ticket = await a.app.inject({
      method: 'POST',
      url: '/api/me/support/tickets',
      headers: inside.auth,
      payload: { categoryId: categories.json().categories[0].id, subject: 'Нет интернета', text: 'С утра нет связи' },
    });
    expect(ticket.statusCode).toBe(200);
    await desk.reload();
    await desk.getByRole('cell', { name: `№ ${ticket.json().id}`, exact: true }).waitFor();
    await desk.getByRole('cell', { name: 'Нет интернета', exact: true }).waitFor();

    // A small move of the expected end updates the banner without telling anyone again.
    const later = new Date(Date.now() + 5 * 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    // The day typed the page's way (dd.mm.yyyy) and the time as 24-hour hh:mm, in the browser's time.
    const endDay = desk.getByLabel(/^Ожидаемое окончание\s*\*?$/);
    await endDay.fill(`${p(later.getDate())}.${p(later.getMonth() + 1)}.${later.getFullYear()}`);
    await endDay.press('Escape');
    await endDay.blur();
    await desk.getByLabel('Ожидаемое окончание: время').fill(`${p(later.getHours())}:${p(later.getMinutes())}`);
    await desk.getByRole('button', { name: 'Сохранить' }).click();
    await desk.getByRole('status').getByText('Сохранено. Баннер обновлён.').waitFor();
    expect(await noticesOf(inside.account.id, 'outage_update')).toBe(0);
    await phone.reload();
    // The banner writes the end in the region's time, as the notices do.
    const endThere = later.toLocaleString('ru-RU', {
      timeZone: a.region.timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    await expect.poll(() => phone.getByTestId('outage-banner').textContent()).toContain(endThere);

    // Closing ends the banner and offers the compensation to finance.
    await desk.getByRole('button', { name: 'Закрыть аварию' }).click();
    await expect.poll(() => desk.getByTestId('outage-state').textContent()).toBe('Закрыта');
    await desk.getByTestId('outage-compensation').getByText('Компенсацию начисляет финансовый отдел').waitFor();
    await phone.reload();
    await phone.getByTestId('balance').waitFor();
    await expect.poll(() => phone.getByTestId('outage-banner').count()).toBe(0);
    await phoneCtx.close();
    await deskCtx.close();

    const password = 'Finance-2026-outage';
    const finance = await buildStaff(a.db, { role: 'finance', passwordHash: await hashPassword(password) });
    const finCtx = await a.newContext(VIEWPORTS.desktop);
    const fin = await finCtx.newPage();
    await staffSignIn(fin, finance.user.email, password, { id: finance.user.id, totpSecret: finance.totpSecret });
    await fin.goto(`/staff/outages/${outageId}`);
    await fin.getByRole('link', { name: 'Начислить компенсацию' }).click();
    await fin.getByRole('heading', { name: 'Новая операция', level: 1 }).waitFor();
    await fin.getByRole('button', { name: 'Предпросмотр' }).click();
    const preview = fin.getByTestId('bulk-preview');
    await expect.poll(() => preview.textContent()).toContain('Выбрано абонентов2');
    const before = [await balanceOf(inside.account.id), await balanceOf(alsoInside.account.id)];
    await noSeriousA11yViolations(fin);
    await fin.screenshot({ path: '/tmp/e2e-outage-compensation.png', fullPage: true });
    await preview.getByRole('button', { name: 'Запустить для 2 абонентов' }).click();
    await fin.getByRole('dialog').getByRole('button', { name: 'Запустить для 2 абонентов' }).click();
    await fin.getByRole('heading', { level: 1, name: /№ \d+ · Компенсация/ }).waitFor();
    await expect.poll(() => fin.getByTestId('bulk-state').textContent(), { timeout: 30_000 }).toBe('Выполнена');
    const [op] = await queryRows<{ amount_moved: number; planned_amount: number }>(
      a.db,
      sql`select amount_moved, planned_amount from bulk_operations where outage_id = ${outageId}`,
    );
    // Each got one day of their own fee (750 ₽ a month), the sum the preview promised; the outside one nothing.
    const after = [await balanceOf(inside.account.id), await balanceOf(alsoInside.account.id)];
    const credited = after.map((x, i) => x - before[i]!);
    expect(credited[0]).toBeGreaterThan(0);
    expect(credited[0]).toBe(credited[1]);
    expect(credited[0]! + credited[1]!).toBe(Number(op!.amount_moved));
    expect(Number(op!.amount_moved)).toBe(Number(op!.planned_amount));
    expect(await balanceOf(outside.account.id)).toBe(10_000);
    await fin.screenshot({ path: '/tmp/e2e-outage-compensated.png', fullPage: true });
    // The outage now points at its compensation.
    await fin.goto(`/staff/outages/${outageId}`);
    await fin.getByRole('link', { name: /Компенсация: операция № \d+/ }).waitFor();
    await finCtx.close();
  }, 300_000);
});
