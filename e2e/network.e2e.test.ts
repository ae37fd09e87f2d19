import { AxeBuilder } from '@axe-core/playwright';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashPassword } from '../server/modules/auth/passwords.js';
import { buildStaff } from '../server/test/factories.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

/**
 * Network pages in Chromium: the subscriber's sessions at phone size, the captive portal for the address of
 * an open session (the browser's own, 127.0.0.1), the back office's sessions online and the NAS registry.
 */
let a: Abonent;
let s: Awaited<ReturnType<typeof signedInSubscriber>>;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

beforeAll(async () => {
  a = await startAbonent();
  s = await signedInSubscriber(a.app, a.db, {
    regionId: a.region.id,
    tariffId: a.tariff.id,
    balance: -20_000,
    status: 'blocked',
  });
  // As FreeRADIUS accounting leaves them (server/modules/network/network.routes.test.ts does the same):
  // one finished session today — in the region's zone, whatever the hour: just after midnight there it
  // fits between midnight and now — and one open, with interim updates, from this browser's address.
  const dayStart = sql`(date_trunc('day', now() at time zone ${a.region.timeZone}) at time zone ${a.region.timeZone})`;
  const closedFrom = sql`greatest(${dayStart}, now() - interval '3 hours')`;
  const closedTo = sql`${closedFrom} + (now() - ${closedFrom}) / 2`;
  await a.db.execute(
    sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip, started_at,
          updated_at, stopped_at, session_seconds, input_bytes, output_bytes, terminate_cause)
        values ('10.0.0.1', 'e2e-closed', ${s.contract.number}, ${s.account.id}, '100.64.1.7'::inet,
          ${closedFrom}, ${closedTo}, ${closedTo}, 3600,
          ${10 * 1024}, ${300 * MiB}, 'User-Request'),
               ('10.0.0.1', 'e2e-open', ${s.contract.number}, ${s.account.id}, '127.0.0.1'::inet,
          now() - interval '30 minutes', now(), null, 1800, ${50 * MiB}, ${1.5 * GiB}, null)`,
  );
});
afterAll(() => a?.close());

async function noSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

describe('network pages in Chromium', () => {
  it('the subscriber sees being online and both sessions with traffic in words on a phone', async () => {
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill(s.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    await page.getByRole('button', { name: 'Меню' }).click();
    await page.getByRole('link', { name: 'Интернет-сессии' }).click();
    await page.getByRole('heading', { name: 'Интернет-сессии и трафик' }).waitFor();
    await page.getByTestId('sessions').waitFor();
    expect(await page.getByTestId('online-state').textContent()).toBe('Вы сейчас в сети');
    const table = (await page.getByTestId('sessions').innerText()).replace(/\s+/g, ' ');
    expect(table).toContain('127.0.0.1');
    expect(table).toContain('100.64.1.7');
    expect(table).toContain('1,5 ГБ');
    expect(table).toContain('300 МБ');
    expect(table).toContain('Отключено на устройстве');
    expect(table).not.toContain('User-Request');
    expect((await page.getByTestId('total-download').textContent())!.replace(/\s/g, ' ')).toBe('1,8 ГБ');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await page.screenshot({ path: '/tmp/e2e-network-sessions-phone.png', fullPage: true });
    await noSeriousA11yViolations(page);
    await ctx.close();
  });

  it('the captive portal shows the debtor the balance and leads to the top-up, no sign-in', async () => {
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await page.goto('/portal');
    await page.getByRole('heading', { name: 'Доступ в интернет приостановлен' }).waitFor();
    expect(await page.getByTestId('portal-account').textContent()).toBe(s.account.number);
    expect((await page.getByTestId('portal-balance').textContent())!.replace(/\s/g, ' ')).toMatch(/^[−-]200,00 ₽$/);
    await page.getByTestId('portal-to-pay').waitFor();
    const topUp = page.getByRole('link', { name: 'Пополнить' });
    expect(await topUp.getAttribute('href')).toBe(`/pay?account=${s.account.number}`);
    await page.screenshot({ path: '/tmp/e2e-network-portal-phone.png', fullPage: true });
    await noSeriousA11yViolations(page);
    await topUp.click();
    await page.waitForURL(/\/pay\?account=/);
    await ctx.close();
  });

  it('the operator sees the session online on the card and in «Онлайн»; the admin adds a NAS', async () => {
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await page.goto('/staff/login');
    await page.getByLabel('E-mail').fill(a.operator.email);
    await page.getByLabel('Пароль').fill(a.operator.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
    await page.goto(`/staff/accounts/${s.account.id}`);
    const online = page.getByTestId('online-sessions');
    await online.waitFor();
    const text = (await online.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('127.0.0.1');
    expect(text).not.toContain('100.64.1.7');
    await page.getByRole('button', { name: 'Отключить' }).waitFor();
    await noSeriousA11yViolations(page);

    // «Онлайн»: the ISP-wide list finds the same session by account number and leads back to the card.
    await page.getByRole('link', { name: 'Онлайн' }).click();
    await page.getByTestId('online-total').waitFor();
    await page.getByLabel('Логин, лицевой счёт или IP-адрес').fill(s.account.number);
    await page.getByRole('button', { name: 'Найти' }).click();
    await expect.poll(() => page.getByTestId('online-total').textContent()).toBe('В сети сейчас: 1');
    expect(await page.getByTestId('online-list').innerText()).toContain('127.0.0.1');
    await page.screenshot({ path: '/tmp/e2e-online.png', fullPage: true });
    await noSeriousA11yViolations(page);
    await page.getByTestId('online-list').getByRole('link', { name: s.account.number }).click();
    await page.getByTestId('online-sessions').waitFor();
    await ctx.close();

    const adminPassword = 'Admin-pass-2026';
    const admin = await buildStaff(a.db, {
      role: 'admin',
      email: 'admin@abonent.test',
      passwordHash: await hashPassword(adminPassword),
    });
    const actx = await a.newContext(VIEWPORTS.desktop);
    const ap = await actx.newPage();
    await signInStaffPage(ap, a.db, { ...admin.user, password: adminPassword, totpSecret: admin.totpSecret });
    await ap.getByRole('link', { name: 'Оборудование (NAS)' }).click();
    await ap.getByRole('heading', { name: 'Оборудование доступа (NAS)' }).waitFor();
    await ap.getByRole('button', { name: 'Добавить NAS' }).click();
    await ap.getByLabel('Название').fill('BRAS Садовая');
    await ap.getByLabel('Регион').first().click();
    await ap.getByRole('option', { name: 'Санкт-Петербург' }).click();
    await ap.getByLabel('IP-адрес').fill('10.20.0.1');
    await ap.getByLabel('Общий секрет RADIUS').fill('nas-secret-e2e');
    await ap.getByRole('button', { name: 'Сохранить' }).click();
    const list = ap.getByTestId('nas-list');
    await expect.poll(async () => (await list.isVisible()) && (await list.innerText())).toContain('BRAS Садовая');
    expect(await list.innerText()).toContain('MikroTik');
    await noSeriousA11yViolations(ap);
    await actx.close();
  });
});
