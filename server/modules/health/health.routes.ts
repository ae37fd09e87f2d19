import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { healthResponse } from './health.schemas.js';

export const healthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness and database check', response: { 200: healthResponse } } },
    async () => {
      await deps.database.db.execute(sql`select 1`);
      return { status: 'ok' as const, db: deps.database.kind, version: deps.version };
    },
  );
};
