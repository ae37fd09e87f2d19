import type { FastifyInstance } from 'fastify';

import { buildApp } from '../app.js';
import { type Config, loadConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { AppDeps } from '../deps.js';
import { createTestDatabase } from './db.js';

export interface TestContext {
  app: FastifyInstance;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/** A test app over its own fresh database. Call close() in afterAll. */
export async function createTestApp(
  overrides: Partial<Config> = {},
  deps: Partial<AppDeps> = {},
): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...overrides };
  const app = await buildApp({ config, database, deps });
  return {
    app,
    database,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** For tests that build the app over a database they opened themselves (e.g. several processes on one DB). */
export { buildApp };
