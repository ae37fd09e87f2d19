import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../common/dates.js';
import { creditPayment } from '../server/modules/ledger/credit-payment.js';
import { type Abonent, startAbonent, VIEWPORTS } from './harness.js';

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

function lastPageText(pdfPath: string): string {
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfPath]).toString())![1]);
  return execFileSync('pdftotext', ['-f', String(pages), '-l', String(pages), pdfPath, '-']).toString();
}

async function noSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`,
    ),
  ).toEqual([]);
}

describe.each(Object.entries(VIEWPORTS))('contract to cabinet on %s', (name, viewport) => {
  it('operator signs a contract; the subscriber signs in with the PDF password, changes it, sees balance and statistics, exports CSV', async () => {
    // Operator: back office, new contract, download the PDF.
    const staff = await a.newContext(viewport);
    const op = await staff.newPage();
    await op.goto('/staff/login');
    await op.getByLabel('E-mail').fill(a.operator.email);
    await op.getByLabel('Пароль').fill(a.operator.password);
    await op.getByRole('button', { name: 'Войти' }).click();
    await op.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await op.goto('/staff/contracts/new');
    await op.getByLabel('ФИО').fill(`Кузнецов Пётр ${name}`);
    await op.getByLabel('Телефон').fill('+7 921 555-00-11');
    await op.getByLabel('Адрес подключения').fill('г. Санкт-Петербург, ул. Садовая, д. 5, кв. 12');
    await op.getByLabel('Паспорт: серия и номер').fill('4012 345678');
    await op.getByLabel(/подписал согласие на обработку персональных данных/).check();
    await op.getByLabel('Регион').first().click();
    await op.getByRole('option', { name: 'Санкт-Петербург' }).click();
    await op.getByLabel('Тариф').first().click();
    await op.getByRole('option', { name: /Домашний 300/ }).click();
    await op.getByRole('button', { name: 'Заключить договор' }).click();
    const contract = (await op.getByTestId('contract-number').textContent())!.trim();
    const [download] = await Promise.all([
      op.waitForEvent('download'),
      op.getByRole('button', { name: 'Скачать договор (PDF)' }).click(),
    ]);
    const pdfPath = `/tmp/e2e-contract-${name}-${process.pid}.pdf`;
    await download.saveAs(pdfPath);
    const lastPage = lastPageText(pdfPath);
    const password = /Пароль:\s*(\S+)/.exec(lastPage)![1]!;
    expect(lastPage).toContain(contract);
    await op.screenshot({ path: `/tmp/e2e-${name}-signed.png` });
    await staff.close();

    // Money arrives (office payment) so the cabinet has something to show.
    const accountId = (
      await a.app.inject({
        method: 'GET',
        url: `/api/staff/accounts?q=${contract}`,
        headers: {
          authorization: `Bearer ${(await a.app.inject({ method: 'POST', url: '/api/auth/staff/login', payload: { email: a.operator.email, password: a.operator.password } })).json().token}`,
        },
      })
    ).json().accounts[0].id;
    await creditPayment(a.db, {
      accountId,
      amount: 150_000,
      idempotencyKey: `e2e-${name}`,
      source: 'test',
      effectiveOn: todayIn('Europe/Moscow'),
      comment: 'Оплата в офисе',
    });

    // Subscriber: sign in with the password from the PDF's last page, forced to change it.
    const ctx = await a.newContext(viewport);
    const page = await ctx.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Личный кабинет' }).click();
    await page.getByLabel('Номер договора').fill(contract);
    await page.getByLabel('Пароль').fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Задайте новый пароль' }).waitFor();
    await noSeriousA11yViolations(page);
    await page.locator('input[name=currentPassword]').fill(password);
    await page.locator('input[name=newPassword]').fill('Moy-parol-2026');
    await page.locator('input[name=repeatPassword]').fill('Moy-parol-2026');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await expect.poll(() => page.getByTestId('balance').textContent()).toMatch(/1\s?500,00\s₽/);
    await page.screenshot({ path: `/tmp/e2e-${name}-info.png`, fullPage: true });

    // Statistics: the payment is listed; CSV export downloads it.
    await page.goto('/cabinet/stats');
    await page.getByTestId('entries').waitFor();
    await expect.poll(() => page.getByTestId('entries').textContent()).toContain('Оплата в офисе');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Скачать CSV' }).click(),
    ]);
    const csvPath = `/tmp/e2e-statement-${name}-${process.pid}.csv`;
    await csv.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8')).toContain(';Платёж;1500.00;1500.00;Оплата в офисе');
    await ctx.close();
  });
});

describe('accessibility of the cabinet', () => {
  it('has no serious or critical axe violations on any cabinet page', async () => {
    const { signedInSubscriber } = await import('../server/test/sign-in.js');
    const s = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 5_000,
      email: null,
    });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await noSeriousA11yViolations(page);
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill(s.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    for (const path of [
      '/cabinet',
      '/cabinet/payments',
      '/cabinet/stats',
      '/cabinet/profile',
      '/cabinet/notifications',
      '/cabinet/mobile',
      '/cabinet/feedback',
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await noSeriousA11yViolations(page);
    }
    for (const path of ['/', '/recover']) {
      await page.goto(path);
      await noSeriousA11yViolations(page);
    }
    // Installable: a manifest with icons, and a service worker that takes over the shell.
    expect(await page.locator('link[rel=manifest]').count()).toBe(1);
    const manifest = await (await fetch(`${a.base}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ name: 'Абонент — личный кабинет', display: 'standalone' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    await expect
      .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? null), {
        timeout: 15_000,
      })
      .toBe('activated');
    await ctx.close();
  });
});
