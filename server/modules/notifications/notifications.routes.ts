import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import { requireSubscriber, subscriberAccountId } from '../../plugins/auth.js';
import { isLocalHost } from '../../plugins/base-url.js';
import { okResponse } from '../shared.schemas.js';
import { devOutbox, listInbox, markAllRead, markRead, unreadCount } from './inbox.js';
import {
  devOutboxResponse,
  inboxQuery,
  inboxResponse,
  messageParams,
  unreadResponse,
} from './notifications.schemas.js';

const security = [{ bearer: [] }];

export const notificationsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/me/notifications',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['notifications'],
        summary: 'My inbox, newest first',
        security,
        querystring: inboxQuery,
        response: { 200: inboxResponse },
      },
    },
    async (req) => ({ notifications: await listInbox(db, subscriberAccountId(req), req.query) }),
  );
  app.get(
    '/api/me/notifications/unread-count',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['notifications'],
        summary: 'Unread messages',
        security,
        response: { 200: unreadResponse },
      },
    },
    async (req) => ({ unread: await unreadCount(db, subscriberAccountId(req)) }),
  );
  app.post(
    '/api/me/notifications/:id/read',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['notifications'],
        summary: 'Mark a message read',
        security,
        params: messageParams,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await markRead(db, subscriberAccountId(req), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/me/notifications/read-all',
    {
      preValidation: requireSubscriber(),
      schema: { tags: ['notifications'], summary: 'Mark all read', security, response: { 200: okResponse } },
    },
    async (req) => {
      await markAllRead(db, subscriberAccountId(req));
      return { ok: true as const };
    },
  );

  // Development only, and only to a browser on this machine: the outbox holds recovery codes. A request
  // that came through a proxy (X-Forwarded-For) or from another address is told there is no such page;
  // so is one whose Host is not this machine's name: a page of another site whose name an attacker
  // points at 127.0.0.1 (DNS rebinding) reaches us from the loopback, but with its own Host.
  const fromThisMachine = async (req: FastifyRequest) => {
    const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    if (proxied || !isLoopback(req.socket.remoteAddress) || !isLoopback(req.ip) || !isLocalHost(req.headers.host))
      throw new AppError('route_not_found');
  };
  if (deps.config.NODE_ENV !== 'production') {
    app.get(
      '/api/dev/outbox',
      {
        onRequest: fromThisMachine,
        schema: {
          tags: ['development'],
          summary: 'Development only: e-mails and SMS that would be sent',
          response: { 200: devOutboxResponse },
        },
      },
      async () => ({ messages: await devOutbox(db) }),
    );
    app.get('/dev/outbox', { onRequest: fromThisMachine, schema: { hide: true } }, async (_req, reply) => {
      const esc = (s: string | null) => (s ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      const rows = (await devOutbox(db)).map(
        (m) =>
          `<tr><td>${m.createdAt}</td><td>${m.channel}</td><td>${esc(m.address)}</td><td>${esc(m.subject)}</td><td>${esc(m.body)}</td><td>${m.state}</td></tr>`,
      );
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="en"><meta charset="utf-8"><title>Dev outbox</title><h1>Messages that would be sent</h1><table border="1" cellpadding="4"><tr><th>When</th><th>Channel</th><th>To</th><th>Subject</th><th>Text</th><th>State</th></tr>${rows.join('')}</table></html>`,
        );
    });
  }
};

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
