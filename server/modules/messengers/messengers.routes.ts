import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { regionOf } from '../../policy/region-scope.js';
import { getNoticeSettings, setNoticeSettings } from '../notifications/notice-settings.js';
import { okResponse } from '../shared.schemas.js';
import { issueLinkToken } from './issue-link-token.js';
import {
  linkParams,
  linksResponse,
  linkTokenResponse,
  messengerParams,
  noticeSettingsBody,
  noticeSettingsResponse,
  staffLinkParams,
  telegramUpdate,
} from './messengers.schemas.js';
import { listAccountLinks, unlinkChat } from './unlink-chat.js';
import { verifyWebhookSecret } from './verify-webhook.js';

const security = [{ bearer: [] }];

/** Messenger bots (docs/telegram.md): the webhook, linking and unlinking, the per-type notice channels. */
export const messengersRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const messengers = deps.messengers;

  app.post(
    '/api/telegram/webhook',
    {
      schema: {
        tags: ['messengers'],
        summary: 'Telegram webhook: one update, verified by X-Telegram-Bot-Api-Secret-Token',
        body: telegramUpdate,
        response: { 200: okResponse },
      },
      // Verified before the body is parsed: a forged request costs no parsing.
      onRequest: async (req) => {
        if (!messengers.telegram) throw new AppError('messenger_not_configured');
        verifyWebhookSecret(deps.config.TELEGRAM_WEBHOOK_SECRET, req.headers['x-telegram-bot-api-secret-token']);
      },
    },
    async (req) => {
      // Answered after handling: Telegram sends the chat's next update only then, so a chat's updates stay in order.
      await messengers.telegram!.bot.handleUpdate(req.body);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/me/messengers',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['messengers'],
        summary: 'Messenger chats bound to my account, and which messengers the provider offers',
        security,
        response: { 200: linksResponse },
      },
    },
    async (req) => ({
      telegram: { available: messengers.telegram !== null },
      links: await listAccountLinks(db, subscriberAccountId(req)),
    }),
  );

  app.post(
    '/api/me/messengers/:messenger/link',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['messengers'],
        summary: 'A one-time deep link that binds a chat to my account (10 minutes, used once)',
        security,
        params: messengerParams,
        response: { 200: linkTokenResponse },
      },
    },
    async (req) => {
      const channel = messengers.channels[req.params.messenger];
      if (!channel) throw new AppError('messenger_not_configured');
      const t = await issueLinkToken(db, { messenger: req.params.messenger, accountId: subscriberAccountId(req) });
      return { url: channel.deepLink(t.token), expiresAt: t.expiresAt.toISOString() };
    },
  );

  app.delete(
    '/api/me/messengers/links/:id',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['messengers'],
        summary: 'Unbind a chat from my account',
        security,
        params: linkParams,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await unlinkChat(db, { linkId: req.params.id, by: { subscriber: { accountId: subscriberAccountId(req) } } });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/me/notice-settings',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['messengers'],
        summary: 'Channels chosen per notice type, which can work now, the latest deliveries',
        security,
        response: { 200: noticeSettingsResponse },
      },
    },
    async (req) => getNoticeSettings(db, { accountId: subscriberAccountId(req), messengers: messengers.names }),
  );

  app.put(
    '/api/me/notice-settings',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['messengers'],
        summary: 'Choose the channels of notice types (the others keep theirs)',
        security,
        body: noticeSettingsBody,
        response: { 200: noticeSettingsResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      await setNoticeSettings(db, { accountId, types: req.body.types });
      return getNoticeSettings(db, { accountId, messengers: messengers.names });
    },
  );

  app.get(
    '/api/staff/accounts/:id/messenger-links',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags: ['messengers'],
        summary: 'Subscriber card: messenger chats bound to the account',
        security,
        params: linkParams,
        response: { 200: linksResponse },
      },
    },
    async (req) => ({
      telegram: { available: messengers.telegram !== null },
      links: await listAccountLinks(db, req.params.id),
    }),
  );

  app.delete(
    '/api/staff/accounts/:id/messenger-links/:linkId',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags: ['messengers'],
        summary: 'Unbind a chat from the account (audited)',
        security,
        params: staffLinkParams,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      const staff = staffPrincipal(req);
      await unlinkChat(db, {
        linkId: req.params.linkId,
        by: { staff: { staffId: staff.staffId, accountId: req.params.id, ip: req.ip } },
      });
      return { ok: true as const };
    },
  );
};
