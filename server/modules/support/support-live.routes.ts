import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { requireStaff, requireSubscriber, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionScope, seesRegion } from '../../policy/region-scope.js';
import type { SupportEvent } from './live.js';
import { security, type SupportContext } from './support-context.js';
import type { App } from './support-subscriber.routes.js';

/** A stream ends after this long; EventSource reconnects, and the session is checked again. */
export const STREAM_MAX_MS = 5 * 60_000;
/** A comment line this often keeps proxies and NATs from dropping an idle stream. */
const PING_MS = 20_000;

/**
 * Server-sent events (docs/support.md, Live; decision 0014). Each event only says which ticket changed
 * (`event: ticket`, `data: {"ticketId":…,"kind":…}`); the page refetches through the normal API, so a
 * missed event costs nothing but a delay (clients also refetch on reconnect and every minute).
 */
export function registerLiveRoutes(app: App, ctx: SupportContext) {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: close them so the server can stop.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });

  const stream = (req: FastifyRequest, reply: FastifyReply, wanted: (e: SupportEvent) => boolean) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      // The API's security headers (set on the reply, which a hijacked response does not send itself).
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and similar proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    open.add(res);
    res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ live: ctx.live.listening })}\n\n`);
    const off = ctx.live.subscribe((e) => {
      if (wanted(e)) res.write(`event: ticket\ndata: ${JSON.stringify({ ticketId: e.ticketId, kind: e.kind })}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    const stop = setTimeout(() => res.end(), STREAM_MAX_MS);
    const cleanup = () => {
      off();
      clearInterval(ping);
      clearTimeout(stop);
      open.delete(res);
    };
    res.on('close', cleanup);
    req.raw.on('close', cleanup);
  };

  app.get(
    '/api/me/support/events',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['support'],
        summary: 'Live: server-sent events when one of my tickets changes (text/event-stream)',
        security,
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const accountId = subscriberAccountId(req);
      stream(req, reply, (e) => e.subscriber && e.accountId === accountId);
    },
  );

  app.get(
    '/api/staff/support/events',
    {
      preValidation: requireStaff('support'),
      config: { region: FILTERED },
      schema: {
        tags: ['support (staff)'],
        summary: 'Live: server-sent events when a ticket of my regions changes (text/event-stream)',
        security,
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const regions = regionScope(req);
      stream(req, reply, (e) => seesRegion(regions, e.regionId));
    },
  );
}
