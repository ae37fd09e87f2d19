import type { FastifyInstance, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

import type { ReadCaches } from '../cache/read-caches.js';
import type { Database } from '../db/client.js';
import { hooksOf } from './route-hooks.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Keeps the read caches honest for this process: any successful unsafe request (sign-out, password change, a
 * payment notification, a staff correction…) clears them before its response leaves, so the caller's
 * next read sees the change, and tells the other processes (NOTIFY) to drop their overviews; changes from
 * other processes arrive through the database's NOTIFY.
 */
async function readCachePlugin(app: FastifyInstance, opts: { caches: ReadCaches; database: Database }) {
  await opts.caches.listen(opts.database);
  // Only routes of unsafe methods get the hook (a read never runs it: bench:api). A refused request
  // (4xx) or a failed one (5xx, its transaction rolled back) changed nothing, and must not let anyone
  // flush the caches at will with bad requests. The others are told before the response leaves:
  // whoever made the change, and whoever they tell, sees it on the next read whichever process serves it.
  const changed: onSendHookHandler = (_req, reply, payload, done) => {
    if (reply.statusCode >= 400) return done(null, payload);
    opts.caches.changed().then(() => done(null, payload), done);
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => SAFE_METHODS.has(m))) return;
    route.onSend = [...hooksOf(route.onSend), changed];
  });
  app.addHook('onClose', async () => opts.caches.close());
}

export default fp(readCachePlugin, { name: 'read-cache' });
