import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, startAbonent, VIEWPORTS } from './harness.js';

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

/** Mantine writes its CSS variables in a <style> element: it applies only if the CSP nonce reached it. */
const mantineStyled = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-blue-6').trim());

describe('Content-Security-Policy in Chromium (server/plugins/security-headers.ts)', () => {
  it('the built app, the card page and the API docs run under the CSP with no violation or console error', async () => {
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 0 });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    // Chromium reports every CSP violation (a blocked script or style) and every failed request as a
    // console error; a signed-out page must not log one either (issue 11, item 5).
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

    // Signed out: the cabinet sends to the sign-in page; the HTML carries a fresh nonce per answer.
    const first = await page.goto('/cabinet');
    const csp = first!.headers()['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(first!.headers()['x-frame-options']).toBe('DENY');
    await page.getByLabel('Номер договора').waitFor();
    expect(await mantineStyled(page)).not.toBe('');
    const again = await page.request.get('/cabinet');
    expect(again.headers()['content-security-policy']).not.toBe(csp);

    // Signed in, the cabinet renders (React, Mantine, the router's lazy chunks).
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill(s.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    // Signed in after a signed-out visit: the cabinet, not a bounce back to the sign-in page.
    await page.getByTestId('balance').waitFor();
    expect(await mantineStyled(page)).not.toBe('');

    // The public payment goes to the test acquirer's card page, whose own <style> is allowed by hash.
    await page.goto('/pay');
    await page.getByLabel('Номер лицевого счёта').fill(s.account.number);
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.getByLabel('Сумма, ₽').fill('500');
    await page.getByRole('button', { name: 'Перейти к оплате' }).click();
    await page.getByLabel('Номер карты').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('448px');

    // The back office sign-in and Swagger UI (its run-time <style> allowed by hash).
    await page.goto('/staff/login');
    await page.getByLabel('E-mail').waitFor();
    await page.goto('/api/docs');
    await page.locator('.swagger-ui .info').waitFor();

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
