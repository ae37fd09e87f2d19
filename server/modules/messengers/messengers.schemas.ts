import { z } from 'zod';

import { NOTICE_CHANNELS, NOTICE_TYPES } from '../../../common/notice-types.js';
import { MESSENGERS } from '../../db/schema/index.js';
import { idNumber } from '../shared.schemas.js';

const messenger = z.enum(MESSENGERS);

/** One chat bound to the account (cabinet and subscriber card). */
const link = z.object({
  id: z.number(),
  messenger,
  title: z.string().nullable().describe('@username or first name in the messenger'),
  linkedAt: z.string(),
  blocked: z.boolean().describe('the person blocked the bot: notices go by SMS instead'),
});
export const linksResponse = z.object({
  telegram: z.object({ available: z.boolean().describe('the provider set up a Telegram bot') }),
  links: z.array(link),
});
export const linkTokenResponse = z.object({
  url: z.string().describe('t.me deep link carrying a one-time token (/start <token>)'),
  expiresAt: z.string(),
});
export const messengerParams = z.object({ messenger });
export const linkParams = z.object({ id: idNumber });
export const staffLinkParams = z.object({ id: idNumber, linkId: idNumber });

/** A Telegram Update (https://core.telegram.org/bots/api#update): grammY reads the rest. */
export const telegramUpdate = z
  .object({ update_id: z.number().int().nonnegative() })
  .passthrough()
  .describe('a Telegram Update object');

const typeChoice = z.object({
  type: z.enum(NOTICE_TYPES),
  channels: z.array(z.enum(NOTICE_CHANNELS)).max(NOTICE_CHANNELS.length),
});
export const noticeSettingsBody = z.object({ types: z.array(typeChoice).min(1).max(NOTICE_TYPES.length) });
export const noticeSettingsResponse = z.object({
  types: z.array(typeChoice),
  channels: z.object({
    email: z.object({ ready: z.boolean() }),
    sms: z.object({ ready: z.boolean() }),
    telegram: z.object({ configured: z.boolean(), linked: z.number(), blocked: z.number() }),
  }),
  recent: z.array(
    z.object({
      id: z.number(),
      channel: z.enum(['email', 'sms', 'telegram']),
      subject: z.string(),
      state: z.enum(['queued', 'sent', 'failed', 'delivered', 'undelivered']),
      createdAt: z.string(),
      fallback: z.boolean().describe('an SMS sent because the Telegram message was not delivered'),
      problem: z.string().nullable(),
    }),
  ),
});
