import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';

import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { type AppDeps, buildDeps } from './deps.js';
import { SAFE_LOGGING } from './logging.js';
import { moduleRoutes } from './modules/index.js';
import authPlugin from './plugins/auth.js';
import cookiesPlugin from './plugins/cookies.js';
import errorsPlugin, { frameworkErrors } from './plugins/errors.js';
import lifecyclePlugin from './plugins/lifecycle.js';
import metricsPlugin from './plugins/metrics.js';
import openapiPlugin from './plugins/openapi.js';
import proxyCheckPlugin from './plugins/proxy-check.js';
import readCachePlugin from './plugins/read-cache.js';
import routePolicyPlugin from './plugins/route-policy.js';
import securityHeaders from './plugins/security-headers.js';
import { version } from './version.js';

export interface BuildAppOptions {
  config: Config;
  database: Database;
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web app from dist/web (production). */
  serveWeb?: boolean;
  /** Replace integrations (tests point them at local protocol peers). */
  deps?: Partial<AppDeps>;
}

/** Builds the HTTP app without listening; tests drive it through app.inject(). */
declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Whatever logger is given writes no secrets, tokens, codes or query parameters (server/logging.ts).
    logger: opts.logger ? { ...(opts.logger === true ? {} : opts.logger), ...SAFE_LOGGING } : false,
    trustProxy: opts.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    // A request that reaches us while closing (on a kept-alive connection) is served, not refused:
    // the database stays open until the last one is done (graceful shutdown, docs/scale.md).
    return503OnClosing: false,
    frameworkErrors,
    // One line per request instead of Fastify's two (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Development keeps requests at debug level so the terminal stays readable; the query string is left
  // out everywhere (a recovery link's token must not land in logs).
  // Hooks on every request are callback-style here and in plugins/: an async hook costs a promise per
  // request, which a cached read notices (docs/scale.md, bench:api). Without a logger there is no line.
  const requestLevel = opts.config.NODE_ENV === 'development' ? 'debug' : 'info';
  if (opts.logger)
    app.addHook('onResponse', (req, reply, done) => {
      req.log[requestLevel](
        {
          method: req.method,
          path: req.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
      done();
    });

  const deps = buildDeps(opts.config, opts.database, opts.deps);
  app.decorate('deps', deps);
  // A bound SMPP session (delivery receipts) ends with the app.
  app.addHook('onClose', async () => {
    await deps.notifier.sms?.close?.();
    await deps.messengers.stop();
  });
  deps.messengers.setLogger(app.log);

  await app.register(cookiesPlugin);
  await app.register(securityHeaders, { production: opts.config.NODE_ENV === 'production' });
  await app.register(errorsPlugin);
  await app.register(proxyCheckPlugin, { trustProxy: opts.config.trustProxy });
  await app.register(metricsPlugin, { metrics: deps.metrics, config: opts.config });
  await app.register(lifecyclePlugin, {
    lifecycle: deps.lifecycle,
    timeoutMs: opts.config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  });
  await app.register(openapiPlugin, { version });
  await app.register(readCachePlugin, { caches: deps.caches, database: opts.database });
  await app.register(authPlugin, {
    db: opts.database.db,
    sessionCache: deps.caches.sessions,
    staffIdleSeconds: opts.config.STAFF_SESSION_IDLE_MINUTES * 60,
  });
  await app.register(routePolicyPlugin, { db: opts.database.db });
  for (const routes of moduleRoutes) await app.register(routes, deps);
  if (opts.serveWeb) {
    const { default: webPlugin } = await import('./plugins/web.js');
    await app.register(webPlugin);
  }
  await app.ready();
  return app;
}
