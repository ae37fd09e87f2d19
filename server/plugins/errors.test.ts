import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../test/app.js';
import { signedInSubscriber } from '../test/sign-in.js';

/**
 * The language of an error's message: `?lang=` first, then the `lang` cookie, then Accept-Language,
 * Russian by default — also on routes whose query schema does not list `lang`, and on PDFs and CSVs
 * that take the caller's language.
 */
let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = (await signedInSubscriber(t.app, t.database.db)).token;
}, 180_000);
afterAll(() => t.close());

const message = async (url: string, headers: Record<string, string> = {}) => {
  const r = await t.app.inject({ url, headers });
  return { status: r.statusCode, message: r.json<{ error: { message: string } }>().error.message };
};

describe('the language of an answer', () => {
  it('is Russian unless asked otherwise, and the query, the cookie and Accept-Language ask in that order', async () => {
    expect(await message('/api/me/overview')).toEqual({ status: 401, message: 'Требуется вход' });
    expect(await message('/api/me/overview', { 'accept-language': 'en-GB,en;q=0.9' })).toEqual({
      status: 401,
      message: 'Sign-in required',
    });
    expect((await message('/api/me/overview', { cookie: 'lang=en', 'accept-language': 'ru' })).message).toBe(
      'Sign-in required',
    );
    expect((await message('/api/me/overview?lang=ru', { cookie: 'lang=en' })).message).toBe('Требуется вход');
    expect((await message('/api/me/overview?x=1&lang=en', { 'accept-language': 'ru' })).message).toBe(
      'Sign-in required',
    );
    // Anything but ru or en falls through to the next source.
    expect((await message('/api/me/overview?lang=de', { 'accept-language': 'en' })).message).toBe('Sign-in required');
    // A request refused before routing (a broken %-encoding) is answered in the same language.
    const broken = await message('/api/support/tickets/%E0%A4%A?lang=en');
    expect(broken.status).toBe(400);
    expect(broken.message).toMatch(/^[\x20-\x7e]+$/);
    expect((await message('/api/support/tickets/%E0%A4%A')).message).toMatch(/[а-я]/);
  });

  it('comes from the URL on a route whose query schema has no `lang`', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    const en = await message('/api/me/statement?from=31.12.2026&lang=en', bearer);
    expect(en.status).toBe(400);
    expect(en.message).toMatch(/^Invalid input/);
    expect((await message('/api/me/statement?from=31.12.2026', bearer)).message).toMatch(/^Неверные данные/);
    // A statement's CSV is written in the caller's language (its header row).
    const csv = (lang: string) => t.app.inject({ url: `/api/me/statement.csv?lang=${lang}`, headers: bearer });
    const [ru, english] = [await csv('ru'), await csv('en')];
    expect(ru.statusCode).toBe(200);
    expect(english.statusCode).toBe(200);
    expect(ru.body.split('\n')[0]).not.toBe(english.body.split('\n')[0]);
  });
});
