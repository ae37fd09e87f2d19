import { sql } from 'drizzle-orm';
import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../server/db/client.js';
import { startFakeYooKassa } from '../server/test/fakes/yookassa.js';
import { type Abonent, startAbonent, VIEWPORTS } from './harness.js';

/** jsQR is a CommonJS module whose default export the types and the ESM loader see differently. */
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

/**
 * SBP top-up in Chromium against the YooKassa fake: on a desktop the cabinet shows a QR code, the payer
 * scans it with the phone and pays in the bank app; on a phone the bank app opens from the link and the
 * payer comes back to the cabinet. Either way the money is credited once.
 */
let a: Abonent;
let yk: Awaited<ReturnType<typeof startFakeYooKassa>>;
beforeAll(async () => {
  yk = await startFakeYooKassa({ shopId: '123456', secretKey: 'test_secret' });
  a = await startAbonent({
    PAYMENT_PROVIDERS: 'yookassa',
    YOOKASSA_SHOP_ID: '123456',
    YOOKASSA_SECRET_KEY: 'test_secret',
    YOOKASSA_API_URL: yk.url,
    YOOKASSA_WEBHOOK_ALLOW: '127.0.0.1', // the fake notifies from here
  });
  yk.hooks.notifyUrl = `${a.base}/api/payments/webhooks/yookassa`;
}, 120_000);
afterAll(async () => {
  await a?.close();
  await yk?.close();
});

const balance = async (accountId: number) =>
  (await queryRows<{ balance: number }>(a.db, sql`select balance from accounts where id = ${accountId}`))[0]!.balance;

async function signIn(page: Page, number: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Номер договора').fill(number);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByTestId('balance').waitFor();
  await page.goto('/cabinet/payments');
}

/** The QR code as a phone's camera reads it: the rendered SVG drawn to pixels and decoded. */
async function scanQr(page: Page): Promise<string | null> {
  const img = await page.getByTestId('sbp-qr').evaluate(async (svg) => {
    const xml = new XMLSerializer().serializeToString(svg);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 300;
    canvas.height = 300;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 300, 300);
    ctx.drawImage(image, 10, 10, 280, 280);
    return Array.from(ctx.getImageData(0, 0, 300, 300).data);
  });
  return jsQR(Uint8ClampedArray.from(img), 300, 300)?.data ?? null;
}

describe('SBP top-up in Chromium', () => {
  it('desktop: a QR code the phone scans; paid in the bank app; the cabinet shows it credited, once', async () => {
    const { signedInSubscriber } = await import('../server/test/sign-in.js');
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 0 });
    const ctx = await a.newContext(VIEWPORTS.desktop);
    const page = await ctx.newPage();
    await signIn(page, s.contract.number, s.password);
    await page.locator('label', { hasText: 'По СБП' }).click();
    await page.locator('label', { hasText: /^Сумма$/ }).click();
    await page.getByLabel('Сумма, ₽').fill('1234,50');
    await page.getByRole('button', { name: 'Оплатить через СБП' }).click();
    await page.getByTestId('sbp-qr').waitFor();
    await page.getByText('Оплата 1 234,50 ₽ через СБП').waitFor();
    await page.screenshot({ path: '/tmp/abonent-sbp-desktop-qr.png', fullPage: true });

    // The payer's phone reads the QR code and opens the link in the bank app.
    const link = await scanQr(page);
    expect(link).toBe(await page.getByTestId('sbp-qr').getAttribute('data-qr-value'));
    const phone = await a.browser.newContext({ viewport: VIEWPORTS.phone, locale: 'ru-RU' });
    const bank = await phone.newPage();
    await bank.goto(link!);
    await bank.getByText('1234.50 ₽').waitFor();
    await bank.getByRole('button', { name: 'Оплатить' }).click();
    await bank.getByText('Оплачено').waitFor();
    await phone.close();

    // The desktop page, polling, shows it credited.
    await expect
      .poll(async () => page.getByTestId('payment-result').textContent(), { timeout: 20_000 })
      .toContain('Платёж зачислен');
    expect(await balance(s.account.id)).toBe(123_450);
    await page.screenshot({ path: '/tmp/abonent-sbp-desktop-done.png', fullPage: true });
    await page.getByRole('button', { name: 'Готово' }).click();
    await page.getByRole('cell', { name: 'СБП' }).first().waitFor(); // the history names the method
    // A notification again changes nothing.
    const [p] = await queryRows<{ external_id: string }>(
      a.db,
      sql`select external_id from payments where account_id = ${s.account.id} and method = 'sbp'`,
    );
    await yk.notify(p!.external_id);
    expect(await balance(s.account.id)).toBe(123_450);
    await ctx.close();
  });

  it('phone: the bank app opens from the link, the payer comes back to the cabinet, credited once', async () => {
    const { signedInSubscriber } = await import('../server/test/sign-in.js');
    const s = await signedInSubscriber(a.app, a.db, { regionId: a.region.id, tariffId: a.tariff.id, balance: 0 });
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await signIn(page, s.contract.number, s.password);
    await page.locator('label', { hasText: 'По СБП' }).click();
    await page.screenshot({ path: '/tmp/abonent-sbp-phone-form.png', fullPage: true });
    await page.getByRole('button', { name: 'Оплатить через СБП' }).click();
    // No QR on a phone: straight to the bank app (the fake's page plays it).
    await page.waitForURL(/\/sbp\/[\w-]+$/);
    await page.getByRole('button', { name: 'Оплатить' }).click();
    await page.waitForURL(/\/cabinet\/payments\?payment=\d+/);
    await expect
      .poll(async () => page.getByTestId('payment-result').textContent(), { timeout: 20_000 })
      .toContain('Платёж зачислен');
    await page.screenshot({ path: '/tmp/abonent-sbp-phone-done.png', fullPage: true });
    // 3 months of the 750 ₽ plan: 2 250 ₽ and the 5 % prepay bonus, credited once.
    expect(await balance(s.account.id)).toBe(225_000 + 11_250);
    await ctx.close();
  });
});
