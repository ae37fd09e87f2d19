import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff } from '../server/test/factories.js';
import { csvFixture } from '../server/test/import-csv-fixture.js';
import { type Abonent, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

// An admin moves an ISP in through the back office: uploads the CSV files, watches the dry run's
// progress, reads the report and the refused rows, runs the import, and prints the password letters.
let a: Abonent;
const adminPassword = 'Admin-Import-2026';
let admin: { email: string; password: string; id: number; totpSecret: string | null };
let dir: string;
/** Enough payments that the progress bar is seen between 0 and 100. */
const EXTRA_PAYMENTS = 200_000;

beforeAll(async () => {
  a = await startAbonent();
  const s = await buildStaff(a.db, { role: 'admin', passwordHash: await hashPassword(adminPassword) });
  admin = { email: s.user.email, password: adminPassword, id: s.user.id, totpSecret: s.user.totpSecret };
  dir = mkdtempSync(join(tmpdir(), 'abonent-import-e2e-'));
  const files = csvFixture();
  // A longer payment history for subscriber 1 (the fixture's own rows keep their lines and reasons).
  const extra = Array.from({ length: EXTRA_PAYMENTS }, (_, i) => `9${i};1;2025-06-01 10:00:00;10.00;Банк;`).join(
    '\r\n',
  );
  files['payments.csv'] = Buffer.concat([files['payments.csv']!, Buffer.from(`${extra}\r\n`)]);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
});
afterAll(() => a?.close());

async function noSeriousA11yViolations(page: Page) {
  await page.waitForLoadState('networkidle');
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The bar's values as the page shows them, sampled until the run is done. */
async function watchProgress(page: Page): Promise<number[]> {
  const seen: number[] = [];
  const bar = page.getByTestId('import-progress');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const v = Number(await bar.getAttribute('data-percent'));
    if (seen.at(-1) !== v) seen.push(v);
    if (v === 100 && (await page.getByTestId('import-run').getByText('готово', { exact: true }).count()) > 0)
      return seen;
    if (Date.now() > deadline) throw new Error(`the run did not finish: ${seen.join(', ')}`);
    await page.waitForTimeout(100);
  }
}

describe('moving in through the back office', () => {
  it('uploads the CSVs, shows the dry run with its progress and refused rows, runs the import and prints letters', async () => {
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await signInStaffPage(page, a.db, admin);
    await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await page.getByRole('link', { name: 'Импорт из другой системы' }).click();
    await page.getByRole('heading', { level: 1, name: 'Переезд из другой биллинговой системы' }).waitFor();
    await noSeriousA11yViolations(page);

    await page.locator('input[type="file"]').setInputFiles(Object.keys(csvFixture()).map((name) => join(dir, name)));
    await page.getByLabel('Имя источника').first().fill('office-sheet');
    await page.getByRole('button', { name: 'Пробный запуск' }).first().click();
    const dryProgress = await watchProgress(page);
    expect(
      dryProgress.some((v) => v > 0 && v < 100),
      dryProgress.join(', '),
    ).toBe(true);
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.textContent()).toMatch(/Прочитано\s*15/);
    await expect.poll(() => report.textContent()).toMatch(/Будет перенесено\s*6/);
    // The refused rows, each with its line in the file and the reason in Russian.
    const problems = page.getByTestId('import-problems');
    await page
      .locator('label')
      .filter({ hasText: /^Отклонено$/ })
      .click();
    await expect.poll(() => problems.textContent()).toContain('subscribers.csv:10');
    await expect.poll(() => problems.textContent()).toContain('баланс не читается как сумма');
    await expect.poll(() => problems.textContent()).toContain('subscribers.csv:12');
    await page.screenshot({ path: join(dir, 'dry-run-desktop.png'), fullPage: true });
    const [before] = await queryRows<{ n: number }>(a.db, sql`select count(*)::int8 as n from import_links`);
    expect(before!.n).toBe(0);

    // The mapping, edited in the page: the plan gets another name before the real run.
    const mapping = page.getByRole('textbox', { name: 'Файл сопоставления' });
    await mapping.fill(
      (await mapping.inputValue()).replace('nameRu: "Домашний 100"', 'nameRu: "Домашний 100 (с переезда)"'),
    );
    await page.getByRole('button', { name: 'Выполнить импорт' }).click();
    const realProgress = await watchProgress(page);
    expect(realProgress.at(-1)).toBe(100);
    await expect.poll(() => page.getByTestId('import-report').textContent()).toMatch(/Записано лицевых счетов: 6/);
    const [tariff] = await queryRows<{ name: string }>(
      a.db,
      sql`select name_ru as name from tariffs where code = 'home-100'`,
    );
    expect(tariff!.name).toBe('Домашний 100 (с переезда)');

    await page.getByRole('button', { name: 'Выдать пароли' }).click();
    await page.getByRole('button', { name: 'Скачать письма (PDF)' }).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Скачать письма (PDF)' }).click(),
    ]);
    const pdf = join(dir, 'letters.pdf');
    await download.saveAs(pdf);
    expect((await import('node:fs')).readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    await page.screenshot({ path: join(dir, 'import-done-desktop.png'), fullPage: true });
    await noSeriousA11yViolations(page);

    const phone = await (await a.newContext(VIEWPORTS.phone)).newPage();
    await signInStaffPage(phone, a.db, admin);
    await phone.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await phone.goto('/staff/import');
    await phone.getByTestId('import-report').waitFor();
    await phone.screenshot({ path: join(dir, 'import-phone.png'), fullPage: true });
    process.stdout.write(`import e2e screenshots: ${dir}\n`);
  }, 300_000);
});
