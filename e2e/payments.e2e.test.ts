import { AxeBuilder } from '@axe-core/playwright';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff, buildSubscriber } from '../server/test/factories.js';
import { type Abonent, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

async function payOnTestCardPage(page: Page) {
  await page.getByLabel('Номер карты').waitFor();
  await page.getByLabel('Номер карты').fill('4111 1111 1111 1111');
  await page.getByLabel('Срок (ММ/ГГ)').fill('12/30');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Владелец карты').fill('IVAN IVANOV');
  await page.getByRole('button', { name: 'Оплатить' }).click();
}

async function noSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const account = async (id: number) =>
  (
    await queryRows<{ balance: number; status: string }>(
      a.db,
      sql`select balance, status from accounts where id = ${id}`,
    )
  )[0]!;

describe('payments in Chromium', () => {
  it('a subscriber blocked for debt pays 3 months by test card (bonus shown and credited), is unblocked at once, sets autopay', async () => {
    const { signedInSubscriber } = await import('../server/test/sign-in.js');
    // Fee 750 ₽, debt 200 ₽: 3 months = 2 450 ₽ to pay, bonus 5 % of 2 250 ₽ = 112,50 ₽.
    const s = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: -20_000,
      status: 'blocked',
      email: null,
    });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill(s.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    await page.goto('/cabinet/payments');
    const bonus = page.getByTestId('bonus');
    await bonus.waitFor();
    expect(await bonus.textContent()).toMatch(/112,50.*5%/);
    await page.getByRole('button', { name: 'Перейти к оплате' }).click();
    await payOnTestCardPage(page);
    await page.waitForURL(/\/cabinet\/payments\?payment=\d+/);
    await expect
      .poll(async () => page.getByTestId('payment-result').textContent(), { timeout: 20_000 })
      .toContain('Платёж зачислен');
    expect(await account(s.account.id)).toEqual({ balance: -20_000 + 245_000 + 11_250, status: 'active' });
    const [ev] = await queryRows<{ n: number }>(
      a.db,
      sql`select count(*)::int as n from account_events where account_id = ${s.account.id} and kind = 'unblocked'`,
    );
    expect(ev!.n).toBe(1);

    // The card was saved: turn on autopay "when the balance is under 100 ₽".
    await page.getByRole('button', { name: 'Включить автоплатёж' }).waitFor();
    await page.getByRole('button', { name: 'Включить автоплатёж' }).click();
    await expect
      .poll(async () => page.getByTestId('autopay-state').textContent(), { timeout: 10_000 })
      .toContain('Автоплатёж включён');
    const [ap] = await queryRows<{ enabled: boolean; mode: string }>(
      a.db,
      sql`select enabled, mode from autopay_settings where account_id = ${s.account.id}`,
    );
    expect(ap).toEqual({ enabled: true, mode: 'threshold' });
    await page.waitForLoadState('networkidle');
    await noSeriousA11yViolations(page);
    await ctx.close();
  });

  it('a guest tops up by account number, seeing the masked holder first', async () => {
    const s = await buildSubscriber(a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      balance: 0,
      fullName: 'Смирнова Ольга Петровна',
    });
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await page.goto('/pay');
    await page.getByLabel('Номер лицевого счёта').fill(s.account.number);
    await page.getByRole('button', { name: 'Проверить' }).click();
    await expect.poll(async () => page.getByTestId('holder').textContent()).toContain('Смирнова О. П.');
    await noSeriousA11yViolations(page);
    await page.getByLabel('Сумма, ₽').fill('500');
    await page.getByRole('button', { name: 'Перейти к оплате' }).click();
    await page.getByLabel('Номер карты').waitFor();
    await noSeriousA11yViolations(page);
    await payOnTestCardPage(page);
    await page.waitForURL(/\/pay\?payment=[\w-]{16,}$/);
    await expect
      .poll(async () => page.getByTestId('payment-result').textContent(), { timeout: 20_000 })
      .toContain('Платёж зачислен');
    expect((await account(s.account.id)).balance).toBe(50_000);
    await ctx.close();

    // Finance returns 200 ₽ of it to the card from the back office.
    const password = 'Finance-2026';
    const fin = await buildStaff(a.db, {
      role: 'finance',
      email: 'finance@abonent.test',
      passwordHash: await hashPassword(password),
    });
    const staff = await a.newContext(VIEWPORTS.desktop);
    const fp = await staff.newPage();
    await signInStaffPage(fp, a.db, { ...fin.user, password, totpSecret: fin.totpSecret });
    await fp.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await fp.goto('/staff/finance');
    await fp.getByLabel('Лицевой счёт').fill(s.account.number);
    await fp.getByRole('button', { name: 'Показать' }).click();
    await fp.getByRole('button', { name: `Вернуть на карту платёж счёта ${s.account.number}` }).click();
    await fp.getByLabel('Сумма возврата, ₽').fill('200');
    await fp.getByLabel('Причина (видна в выписке и журнале)').fill('Ошибся суммой');
    await noSeriousA11yViolations(fp);
    await fp.getByRole('button', { name: 'Вернуть', exact: true }).click();
    await fp.getByText('Возврат 200,00 ₽ проведён').waitFor();
    expect((await account(s.account.id)).balance).toBe(30_000);
    await fp.getByRole('button', { name: 'Закрыть', exact: true }).click();
    await expect.poll(async () => fp.getByRole('cell', { name: '200,00 ₽' }).count()).toBeGreaterThan(0);
    await staff.close();
  });

  it('finance finds a receipt ATOL refused, with the reason, and sends it again', async () => {
    const s = await buildSubscriber(a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 0 });
    const [p] = await queryRows<{ id: number }>(
      a.db,
      sql`insert into payments (account_id, provider, amount, status, method, succeeded_at) values (${s.account.id}, 'agent:term', 30000, 'succeeded', 'terminal', now()) returning id`,
    );
    await a.db.execute(sql`insert into receipts (payment_id, region_id, total, status, last_error)
                           values (${p!.id}, ${a.region.id}, 30000, 'failed', 'ATOL refused the receipt: 32 Ошибка валидации входящего чека')`);
    const password = 'Finance-2026';
    const fin = await buildStaff(a.db, {
      role: 'finance',
      email: 'receipts@abonent.test',
      passwordHash: await hashPassword(password),
    });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await signInStaffPage(page, a.db, { ...fin.user, password, totpSecret: fin.totpSecret });
    await page.getByRole('link', { name: 'Чеки' }).click();
    await page.getByLabel('Лицевой счёт').fill(s.account.number);
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.getByText('32 Ошибка валидации входящего чека').waitFor();
    await noSeriousA11yViolations(page);
    await page.getByRole('button', { name: `Отправить снова чек платежа ${p!.id}` }).click();
    // Sent again as attempt 2; the list (filtered to refused ones) no longer shows it.
    await page.getByText('Чеков нет').waitFor();
    const [r] = await queryRows<{ attempt: number; status: string }>(
      a.db,
      sql`select attempt, status from receipts where payment_id = ${p!.id}`,
    );
    expect(r!.attempt).toBe(2);
    await ctx.close();
  });

  it('an admin finds a background job that gave up, with its last error, and runs it again (phone)', async () => {
    const [job] = await queryRows<{ id: number }>(
      a.db,
      sql`insert into jobs (name, key, payload, state, attempts, max_attempts, last_error, finished_at)
          values ('notifications.deliver', 'deliver:e2e-dead', '{"outboxId": 999999999}'::jsonb, 'dead', 5, 5,
                  'SMPP submit_sm refused (part 1/5): status 0x00000008', now()) returning id`,
    );
    const password = 'Admin-2026-jobs';
    const admin = await buildStaff(a.db, {
      role: 'admin',
      email: 'jobs@abonent.test',
      passwordHash: await hashPassword(password),
    });
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await signInStaffPage(page, a.db, { ...admin.user, password, totpSecret: admin.totpSecret });
    await page.getByRole('button', { name: 'Выйти' }).waitFor();
    await page.goto('/staff/jobs');
    await page.getByText('SMPP submit_sm refused (part 1/5): status 0x00000008').waitFor();
    await page.getByText('Отправка уведомления (e-mail, SMS)').waitFor(); // the job in words, not its code
    await noSeriousA11yViolations(page);
    await page.getByRole('button', { name: `Запустить снова задачу ${job!.id}` }).click();
    await page.getByText(`Задача ${job!.id} поставлена в очередь`).waitFor();
    await expect
      .poll(
        async () =>
          (await queryRows<{ state: string }>(a.db, sql`select state from jobs where id = ${job!.id}`))[0]!.state,
      )
      .toBe('done');
    await ctx.close();
  });
});
