import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import errorsPlugin from './plugins/errors.js';
import authPlugin from './plugins/auth.js';
import openapiPlugin from './plugins/openapi.js';
import { moduleRoutes } from './modules/index.js';
import { version } from './version.js';
import { notifierFromConfig, type Notifier } from './modules/notifications/notifier.js';
import { AtolClient } from './integrations/atol/atol-client.js';
import type { PaymentProvider, ProviderName } from './integrations/acquiring/provider.js';
import { TestAcquirer } from './integrations/acquiring/test-acquirer.js';
import { YooKassaClient } from './integrations/acquiring/yookassa-client.js';
import { ReadCaches } from './cache/read-caches.js';
import readCachePlugin from './plugins/read-cache.js';

/** What every route plugin and job receives. Integrations are built from config unless injected. */
export interface AppDeps {
  config: Config;
  database: Database;
  version: string;
  notifier: Notifier;
  /** ATOL Online client for fiscal receipts; null when not configured. */
  atol: AtolClient | null;
  /** Card acquirers by name (the test acquirer always; YooKassa when its credentials are set). */
  acquirers: Partial<Record<ProviderName, PaymentProvider>>;
  /** In-process read caches (sessions, overview); buildApp starts their invalidation. */
  caches: ReadCaches;
}

export function buildDeps(config: Config, database: Database, overrides: Partial<AppDeps> = {}): AppDeps {
  const atol =
    config.ATOL_API_URL && config.ATOL_LOGIN && config.ATOL_PASSWORD
      ? new AtolClient({ baseUrl: config.ATOL_API_URL, login: config.ATOL_LOGIN, password: config.ATOL_PASSWORD })
      : null;
  const acquirers: AppDeps['acquirers'] = { test_acquirer: new TestAcquirer(database.db, config) };
  if (config.YOOKASSA_SHOP_ID && config.YOOKASSA_SECRET_KEY) {
    acquirers.yookassa = new YooKassaClient({ baseUrl: config.YOOKASSA_API_URL, shopId: config.YOOKASSA_SHOP_ID, secretKey: config.YOOKASSA_SECRET_KEY });
  }
  const caches = new ReadCaches({ sessionSeconds: config.SESSION_CACHE_SECONDS, overviewSeconds: config.OVERVIEW_CACHE_SECONDS });
  return { config, database, version, notifier: notifierFromConfig(config), atol, acquirers, caches, ...overrides };
}

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
    logger: opts.logger ?? false,
    trustProxy: opts.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const deps = buildDeps(opts.config, opts.database, opts.deps);
  app.decorate('deps', deps);

  await app.register(cookie, { secret: opts.config.secret });
  await app.register(errorsPlugin);
  await app.register(openapiPlugin, { version });
  await app.register(readCachePlugin, { caches: deps.caches, database: opts.database });
  await app.register(authPlugin, { db: opts.database.db, sessionCache: deps.caches.sessions });
  for (const routes of moduleRoutes) await app.register(routes, deps);
  if (opts.serveWeb) {
    const { default: webPlugin } = await import('./plugins/web.js');
    await app.register(webPlugin);
  }
  await app.ready();
  return app;
}
