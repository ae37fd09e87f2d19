import { AxeBuilder } from '@axe-core/playwright';
import { sql } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../common/dates.js';
import { queryRows } from '../server/db/client.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { requestMobile } from '../server/modules/mobile/mobile-requests.js';
import { createPromotion } from '../server/modules/promotions/manage-promotions.js';
import { addIpRange } from '../server/modules/services/ip-pool-admin.js';
import { applySuspension } from '../server/modules/suspension/apply-suspension.js';
import { createOffice } from '../server/modules/termination/offices.js';
import { bookVisit } from '../server/modules/termination/visits.js';
import { buildService, buildStaff, buildTariff } from '../server/test/factories.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, startAbonent, typeDay, VIEWPORTS } from './harness.js';

// One server for the file: a phone and a desktop subscriber walk every service flow, then an operator
// works the three queues and an admin the catalogue and promotions — all found by visible Russian labels.
let a: Abonent;
let fast: Awaited<ReturnType<typeof buildTariff>>;
const today = () => todayIn('Europe/Moscow');
/** Each test walks a whole person's day through many pages: more time than one flow's default. */
const FLOW_TIMEOUT = 240_000;
const ru = (day: string) => day.split('-').reverse().join('.');

beforeAll(async () => {
  a = await startAbonent();
  fast = await buildTariff(a.db, {
    regionId: a.region.id,
    nameRu: 'Домашний 500',
    nameEn: 'Home 500',
    monthlyFee: 90_000,
    speedDownKbps: 500_000,
  });
  await buildService(a.db, {
    regionId: a.region.id,
    kind: 'static_ip',
    nameRu: 'Статический IP',
    nameEn: 'Static IP',
    monthlyFee: 15_000,
  });
  await buildService(a.db, {
    regionId: a.region.id,
    kind: 'mobile',
    nameRu: 'Мобильный 10 ГБ',
    nameEn: 'Mobile 10 GB',
    monthlyFee: 30_000,
  });
  await addIpRange(a.db, { regionId: a.region.id, cidr: '203.0.113.0/29', staffId: 1 });
  await createOffice(
    a.db,
    { staffId: 1 },
    {
      regionId: a.region.id,
      nameRu: 'Офис на Садовой',
      nameEn: 'Sadovaya office',
      address: 'ул. Садовая, 5',
      hours: 'Пн–Пт 10:00–19:00',
    },
  );
  await createPromotion(
    a.db,
    { staffId: 1 },
    {
      regionId: a.region.id,
      titleRu: 'Бонус 300 ₽ новым абонентам',
      titleEn: 'Welcome bonus',
      descriptionRu: 'Зачислим бонус сразу после подключения к акции',
      descriptionEn: '',
      startsOn: addDays(today(), -1),
      endsOn: null,
      effect: 'bonus',
      amount: 30_000,
      eligibility: { newWithinDays: 30 },
    },
  );
});
afterAll(() => a?.close());

async function noSeriousA11yViolations(page: Page) {
  await page.waitForLoadState('networkidle');
  // A window still fading in has text at part of its contrast: judge the page once transitions are over.
  await page.waitForFunction(() => document.getAnimations().every((x) => x.playState !== 'running'));
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function signIn(ctx: BrowserContext, contract: string, password: string) {
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.getByLabel('Номер договора').fill(contract);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByTestId('balance').waitFor();
  return page;
}

describe.each(Object.entries(VIEWPORTS))('subscriber services on %s', (name, viewport) => {
  it(
    'changes the plan, adds a static IP, applies for a suspension, joins a promotion, asks for mobile internet, books a termination visit',
    async () => {
      const s = await signedInSubscriber(a.app, a.db, {
        regionId: a.region.id,
        tariffId: a.tariff.id,
        balance: 150_000,
        startsOn: today(),
      });
      const ctx = await a.newContext(viewport);
      const page = await signIn(ctx, s.contract.number, s.password);
      await noSeriousA11yViolations(page);

      // Tariff change with its preview: from tomorrow.
      await page.getByRole('link', { name: 'Сменить тариф' }).click();
      await page.getByRole('heading', { name: 'Тариф и услуги', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Выбрать «Домашний 500»' }).click();
      const dialog = page.getByRole('dialog', { name: 'Смена тарифа на «Домашний 500»' });
      await expect
        .poll(() => dialog.getByTestId('tariff-from').textContent())
        .toContain(`Действует с ${ru(addDays(today(), 1))}`);
      await noSeriousA11yViolations(page);
      await dialog.getByRole('button', { name: 'Сменить тариф' }).click();
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toContain('действует тариф «Домашний 500»');
      await expect.poll(() => page.getByTestId('pending-tariff').textContent()).toContain('«Домашний 500»');

      // Static IP: preview, then the address given.
      await page.getByRole('button', { name: 'Подключить «Статический IP»' }).click();
      const addon = page.getByRole('dialog', { name: 'Подключение: «Статический IP»' });
      await addon.getByText(`абонентская плата — с ${ru(addDays(today(), 1))}`).waitFor();
      await addon.getByRole('button', { name: 'Подключить' }).click();
      await page.getByText(/Услуга подключена, ваш IP-адрес: 203\.0\.113\.\d/).waitFor();
      await noSeriousA11yViolations(page);

      // Voluntary suspension: dates → preview (all free) → application waiting for review.
      await page.goto('/cabinet/suspension');
      await typeDay(page, 'Первый день блокировки', ru(addDays(today(), 5)));
      await typeDay(page, 'Последний день блокировки', ru(addDays(today(), 14)));
      await page.getByRole('button', { name: 'Рассчитать' }).click();
      await expect.poll(() => page.getByTestId('suspension-preview').textContent()).toContain('Все дни бесплатные');
      await noSeriousA11yViolations(page);
      await page.getByRole('button', { name: 'Отправить заявку' }).click();
      await page.getByText('Заявка отправлена').waitFor();
      await page.getByText('На рассмотрении').waitFor();

      // The information page shows all of it in words.
      await page.goto('/cabinet');
      await expect.poll(() => page.getByTestId('suspension').textContent()).toContain('на рассмотрении');
      await page.getByText(`тариф сменится на «Домашний 500»`).waitFor();
      expect(await page.getByTestId('services').textContent()).toMatch(/IP-адрес: 203\.0\.113\.\d/);

      // Promotions: join the welcome bonus; the statement shows it in words.
      await page.goto('/cabinet/promotions');
      await page.getByRole('button', { name: 'Участвовать в акции «Бонус 300 ₽ новым абонентам»' }).click();
      await page.getByText('Вы участвуете в акции').waitFor();
      await noSeriousA11yViolations(page);
      await page.goto('/cabinet/stats');
      await expect
        .poll(() => page.getByTestId('entries').textContent())
        .toContain('Акция «Бонус 300 ₽ новым абонентам»');
      if (name === 'phone') {
        // The statement fits a 360 px phone without sideways scrolling, amount column included.
        await page.setViewportSize({ width: 360, height: 740 });
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
        const box = await page.getByRole('columnheader', { name: 'Сумма' }).boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(360);
        await page.setViewportSize(viewport);
      }

      // Mobile internet: a request for a call back.
      await page.goto('/cabinet/mobile');
      await page.getByLabel('Когда удобно позвонить').fill('будни после 18:00');
      await page.getByRole('button', { name: 'Отправить заявку' }).click();
      await page.getByText('Заявка принята. Мы позвоним в удобное время').waitFor();
      await noSeriousA11yViolations(page);

      // Termination: the office and a visit.
      await page.goto('/cabinet/termination');
      await page.getByText('ул. Садовая, 5', { exact: false }).first().waitFor();
      await page.getByLabel('Офис').first().click();
      await page.getByRole('option', { name: /Офис на Садовой/ }).click();
      await typeDay(page, 'Дата визита', ru(addDays(today(), 2)));
      await page.getByRole('button', { name: 'Записаться на визит' }).click();
      await expect
        .poll(() => page.getByTestId('visit-booked').textContent())
        .toContain(`Вы записаны: ${ru(addDays(today(), 2))} в 11:00`);
      await noSeriousA11yViolations(page);
      await ctx.close();

      const [row] = await queryRows<{
        pending: number;
        ips: number;
        susp: number;
        mobile: number;
        visits: number;
        bonus: number;
      }>(
        a.db,
        sql`select (select pending_tariff_id from subscriptions where account_id = ${s.account.id} and kind = 'tariff' and ends_on is null) as pending,
                 (select count(*)::int from ip_addresses where account_id = ${s.account.id}) as ips,
                 (select count(*)::int from suspensions where account_id = ${s.account.id} and status = 'pending') as susp,
                 (select count(*)::int from mobile_requests where account_id = ${s.account.id} and status = 'new') as mobile,
                 (select count(*)::int from termination_visits where account_id = ${s.account.id} and status = 'booked') as visits,
                 (select coalesce(sum(amount), 0)::int from ledger_entries where account_id = ${s.account.id} and kind = 'bonus') as bonus`,
      );
      expect(row).toEqual({ pending: fast.id, ips: 1, susp: 1, mobile: 1, visits: 1, bonus: 30_000 });
    },
    FLOW_TIMEOUT,
  );
});

describe('back office', () => {
  it(
    'an operator works the suspension, mobile and visit queues and terminates a contract; an admin keeps the catalogue and promotions',
    async () => {
      const subs = await Promise.all(
        ['Орлова Анна', 'Петров Семён', 'Соколова Вера'].map((fullName) =>
          signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 50_000, fullName }),
        ),
      );
      const [orlova, petrov, sokolova] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];
      const actor = (id: number) => ({ type: 'subscriber' as const, accountId: id });
      await applySuspension(a.db, {
        accountId: orlova.account.id,
        startsOn: addDays(today(), 3),
        endsOn: addDays(today(), 9),
        actor: actor(orlova.account.id),
      });
      await applySuspension(a.db, {
        accountId: petrov.account.id,
        startsOn: addDays(today(), 4),
        endsOn: addDays(today(), 6),
        actor: actor(petrov.account.id),
      });
      await requestMobile(a.db, {
        accountId: petrov.account.id,
        phone: '+7 921 100-20-30',
        convenientTime: 'вечером',
        actor: actor(petrov.account.id),
      });
      const [office] = await queryRows<{ id: number }>(
        a.db,
        sql`select id from region_offices where region_id = ${a.region.id} limit 1`,
      );
      await bookVisit(a.db, {
        accountId: sokolova.account.id,
        officeId: office!.id,
        date: addDays(today(), 1),
        time: '10:30',
        actor: actor(sokolova.account.id),
      });

      const ctx = await a.newContext(VIEWPORTS.desktop);
      const page = await ctx.newPage();
      await page.goto('/staff/login');
      await page.getByLabel('E-mail').fill(a.operator.email);
      await page.getByLabel('Пароль').fill(a.operator.password);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
      await expect
        .poll(() => page.getByTestId('queue-suspensions').textContent())
        .toMatch(/Заявки на блокировку\s*[1-9]/);
      await expect.poll(() => page.getByTestId('queue-visits').textContent()).toMatch(/Визиты для расторжения\s*[1-9]/);
      await noSeriousA11yViolations(page);

      // Suspension queue: approve one, refuse the other with a reason.
      await page.getByRole('link', { name: 'Заявки на блокировку' }).first().click();
      await page.getByTestId('suspension-queue').waitFor();
      await noSeriousA11yViolations(page);
      await page.getByRole('button', { name: `Одобрить заявку ${orlova.account.number}` }).click();
      await page.getByText(`Заявка одобрена: с ${ru(addDays(today(), 3))}`).waitFor();
      await page.getByRole('button', { name: `Отклонить заявку ${petrov.account.number}` }).click();
      const refuse = page.getByRole('dialog');
      await refuse.getByLabel('Причина отказа (её увидит абонент)').fill('Оплатите задолженность по договору');
      await refuse.getByRole('button', { name: 'Отклонить' }).click();
      await page.getByText('Заявка отклонена').waitFor();

      // Mobile internet queue: connected.
      await page.getByRole('link', { name: 'Заявки на мобильный интернет' }).click();
      await page.getByText('вечером').first().waitFor();
      await noSeriousA11yViolations(page);
      const card = page.getByTestId(/mobile-request-\d+/).filter({ hasText: 'Петров Семён' });
      await card.getByRole('button', { name: 'Подключено' }).click();
      await page.getByText('Заявка обновлена').waitFor();

      // Visits: open the card and terminate, refunding the rest in cash.
      await page.getByRole('link', { name: 'Визиты для расторжения' }).click();
      await page.getByTestId('visits-queue').waitFor();
      await noSeriousA11yViolations(page);
      await page
        .getByRole('row')
        .filter({ hasText: 'Соколова Вера' })
        .getByRole('link', { name: 'Расторгнуть' })
        .click();
      await page.getByRole('tab', { name: 'Расторжение' }).waitFor();
      await page.getByLabel('Наличными из кассы').check();
      await noSeriousA11yViolations(page);
      await page.getByRole('button', { name: 'Расторгнуть договор' }).click();
      await expect.poll(() => page.getByTestId('termination-done').textContent()).toContain('Договор расторгнут');
      await expect.poll(() => page.getByTestId('account-status').textContent()).toBe('Договор расторгнут');

      // The statement stays on the card, in words.
      await page.getByRole('tab', { name: 'Обзор' }).click();
      await expect
        .poll(() => page.getByTestId('entries').textContent())
        .toContain('Возврат остатка наличными при расторжении договора');
      await noSeriousA11yViolations(page);
      await ctx.close();

      // The refused and approved subscribers read the answers; the terminated one cannot sign in.
      const [st] = await queryRows<{ approved: string; refused: string | null; mobile: string; contract: string }>(
        a.db,
        sql`select (select status from suspensions where account_id = ${orlova.account.id}) as approved,
                 (select refuse_reason from suspensions where account_id = ${petrov.account.id}) as refused,
                 (select status from mobile_requests where account_id = ${petrov.account.id}) as mobile,
                 (select c.status from contracts c join accounts x on x.contract_id = c.id where x.id = ${sokolova.account.id}) as contract`,
      );
      expect(st).toEqual({
        approved: 'approved',
        refused: 'Оплатите задолженность по договору',
        mobile: 'connected',
        contract: 'terminated',
      });
      const login = await a.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { contract: sokolova.contract.number, password: sokolova.password },
      });
      expect(login.statusCode).toBe(403);

      // Admin: the catalogue page and a new promotion.
      const adminPassword = 'Admin-Services-2026';
      const admin = await buildStaff(a.db, {
        role: 'admin',
        email: 'admin-services@abonent.test',
        passwordHash: await hashPassword(adminPassword),
      });
      const actx = await a.newContext(VIEWPORTS.desktop);
      const ap = await actx.newPage();
      await ap.goto('/staff/login');
      await ap.getByLabel('E-mail').fill(admin.user.email);
      await ap.getByLabel('Пароль').fill(adminPassword);
      await ap.getByRole('button', { name: 'Войти' }).click();
      await ap.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
      await ap.getByRole('link', { name: 'Тарифы и услуги' }).click();
      await ap.getByRole('textbox', { name: 'Плата «Домашний 500», ₽' }).waitFor();
      await expect.poll(() => ap.getByTestId('pool-totals').textContent()).toMatch(/Всего адресов: 6/);
      await noSeriousA11yViolations(ap);
      await ap.getByRole('link', { name: 'Акции' }).click();
      // The catalogue has fields of the same name: wait until the promotions page replaced it.
      await ap.getByRole('heading', { level: 1, name: 'Акции' }).waitFor();
      await ap.getByLabel('Название (рус.)').fill('Скидка 30 % на 2 месяца');
      await ap.getByLabel('Что даёт').first().click();
      await ap.getByRole('option', { name: 'Скидка на тариф на N месяцев' }).click();
      await ap.getByLabel('Скидка, %').fill('30');
      await ap.getByLabel('Месяцев').fill('2');
      await ap.getByRole('button', { name: 'Создать акцию' }).click();
      await ap.getByText('Акция создана').waitFor();
      await ap.getByText('Скидка 30 % на абонентскую плату тарифа на 2 мес.').waitFor();
      await noSeriousA11yViolations(ap);
      await ap.getByRole('button', { name: 'Завершить «Скидка 30 % на 2 месяца»' }).click();
      await ap.getByText('завершена').waitFor();
      await actx.close();
    },
    FLOW_TIMEOUT,
  );
});
