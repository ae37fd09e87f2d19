import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../../test/app.js';
import { type FakeTelegram, startFakeTelegram } from '../../test/fakes/telegram.js';

/**
 * Development: without TELEGRAM_WEBHOOK_SECRET the bot takes updates by long polling (getUpdates,
 * https://core.telegram.org/bots/api#getupdates) from the fake Bot API, and stops with the app.
 */
const TOKEN = '123450000:AAH-polling-token_for_the_fake_api';
let t: TestContext;
let tg: FakeTelegram;
beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  t = await createTestApp({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_BOT_USERNAME: 'abonent_test_bot',
    TELEGRAM_API_URL: tg.url,
  });
  await t.app.deps.messengers.start();
});
afterAll(async () => {
  await t.close();
  await tg.close();
});

describe('long polling', () => {
  it('answers a chat without a webhook, and the webhook route stays closed', async () => {
    expect(tg.webhook).toBeNull();
    const user = tg.user(7_000_001, { languageCode: 'en' });
    user.say('/start');
    await expect.poll(() => user.last?.text ?? '', { timeout: 10_000 }).toContain('link Telegram in your cabinet');
    expect(tg.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);
    const hook = await t.app.inject({
      method: 'POST',
      url: '/api/telegram/webhook',
      headers: { 'x-telegram-bot-api-secret-token': 'anything' },
      payload: { update_id: 1 },
    });
    expect(hook.statusCode).toBe(404);
  });
});
