import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signedInSubscriber } from '../server/test/sign-in.js';
import { type Abonent, startAbonent, VIEWPORTS } from './harness.js';

let a: Abonent;
beforeAll(async () => {
  a = await startAbonent();
});
afterAll(() => a?.close());

describe('password recovery by SMS', () => {
  it('region → phone + account → SMS code → new password → sign in', async () => {
    const s = await signedInSubscriber(a.app, a.db, {
      regionId: a.region.id,
      tariffId: a.tariff.id,
      phone: '79217770011',
      balance: 10_000,
    });
    const ctx = await a.newContext(VIEWPORTS.phone);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: 'Забыли пароль?' }).click();
    await page.getByLabel('Ваш регион').first().click();
    await page.getByRole('option', { name: 'Санкт-Петербург' }).click();
    await page.getByLabel('Телефон, указанный в договоре').fill('+7 921 777-00-11');
    await page.getByLabel('Номер лицевого счёта').fill(s.account.number);
    await page.getByLabel('SMS на телефон').check();
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByLabel('Код из сообщения').waitFor();
    // The SMS (development sink) as the subscriber's phone would show it.
    const code = await expect
      .poll(
        async () => {
          const res = await fetch(`${a.base}/api/dev/outbox`);
          const sms = (await res.json()).messages.find(
            (m: { channel: string; address: string }) => m.channel === 'sms' && m.address === '79217770011',
          );
          return sms ? /(\d{6})/.exec(sms.body)![1] : null;
        },
        { timeout: 15_000 },
      )
      .not.toBeNull()
      .then(async () => {
        const res = await fetch(`${a.base}/api/dev/outbox`);
        const sms = (await res.json()).messages.find(
          (m: { channel: string; address: string }) => m.channel === 'sms' && m.address === '79217770011',
        );
        return /(\d{6})/.exec(sms.body)![1]!;
      });
    await page.getByLabel('Код из сообщения').fill(code);
    await page.getByLabel('Новый пароль').fill('Vosstanovil-2026');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Пароль изменён. Войдите с новым паролем.').waitFor();
    await page.screenshot({ path: '/tmp/e2e-recovered.png' });
    await page.getByRole('link', { name: 'Ко входу' }).click();
    await page.getByLabel('Номер договора').fill(s.contract.number);
    await page.getByLabel('Пароль').fill('Vosstanovil-2026');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('balance').waitFor();
    expect(await page.getByTestId('balance').textContent()).toMatch(/100,00/);
    await ctx.close();
  });
});
