import { AxeBuilder } from '@axe-core/playwright';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff } from '../server/test/factories.js';
import { nextTotpCode, signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, expectProblem, startAbonent, VIEWPORTS } from './harness.js';

/** Issue 26, items 4 and 5, as a person does them in Chromium. Screenshots go to /tmp/e2e-security-*.png. */
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
/** A field's label exactly, with or without the required-field asterisk Mantine adds. */
const exactly = (text: string) => new RegExp(`^${text}\\s*\\*?$`);
const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/e2e-security-${name}.png`, fullPage: true });
const secretOn = async (page: Page) => (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
async function lastMessage(address: string, template: string) {
  const [m] = await queryRows<{ body: string }>(
    a.db,
    sql`select body from outbox where address = ${address} and template = ${template} order by id desc limit 1`,
  );
  return m!.body;
}

describe('back office: staff account security', () => {
  it("an admin's first sign-in asks for an own password, then an authenticator app; then sessions, reset links and role settings", async () => {
    const initial = 'Initial-admin-2026';
    const mine = 'My-own-admin-pass-2026';
    const admin = await buildStaff(a.db, {
      role: 'admin',
      email: 'first-admin@abonent.test',
      passwordHash: await hashPassword(initial),
      totpSecret: null,
      mustChangePassword: true,
    });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/staff/login');
    await page.getByLabel('E-mail').fill(admin.user.email);
    await page.getByLabel(exactly('Пароль')).fill(initial);
    await page.getByRole('button', { name: 'Войти' }).click();

    // 1. Own password first.
    await page.getByRole('heading', { name: 'Задайте свой пароль' }).waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'staff-1-forced-password');
    await page.getByLabel('Текущий пароль').fill(initial);
    await page.getByLabel(exactly('Новый пароль')).fill(mine);
    await page.getByLabel('Новый пароль ещё раз').fill(mine);
    await page.getByRole('button', { name: 'Сменить пароль' }).click();

    // 2. Then the authenticator app: QR code and secret, the password and a code.
    await page.getByRole('heading', { name: 'Подключите вход с кодом' }).waitFor();
    await page.getByRole('img', { name: 'QR-код для приложения-аутентификатора' }).waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'staff-2-forced-totp');
    const secret = await secretOn(page);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel('Текущий пароль').fill(mine);
    await page
      .getByLabel(exactly('Код из приложения'))
      .fill(await nextTotpCode(a.db, { type: 'staff', id: admin.user.id }, secret));
    await page.getByRole('button', { name: 'Включить' }).click();
    await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();

    // 3. My account: password, two-factor (on, cannot be turned off for an admin), sessions.
    await page.getByRole('link', { name: 'Мой профиль' }).click();
    await page.getByRole('heading', { name: 'Мой профиль' }).waitFor();
    await page.getByText('Включён: при входе после пароля нужен код').waitFor();
    await page.getByText('Для вашей роли вход с кодом обязателен.').waitFor();
    expect(await page.getByRole('button', { name: 'Отключить' }).count()).toBe(0);
    await page.getByTestId('sessions').getByText('этот сеанс').waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'staff-3-account');

    // 4. Staff: a reset link instead of a password, and TOTP required for operators.
    const op = await buildStaff(a.db, {
      role: 'operator',
      email: 'forgetful@abonent.test',
      passwordHash: await hashPassword('Old-operator-2026'),
    });
    await a.db.execute(sql`update staff_users set full_name = 'Забывчивый Оператор' where id = ${op.user.id}`);
    await page.getByRole('link', { name: 'Сотрудники' }).click();
    await page.getByRole('button', { name: 'Сбросить пароль: Забывчивый Оператор' }).click();
    await page.getByText(`Ссылка для смены пароля отправлена на ${op.user.email}`).waitFor();
    await page.getByRole('switch', { name: 'Код обязателен: Оператор' }).click();
    await expect.poll(() => page.getByRole('switch', { name: 'Код обязателен: Оператор' }).isChecked()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Код обязателен: Администратор' }).isDisabled()).toBe(true);
    await noSeriousA11yViolations(page);
    await shot(page, 'staff-4-users');
    const link = /https?:\/\/\S+\/staff\/reset\?token=[\w-]+/.exec(
      await lastMessage(op.user.email, 'staff_password_link'),
    )![0];

    // 5. The operator sets a new password from the link, then (operators now require it) adds an app.
    const opCtx = await a.newContext(VIEWPORTS.phone);
    const opPage = await opCtx.newPage();
    await opPage.goto(link.replace(/^https?:\/\/[^/]+/, ''));
    await opPage.getByRole('heading', { name: 'Новый пароль для бэк-офиса' }).waitFor();
    await opPage.getByLabel(exactly('Новый пароль')).fill('Fresh-operator-2026');
    await opPage.getByLabel('Новый пароль ещё раз').fill('Fresh-operator-2026');
    await opPage.getByRole('button', { name: 'Сменить пароль' }).click();
    await opPage.getByText('Пароль изменён. Войдите с новым паролем.').waitFor();
    await noSeriousA11yViolations(opPage);
    await shot(opPage, 'staff-5-reset-phone');
    await opPage.getByRole('link', { name: 'Ко входу' }).click();
    await opPage.getByLabel('E-mail').fill(op.user.email);
    await opPage.getByLabel(exactly('Пароль')).fill('Fresh-operator-2026');
    await opPage.getByRole('button', { name: 'Войти' }).click();
    await opPage.getByRole('heading', { name: 'Подключите вход с кодом' }).waitFor();
    await shot(opPage, 'staff-6-forced-totp-phone');
    await opCtx.close();
    await page.getByRole('switch', { name: 'Код обязателен: Оператор' }).click();
    await expect.poll(() => page.getByRole('switch', { name: 'Код обязателен: Оператор' }).isChecked()).toBe(false);

    // 6. In English too.
    await page.getByRole('link', { name: 'Мой профиль' }).click();
    await page.getByRole('button', { name: 'Язык: English' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    await shot(page, 'staff-7-account-en');
    await ctx.close();
  });
});

describe('cabinet: subscriber account security (phone)', () => {
  it('changes the e-mail with the password and sees the recovery hold; turns on TOTP and signs in with a code', async () => {
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 50_000 });
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    const signIn = async () => {
      await page.goto('/login');
      await page.getByLabel('Номер договора').fill(s.contract.number);
      await page.getByLabel(exactly('Пароль')).fill(s.password);
      await page.getByRole('button', { name: 'Войти' }).click();
    };
    await signIn();
    await page.getByTestId('balance').waitFor();
    await page.goto('/cabinet/profile');
    await page.getByRole('heading', { name: 'Профиль' }).waitFor();

    // The e-mail: new address and the password, then the code sent to it.
    await page.getByLabel('E-mail: Новое значение').fill('moved@example.net');
    await page.getByLabel('E-mail: Текущий пароль').fill(s.password);
    await page.getByRole('button', { name: 'Прислать код' }).nth(1).click();
    await page.getByText('Код отправлен на новый адрес').waitFor();
    const code = /(\d{6})/.exec(await lastMessage('moved@example.net', 'contact_code'))![1]!;
    await page.getByLabel('Код подтверждения').fill(code);
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    await page.getByText('Восстановление пароля на этот e-mail — с').waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'cabinet-1-contact-held');

    // Two-factor sign-in from the QR code's secret.
    await page.getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('img', { name: 'QR-код для приложения-аутентификатора' }).waitFor();
    const secret = await secretOn(page);
    await page.getByLabel(exactly('Текущий пароль')).fill(s.password);
    await page
      .getByLabel(exactly('Код из приложения'))
      .fill(await nextTotpCode(a.db, { type: 'subscriber', id: s.contract.id }, secret));
    await shot(page, 'cabinet-2-totp-setup');
    await page.getByRole('button', { name: 'Включить' }).click();
    await page.getByText('Вход с кодом включён', { exact: true }).waitFor();
    await page.getByText('Включён: при входе после пароля нужен код').waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'cabinet-3-totp-on');

    // Signed out and in again: after the password, the code.
    await ctx.clearCookies();
    expectProblem(/status of 401/); // the password is right, the code is still missing: totp_required
    await signIn();
    await page.getByLabel('Код из приложения-аутентификатора').waitFor();
    await noSeriousA11yViolations(page);
    await shot(page, 'cabinet-4-login-code');
    await page
      .getByLabel('Код из приложения-аутентификатора')
      .fill(await nextTotpCode(a.db, { type: 'subscriber', id: s.contract.id }, secret));
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    await ctx.close();
  });
});
