import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { CONSENT_SHA256, CONSENT_VERSION } from '../server/modules/privacy/consent-text.js';
import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, signInStaffPage, startAbonent, VIEWPORTS } from './harness.js';

/** Issue 24: the subscriber withdraws the consent to the processing of personal data in the cabinet. */
let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/e2e-privacy-${name}.png`, fullPage: true });

describe('cabinet: consent to the processing of personal data', () => {
  it('shows the consent in force, explains what withdrawal changes, withdraws it and shows the history', async () => {
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 50_000 });
    await a.db.execute(
      sql`insert into consents (subscriber_id, contract_id, purpose, version, text_sha256, channel)
          values (${s.subscriber.id}, ${s.contract.id}, 'personal_data', ${CONSENT_VERSION}, ${CONSENT_SHA256}, 'office')`,
    );
    for (const [name, viewport] of [
      ['phone', VIEWPORTS.phone],
      ['desktop', VIEWPORTS.desktop],
    ] as const) {
      const ctx = await a.newContext(viewport);
      const page = await ctx.newPage();
      await page.goto('/login');
      await page.getByLabel('Номер договора').fill(s.contract.number);
      await page.getByLabel(/^Пароль\s*\*?$/).fill(s.password);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByTestId('balance').waitFor();
      await page.goto('/cabinet/profile');
      const card = page.getByTestId('consent-card');
      await card.getByRole('heading', { name: 'Согласие на обработку персональных данных' }).waitFor();
      if (name === 'phone') {
        await card.getByText(/^Действует: дано/).waitFor();
        await card.scrollIntoViewIfNeeded();
        await shot(page, 'phone-1-in-force');
        await card.getByRole('button', { name: 'Отозвать согласие' }).click();
        const dialog = page.getByRole('dialog', { name: 'Отозвать согласие?' });
        await dialog.getByText(/Договор продолжает действовать/).waitFor();
        await dialog.getByText(/привязка мессенджеров/).waitFor();
        await shot(page, 'phone-2-confirm');
        await dialog.getByRole('button', { name: 'Да, отозвать' }).click();
        await dialog.waitFor({ state: 'hidden' });
      }
      await card.getByText(/^Отозвано \d{2}\.\d{2}\.\d{4}$/).waitFor();
      await card.getByText(/Отозвано .*: в личном кабинете/).waitFor();
      expect(await card.getByRole('button', { name: 'Отозвать согласие' }).count()).toBe(0);
      await shot(page, `${name}-3-withdrawn`);
      if (name === 'desktop') {
        await page.getByRole('button', { name: 'Язык: English' }).click();
        await card.getByRole('heading', { name: 'Consent to the processing of personal data' }).waitFor();
        await card.getByText(/Withdrawn .*: in the personal cabinet/).waitFor();
        await shot(page, 'desktop-4-withdrawn-en');
      }
      await ctx.close();
    }
    const rows = await queryRows<{ withdrawal_channel: string; withdrawn_at: string | null }>(
      a.db,
      sql`select withdrawal_channel, withdrawn_at from consents where subscriber_id = ${s.subscriber.id}`,
    );
    expect(rows).toEqual([{ withdrawal_channel: 'cabinet', withdrawn_at: expect.anything() }]);
  });

  it('staff see the history on the card and enter a written withdrawal from the office', async () => {
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 50_000 });
    await a.db.execute(
      sql`insert into consents (subscriber_id, contract_id, purpose, version, text_sha256, channel)
          values (${s.subscriber.id}, ${s.contract.id}, 'personal_data', ${CONSENT_VERSION}, ${CONSENT_SHA256}, 'office')`,
    );
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await signInStaffPage(page, a.db, a.operator);
    await page.waitForURL(/\/staff(?!\/login)/);
    await page.goto(`/staff/accounts/${s.account.id}`);
    const consent = page.getByTestId('account-consent');
    await consent.getByText(/^Согласие на обработку персональных данных: редакция/).waitFor();
    await consent.getByRole('button', { name: 'Отзыв согласия (письменное заявление)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Отзыв согласия (письменное заявление)' });
    await dialog.getByText(/подписанное абонентом заявление/).waitFor();
    await dialog.getByRole('button', { name: 'Внести отзыв' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await consent.getByText(/отозвано .* письменным заявлением в офисе/).waitFor();
    expect(await consent.getByRole('button', { name: 'Отзыв согласия (письменное заявление)' }).count()).toBe(0);
    await shot(page, 'desktop-5-staff-card');
    await ctx.close();
    const [row] = await queryRows<{ withdrawal_channel: string; withdrawn_by_staff_id: number | null }>(
      a.db,
      sql`select withdrawal_channel, withdrawn_by_staff_id from consents where subscriber_id = ${s.subscriber.id}`,
    );
    expect(row).toMatchObject({ withdrawal_channel: 'office' });
    expect(row!.withdrawn_by_staff_id).not.toBeNull();
  });
});
