import { sql } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { defineJob } from '../server/jobs/queue.js';
import { allJobs } from '../server/jobs/registry.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import { bulkRunJob } from '../server/modules/bulk/bulk.job.js';
import { BULK_BATCH, runBulk } from '../server/modules/bulk/run-bulk.js';
import { buildRegion, buildStaff, buildSubscriber, buildTariff } from '../server/test/factories.js';
import { buildNas } from '../server/test/network-factories.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, noSeriousA11yViolations, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

/**
 * Bulk operations and outages walked in Chromium by their Russian labels (issue 24, docs/bulk.md and
 * docs/outages.md), beyond e2e/office.e2e.test.ts (a message by plan and balance, an outage on a
 * street): a plan change by region and plan, tags edited on the card then a block and an unblock by
 * that tag, an operation of 1,200 subscribers stopped after its first batch, and outages on a NAS and
 * on a whole region seen on a phone, moved, closed and compensated.
 */

/**
 * The `bulk.run` job as the product runs it (runBulk, its lease renewed after each batch), except that
 * a test may hold it after a batch: the stop test asks for the stop while the operation is honestly
 * between its batches, whatever the machine's speed.
 */
let hold: { after: number; reached: () => void; release: Promise<void> } | null = null;
const pacedBulkRun = defineJob({
  ...bulkRunJob,
  async handler({ operationId }, { db, signal, heartbeat }) {
    await runBulk(db, {
      operationId,
      signal,
      afterBatch: async (batch) => {
        const alive = await heartbeat();
        if (hold && batch === hold.after) {
          hold.reached();
          await hold.release;
        }
        return alive;
      },
    });
  },
});

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent({}, {}, { jobs: allJobs.map((j) => (j.name === bulkRunJob.name ? pacedBulkRun : j)) });
});
afterAll(() => a?.close());

async function operatorSignIn(page: Page) {
  await signInStaffPage(page, a.db, a.operator);
  await page.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();
}

async function openNewOperation(page: Page) {
  await page.goto('/staff/bulk');
  await page.getByRole('heading', { name: 'Массовые операции', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Новая операция' }).click();
  await page.getByRole('heading', { name: 'Новая операция', level: 1 }).waitFor();
}

async function pick(page: Page, field: ReturnType<Page['getByLabel']>, option: string | RegExp) {
  await field.click();
  await page.getByRole('option', { name: option }).click();
  await page.keyboard.press('Escape');
}

/** Preview, run (confirmed in the dialog), and wait for the operation page to say it is done. */
async function runPreviewed(page: Page, count: number, kind: string) {
  const run = `Запустить для ${count} ${count % 10 === 1 && count % 100 !== 11 ? 'абонента' : 'абонентов'}`;
  await page.getByTestId('bulk-preview').getByRole('button', { name: run }).click();
  await page.getByRole('dialog').getByRole('button', { name: run }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`№ \\d+ · ${kind}`) }).waitFor();
  await expect.poll(() => page.getByTestId('bulk-state').textContent(), { timeout: 20_000 }).toBe('Выполнена');
  expect(await page.getByTestId('bulk-progress').textContent()).toBe(`Обработано ${count} из ${count}`);
  expect(await page.getByTestId('bulk-succeeded').textContent()).toBe(String(count));
}

async function reportCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Скачать отчёт (CSV)' }).click(),
  ]);
  const chunks = (await (await download.createReadStream()).toArray()) as Buffer[];
  return Buffer.concat(chunks).toString('utf8');
}

/** The staff search list: each account's number → the status the list shows. */
async function statusesInList(page: Page, query: string): Promise<Record<string, string>> {
  await page.goto('/staff');
  await page.getByLabel('Лицевой счёт, договор, телефон или ФИО').fill(query);
  await page.getByRole('button', { name: 'Найти' }).click();
  const rows = page.getByRole('row').filter({ hasText: query });
  await rows.first().waitFor();
  const out: Record<string, string> = {};
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').allTextContents();
    out[cells[0]!] = cells[3]!;
  }
  return out;
}

const money = (s: string | null) => (s ?? '').replace(/\s/g, '');

describe('bulk operations in the browser', () => {
  // One operator at one desktop for the three: signing in is not what they test.
  let ctx: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ctx = await a.newContext(VIEWPORTS.desktop);
    page = await ctx.newPage();
    await operatorSignIn(page);
  });
  afterAll(() => ctx?.close());

  it('desktop: a plan change by region and plan — count and fee change in the preview, run to done, the new plan on the cards and in the report', async () => {
    const region = await buildRegion(a.db, { nameRu: 'Псков', nameEn: 'Pskov' });
    const old = await buildTariff(a.db, { regionId: region.id, nameRu: 'Уходящий 100', monthlyFee: 50_000 });
    const next = await buildTariff(a.db, { regionId: region.id, nameRu: 'Новый 500', monthlyFee: 65_000 });
    const moved = [];
    for (const n of [1, 2, 3])
      moved.push(await buildSubscriber(a.db, { regionId: region.id, tariffId: old.id, fullName: `Псковский ${n}` }));
    // Same region, already on the new plan; another region's plan: neither is selected.
    const onNext = await buildSubscriber(a.db, { regionId: region.id, tariffId: next.id });
    const elsewhere = await buildSubscriber(a.db, { regionId: a.region.id, tariffId: a.tariff.id });

    await openNewOperation(page);
    await pick(page, page.getByPlaceholder('Все мои регионы'), 'Псков');
    await pick(page, page.getByPlaceholder('Любой'), 'Псков · Уходящий 100');
    await pick(page, page.getByLabel('Действие').first(), 'Смена тарифа');
    await pick(page, page.getByRole('combobox', { name: 'Новый тариф' }), 'Псков · Новый 500');
    await page.getByRole('button', { name: 'Предпросмотр' }).click();
    const preview = page.getByTestId('bulk-preview');
    await expect.poll(() => preview.textContent()).toContain('Выбрано абонентов3');
    expect(await preview.textContent()).toContain('Будет выполнено3');
    // 3 × (650 − 500 ₽) more a month.
    expect(await preview.textContent()).toContain('Изменение абонентской платы в месяц');
    expect(money(await page.getByTestId('bulk-amount').textContent())).toMatch(/^\+?450,00₽$/);
    for (const s of moved) await preview.getByRole('link', { name: s.account.number }).waitFor();
    expect(await preview.getByRole('link', { name: onNext.account.number }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/e2e-bulk-tariff-preview.png', fullPage: true });

    await runPreviewed(page, 3, 'Смена тарифа');
    // The operation says what it did: from which plan to which.
    const summary = await page.getByTestId('bulk-summary').textContent();
    expect(summary).toContain('Текущий тариф: Псков · Уходящий 100');
    expect(summary).toContain('Смена тарифа: Псков · Новый 500');
    await noSeriousA11yViolations(page);
    await page.screenshot({ path: '/tmp/e2e-bulk-tariff-done.png', fullPage: true });
    await page.setViewportSize(VIEWPORTS.phone);
    await page.screenshot({ path: '/tmp/e2e-bulk-tariff-done-phone.png', fullPage: true });
    // On a phone the page fits the screen: the wide parts (the states, the items) scroll inside it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await page.setViewportSize(VIEWPORTS.desktop);
    const csv = await reportCsv(page);
    for (const s of moved) expect(csv).toMatch(new RegExp(`${s.account.number};[^\\n]*;выполнено;`));
    expect(csv).not.toContain(onNext.account.number);

    // Their plans change from the next day: each has the change pending, the others none.
    const plans = await queryRows<{
      account_id: number;
      pending_tariff_id: number | null;
      pending_from: string | null;
    }>(
      a.db,
      sql`select account_id, pending_tariff_id, pending_from::text from subscriptions
          where kind = 'tariff' and ends_on is null and account_id in
            (${moved[0]!.account.id}, ${moved[1]!.account.id}, ${moved[2]!.account.id}, ${onNext.account.id}, ${elsewhere.account.id})
          order by account_id`,
    );
    expect(plans.map((p) => [Number(p.account_id), p.pending_tariff_id && Number(p.pending_tariff_id)])).toEqual([
      ...moved.map((s) => [s.account.id, next.id]),
      [onNext.account.id, null],
      [elsewhere.account.id, null],
    ]);
    // The card of one of them says so, on its plan tab.
    await page.getByRole('link', { name: moved[0]!.account.number }).click();
    await page.getByRole('heading', { name: 'Карточка абонента: Псковский 1' }).waitFor();
    await page.getByRole('tab', { name: 'Тариф и услуги' }).click();
    const [y, m, d] = plans[0]!.pending_from!.split('-');
    await expect
      .poll(() => page.getByTestId('pending-tariff').textContent())
      .toContain(`С ${d}.${m}.${y} тариф сменится на «Новый 500»`);
    await page.screenshot({ path: '/tmp/e2e-bulk-tariff-card.png', fullPage: true });
  });

  it('desktop: tags added and removed on the cards, then the tagged subscribers blocked and unblocked by that tag', async () => {
    const subs = [];
    for (const n of [1, 2, 3])
      subs.push(
        await buildSubscriber(a.db, {
          regionId: a.region.id,
          tariffId: a.tariff.id,
          fullName: `Меткина ${n}`,
          address: `г. Санкт-Петербург, ул. Лесная, д. 5, кв. ${n}`,
        }),
      );

    // Tags are edited on the card: a new tag typed on the first, the same picked on the second; the
    // third gets it and loses it again.
    const tagOn = async (accountId: number, add: boolean) => {
      const saved = page.waitForResponse(
        (r) => r.url().endsWith(`/api/staff/accounts/${accountId}/tags`) && r.request().method() === 'PUT',
      );
      const input = page.getByTestId('account-tags');
      if (add) {
        await input.fill('Лесная 5, ВОЛС');
        await input.press('Enter');
      } else {
        await input.click();
        await input.press('Backspace');
      }
      expect((await saved).status()).toBe(200);
    };
    for (const [i, s] of subs.entries()) {
      await page.goto(`/staff/accounts/${s.account.id}`);
      await page.getByRole('heading', { name: `Карточка абонента: Меткина ${i + 1}` }).waitFor();
      await tagOn(s.account.id, true);
      if (i === 2) await tagOn(s.account.id, false);
    }
    // Kept across a reload: the third has no tag, the first has it.
    const pills = page.locator('.mantine-Pill-label');
    await page.reload();
    await page.getByRole('heading', { name: 'Карточка абонента: Меткина 3' }).waitFor();
    await page.getByTestId('account-tags').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await pills.allTextContents()).toEqual([]);
    await page.goto(`/staff/accounts/${subs[0]!.account.id}`);
    await expect.poll(() => pills.allTextContents()).toEqual(['Лесная 5, ВОЛС']);
    await page.screenshot({ path: '/tmp/e2e-tags-card.png', fullPage: true });
    const tagged = await queryRows<{ account_id: number }>(
      a.db,
      sql`select x.account_id from tags t join account_tags x on x.tag_id = t.id where t.name = 'Лесная 5, ВОЛС' order by 1`,
    );
    expect(tagged.map((r) => Number(r.account_id))).toEqual([subs[0]!.account.id, subs[1]!.account.id]);

    // Block the two tagged: the fees that stop are in the preview.
    for (const [kind, field, count] of [
      ['Приостановка доступа', 'Причина (видит абонент в уведомлении)', 'Перестанет начисляться в месяц'],
      ['Возобновление доступа', 'Комментарий (необязательно)', 'Снова начнёт начисляться в месяц'],
    ] as const) {
      await openNewOperation(page);
      await pick(page, page.getByLabel('Метки', { exact: true }).first(), 'Лесная 5, ВОЛС (2)');
      await pick(page, page.getByLabel('Действие').first(), kind);
      await page.getByLabel(field).fill('Работы на вводе в дом');
      await page.getByRole('button', { name: 'Предпросмотр' }).click();
      const preview = page.getByTestId('bulk-preview');
      await expect.poll(() => preview.textContent()).toContain('Выбрано абонентов2');
      expect(await preview.textContent()).toContain(count);
      expect(money(await page.getByTestId('bulk-amount').textContent())).toBe('1500,00₽');
      await page.screenshot({ path: `/tmp/e2e-bulk-${kind === 'Приостановка доступа' ? 'block' : 'unblock'}.png` });
      await runPreviewed(page, 2, kind);
      expect(await page.getByTestId('bulk-summary').textContent()).toContain('Метки: Лесная 5, ВОЛС');

      const list = await statusesInList(page, 'Меткина');
      const blocked = kind === 'Приостановка доступа';
      expect(list).toEqual({
        [subs[0]!.account.number]: blocked ? 'Приостановлен' : 'Активен',
        [subs[1]!.account.number]: blocked ? 'Приостановлен' : 'Активен',
        [subs[2]!.account.number]: 'Активен',
      });
      if (blocked) await page.screenshot({ path: '/tmp/e2e-bulk-blocked-list.png', fullPage: true });
      await page.getByRole('link', { name: subs[1]!.account.number }).click();
      await expect
        .poll(() => page.getByTestId('account-status').textContent())
        .toBe(blocked ? 'Приостановлен' : 'Активен');
    }
  });

  it('desktop: an operation of 1,200 subscribers stopped after its first batch — the report has what ran, the rest untouched', async () => {
    const region = await buildRegion(a.db, { nameRu: 'Выборг', nameEn: 'Vyborg' });
    const tariff = await buildTariff(a.db, { regionId: region.id, nameRu: 'Выборг 100', monthlyFee: 40_000 });
    const total = 1_200;
    // The selection made in one statement, as an import would: UI-made subscribers would take minutes.
    await a.db.execute(sql`
      with s as (
        insert into subscribers (full_name, address, phone)
        select 'Выборжец ' || g, 'г. Выборг, ул. Ленина, д. ' || g, '7955' || lpad(g::text, 7, '0')
        from generate_series(1, ${total}) g returning id),
      c as (
        insert into contracts (number, subscriber_id, region_id, signed_on)
        select 'VB' || s.id, s.id, ${region.id}, '2026-01-01' from s returning id),
      ac as (
        insert into accounts (number, contract_id, region_id)
        select '7' || lpad(c.id::text, 8, '0'), c.id, ${region.id} from c returning id)
      insert into subscriptions (account_id, kind, tariff_id, monthly_fee, starts_on)
      select ac.id, 'tariff', ${tariff.id}, ${tariff.monthlyFee}, '2026-01-01' from ac`);

    await openNewOperation(page);
    await pick(page, page.getByPlaceholder('Все мои регионы'), 'Выборг');
    await pick(page, page.getByLabel('Действие').first(), 'Сообщение');
    await page.getByLabel('Тема', { exact: true }).fill('Плановые работы');
    await page.getByLabel('Текст', { exact: true }).fill('Ночью с 2:00 до 4:00 возможны перерывы связи.');
    await page.getByRole('button', { name: 'Предпросмотр' }).click();
    await expect.poll(() => page.getByTestId('bulk-preview').textContent()).toContain('Выбрано абонентов1200');

    // The runner is held after its first batch of BULK_BATCH: the stop comes between batches.
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    hold = { after: 1, reached, release: new Promise<void>((r) => (release = r)) };
    try {
      await page.getByTestId('bulk-preview').getByRole('button', { name: 'Запустить для 1200 абонентов' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Запустить для 1200 абонентов' }).click();
      await page.getByRole('heading', { level: 1, name: /№ \d+ · Сообщение/ }).waitFor();
      await atGate;
      await expect
        .poll(() => page.getByTestId('bulk-progress').textContent(), { timeout: 10_000 })
        .toBe(`Обработано ${BULK_BATCH} из ${total}`);
      expect(await page.getByTestId('bulk-state').textContent()).toBe('Выполняется');
      await page.screenshot({ path: '/tmp/e2e-bulk-running.png', fullPage: true });
      await page.getByRole('button', { name: 'Остановить' }).click();
      await expect.poll(() => page.getByTestId('bulk-state').textContent()).toBe('Останавливается');
    } finally {
      hold = null;
      release();
    }
    await expect.poll(() => page.getByTestId('bulk-state').textContent(), { timeout: 10_000 }).toBe('Остановлена');
    expect(await page.getByTestId('bulk-progress').textContent()).toBe(`Обработано ${BULK_BATCH} из ${total}`);
    expect(await page.getByTestId('bulk-succeeded').textContent()).toBe(String(BULK_BATCH));
    expect(await page.getByRole('button', { name: 'Остановить' }).count()).toBe(0);
    await page.getByText('Не выполнено', { exact: true }).click();
    await expect.poll(() => page.getByRole('row').nth(1).textContent()).toContain('Не выполнено');
    await page.screenshot({ path: '/tmp/e2e-bulk-stopped.png' });

    // The report: a line for each of the 1,200, the first batch done, the rest not.
    const lines = (await reportCsv(page)).split(/\r?\n/);
    expect(lines.filter((l) => l.includes(';выполнено;'))).toHaveLength(BULK_BATCH);
    expect(lines.filter((l) => l.includes(';не выполнено;'))).toHaveLength(total - BULK_BATCH);
    // Only the accounts of the first batch got the message.
    const [told] = await queryRows<{ n: number }>(
      a.db,
      sql`select count(distinct o.account_id)::int as n from outbox o join accounts x on x.id = o.account_id
          where x.region_id = ${region.id} and o.template = 'staff_message'`,
    );
    expect(Number(told!.n)).toBe(BULK_BATCH);
  });
});

describe('outages in the browser', () => {
  it('desktop declares on a NAS and on a whole region; phone: each area sees its banner with the expected end; a moved end shows; closed, the compensation is offered and run through a bulk operation', async () => {
    const gatchina = await buildRegion(a.db, { nameRu: 'Гатчина', nameEn: 'Gatchina' });
    const gTariff = await buildTariff(a.db, { regionId: gatchina.id, nameRu: 'Гатчина 200', monthlyFee: 60_000 });
    const inRegion = await signedInSubscriber(a.app, a.db, { regionId: gatchina.id, tariffId: gTariff.id });
    const nas = await buildNas(a.db, { regionId: a.region.id, appSecret: a.app.deps.config.secret });
    const other = await buildNas(a.db, { regionId: a.region.id, appSecret: a.app.deps.config.secret });
    const onNas = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id });
    const onOther = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id });
    // The latest session says where a subscriber is: the first moved from the other NAS to this one.
    const session = (accountId: number, address: string, hoursAgo: number) =>
      a.db.execute(
        sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
            values (${address}::inet, ${`s-${accountId}-${hoursAgo}`}, 'u', ${accountId},
                    now() - make_interval(hours => ${hoursAgo}), now() - make_interval(hours => ${hoursAgo}))`,
      );
    await session(onNas.account.id, other.address, 48);
    await session(onNas.account.id, nas.address, 2);
    await session(onOther.account.id, other.address, 1);

    const password = 'Admin-2026-outages';
    const admin = await buildStaff(a.db, { role: 'admin', passwordHash: await hashPassword(password) });
    const deskCtx = await a.newContext(VIEWPORTS.desktop);
    const desk = await deskCtx.newPage();
    await signInStaffPage(desk, a.db, {
      email: admin.user.email,
      password,
      id: admin.user.id,
      totpSecret: admin.totpSecret,
    });
    await desk.getByRole('heading', { name: 'Поиск абонентов' }).waitFor();

    const p = (n: number) => String(n).padStart(2, '0');
    const typeMoment = async (label: string, at: Date) => {
      const day = desk.getByLabel(new RegExp(`^${label}\\s*\\*?$`));
      await day.fill(`${p(at.getDate())}.${p(at.getMonth() + 1)}.${at.getFullYear()}`);
      await day.press('Escape');
      await day.blur();
      await desk.getByLabel(`${label}: время`).fill(`${p(at.getHours())}:${p(at.getMinutes())}`);
    };
    const declare = async (o: {
      region?: string;
      scope: string;
      nas?: string;
      title: string;
      affected: number;
      since?: Date;
    }) => {
      await desk.goto('/staff/outages');
      await desk.getByRole('heading', { name: 'Аварии', level: 1 }).waitFor();
      await desk.getByRole('button', { name: 'Объявить аварию' }).click();
      if (o.region) await pick(desk, desk.getByRole('combobox', { name: 'Регион' }), o.region);
      await desk.getByText(o.scope, { exact: true }).click();
      if (o.nas) await pick(desk, desk.getByRole('combobox', { name: 'NAS' }), new RegExp(o.nas));
      await expect
        .poll(() => desk.getByTestId('outage-affected').textContent())
        .toBe(`Затронет абонентов: ${o.affected}`);
      await desk.getByLabel('Что случилось (видят абоненты)').fill(o.title);
      await desk.getByLabel('Подробности (видят абоненты)').fill('Бригада выехала');
      if (o.since) await typeMoment('Начало', o.since);
      await desk.screenshot({ path: `/tmp/e2e-outage-declare-${o.nas ? 'nas' : 'region'}.png`, fullPage: true });
      await desk.getByRole('button', { name: 'Объявить аварию' }).last().click();
      await expect.poll(() => desk.getByTestId('outage-state').textContent()).toBe('Действует');
      expect(await desk.getByTestId('outage-accounts').textContent()).toBe(String(o.affected));
      return desk.url();
    };
    // The NAS went down 26 hours ago: two started days by the compensation rule.
    const since = new Date(Date.now() - 26 * 3_600_000);
    const nasPage = await declare({
      scope: 'NAS (оборудование)',
      nas: nas.name,
      title: 'Отказ коммутатора',
      affected: 1,
      since,
    });
    const regionPage = await declare({
      region: 'Гатчина',
      scope: 'Весь регион',
      title: 'Обрыв магистрали',
      affected: 1,
    });

    // Phones: each subscriber sees the banner of their area only, with its expected end in the region's time.
    const phoneCtx = await a.newContext(VIEWPORTS.phone);
    const phone = await phoneCtx.newPage();
    const cabinet = async (s: typeof onNas) => {
      await phone.context().clearCookies();
      await phone.goto('/login');
      await phone.getByLabel('Номер договора').fill(s.contract.number);
      await phone.getByLabel('Пароль').fill(s.password);
      await phone.getByRole('button', { name: 'Войти' }).click();
      await phone.getByTestId('balance').waitFor();
    };
    const endIn = (at: Date, timeZone: string) =>
      at.toLocaleString('ru-RU', {
        timeZone,
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
    const [nasOutage] = await queryRows<{ expected_end_at: string }>(
      a.db,
      sql`select expected_end_at from outages where title = 'Отказ коммутатора'`,
    );
    await cabinet(onNas);
    const banner = phone.getByTestId('outage-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Авария в вашем районе: Отказ коммутатора');
    expect(await banner.textContent()).toContain(
      `Ориентировочное время восстановления — ${endIn(new Date(nasOutage!.expected_end_at), a.region.timeZone)}`,
    );
    expect(await banner.textContent()).not.toContain('Обрыв магистрали');
    await phone.screenshot({ path: '/tmp/e2e-outage-phone-nas.png', fullPage: true });
    // On the other NAS: no outage for them (what the banner reads).
    const mine = await a.app.inject({ url: '/api/me/outages', headers: onOther.auth });
    expect(mine.json().outages).toEqual([]);
    await cabinet(inRegion);
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Авария в вашем районе: Обрыв магистрали');
    expect(await banner.textContent()).not.toContain('Отказ коммутатора');

    // The region's expected end moves an hour later: the banner shows the new time.
    await desk.goto(regionPage);
    const later = new Date(Date.now() + 5 * 3_600_000);
    await typeMoment('Ожидаемое окончание', later);
    await desk.getByRole('button', { name: 'Сохранить' }).click();
    await desk.getByRole('status').getByText('Сохранено. Баннер обновлён.').waitFor();
    await phone.reload();
    await expect
      .poll(() => phone.getByTestId('outage-banner').textContent())
      .toContain(`Ориентировочное время восстановления — ${endIn(later, gatchina.timeZone)}`);
    await phone.screenshot({ path: '/tmp/e2e-outage-phone-region-moved.png', fullPage: true });

    // The NAS is back: closed, its banner goes, two days of fee are offered as a bulk compensation.
    await desk.goto(nasPage);
    await desk.getByRole('button', { name: 'Закрыть аварию' }).click();
    await expect.poll(() => desk.getByTestId('outage-state').textContent()).toBe('Закрыта');
    const offer = desk.getByTestId('outage-compensation');
    expect(await offer.textContent()).toContain('По правилу: 2 дн. абонентской платы');
    await desk.screenshot({ path: '/tmp/e2e-outage-nas-closed.png', fullPage: true });
    await offer.getByRole('link', { name: 'Начислить компенсацию' }).click();
    await desk.getByRole('heading', { name: 'Новая операция', level: 1 }).waitFor();
    expect(await desk.getByLabel('Дней абонентской платы').inputValue()).toBe('2');
    await desk.getByRole('button', { name: 'Предпросмотр' }).click();
    const preview = desk.getByTestId('bulk-preview');
    await expect.poll(() => preview.textContent()).toContain('Выбрано абонентов1');
    await preview.getByRole('link', { name: onNas.account.number }).waitFor();
    const planned = money(await desk.getByTestId('bulk-amount').textContent());
    const before = Number(onNas.account.balance);
    await runPreviewed(desk, 1, 'Компенсация');
    expect(money(await desk.getByTestId('bulk-moved').textContent())).toBe(planned);
    const [acc] = await queryRows<{ balance: number }>(
      a.db,
      sql`select balance from accounts where id = ${onNas.account.id}`,
    );
    expect(`${((Number(acc!.balance) - before) / 100).toFixed(2).replace('.', ',')}₽`).toBe(planned);
    await desk.goto(nasPage);
    await desk.getByRole('link', { name: /Компенсация: операция № \d+/ }).waitFor();
    const after = await a.app.inject({ url: '/api/me/outages', headers: onNas.auth });
    expect(after.json().outages).toEqual([]);
    await phoneCtx.close();
    await deskCtx.close();
  });
});
