import { createHash, timingSafeEqual } from 'node:crypto';

import { AppError } from '../../../common/errors.js';

/**
 * Telegram sends the secret given to setWebhook in X-Telegram-Bot-Api-Secret-Token with every update
 * (https://core.telegram.org/bots/api#setwebhook). A request without it, or with another, did not come
 * from Telegram: refused before anything is read. Compared in constant time (as digests, so the
 * lengths do not show either). No secret configured: the webhook is off (development polls instead).
 */
export function verifyWebhookSecret(expected: string | undefined, given: string | string[] | undefined): void {
  if (!expected) throw new AppError('messenger_not_configured');
  if (typeof given !== 'string') throw new AppError('messenger_bad_secret');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(expected), digest(given))) throw new AppError('messenger_bad_secret');
}
