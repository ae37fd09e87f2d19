import { timingSafeEqual } from 'node:crypto';

import type { FastifyInstance, FastifyRequest, onResponseHookHandler } from 'fastify';
import fp from 'fastify-plugin';

import { AppError } from '../../common/errors.js';
import type { Config } from '../config.js';
import type { AppMetrics } from '../metrics/db-metrics.js';
import { httpDuration } from '../metrics/metrics.js';
import { hooksOf } from './route-hooks.js';

/**
 * HTTP latency for every request (by route pattern, so /api/payments/123 and /456 are one series), and
 * `GET /metrics` on the app's port when METRICS_TOKEN is set (bearer token). With only METRICS_PORT
 * the metrics are served on that port by main.ts instead, and this route does not exist.
 */
async function metricsPlugin(app: FastifyInstance, opts: { metrics: AppMetrics; config: Config }) {
  // Fastify times every request from routing to the last byte (reply.elapsedTime), so no hook of ours
  // needs to start a clock. A route's pattern is known when it is added: each route gets its own hook
  // with it, instead of building req.routeOptions on every request; a path no route matched is counted
  // by the hook every request runs.
  app.addHook('onRoute', (route) => {
    const pattern = route.url;
    const timed: onResponseHookHandler = (req, reply, done) => {
      httpDuration.record(req.method, pattern, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...hooksOf(route.onResponse), timed];
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (req.is404) httpDuration.record(req.method, 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const token = opts.config.METRICS_TOKEN;
  if (!token) return;
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!bearerMatches(req, token)) throw new AppError('unauthorized');
    const m = await opts.metrics.render();
    return reply.header('content-type', m.contentType).header('cache-control', 'no-store').send(m.body);
  });
}

function bearerMatches(req: FastifyRequest, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export default fp(metricsPlugin, { name: 'metrics' });
