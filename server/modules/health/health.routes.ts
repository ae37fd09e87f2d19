import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import { migrationStatus } from '../../db/migrate.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff } from '../../plugins/auth.js';
import { checkDatabase } from './check-database.js';
import { healthDetailsResponse, healthResponse } from './health.schemas.js';

/**
 * Liveness and readiness (docs/scale.md, "Health"). Anonymous answers say only ok or not; details
 * (version, database mode, timings) are for admins.
 */
export const healthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const ready = async () => {
    if (deps.lifecycle.draining) throw new AppError('not_ready');
    if (!(await checkDatabase(deps.database.db)).ok) throw new AppError('not_ready');
    return { status: 'ok' as const };
  };
  const readySchema = { tags: ['system'], response: { 200: healthResponse } };

  app.get(
    '/api/health/live',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process runs and answers (restart it when this fails)',
        response: { 200: healthResponse },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/api/health/ready',
    {
      schema: {
        ...readySchema,
        summary: 'Readiness: send requests here (503 while shutting down or when the database does not answer)',
      },
    },
    ready,
  );
  app.get('/api/health', { schema: { ...readySchema, summary: 'Readiness (same as /api/health/ready)' } }, ready);

  app.get(
    '/api/health/details',
    {
      schema: { tags: ['system'], summary: 'Health details (admins)', response: { 200: healthDetailsResponse } },
      preValidation: requireStaff('admin'),
    },
    async () => {
      const [database, replica, schema] = await Promise.all([
        checkDatabase(deps.database.db),
        deps.database.replica !== deps.database.db ? checkDatabase(deps.database.replica) : null,
        migrationStatus(deps.database, { codeVersion: deps.version }),
      ]);
      const state = deps.lifecycle.state;
      return {
        status: state === 'ready' && !database.ok ? ('not_ready' as const) : state,
        version: deps.version,
        schema: {
          state: schema.state,
          migrations: schema.applied.length,
          migratedBy: schema.migratedBy?.codeVersion ?? null,
        },
        db: deps.database.kind,
        replica: replica !== null,
        checks: { database, replica },
        uptimeSeconds: Math.round(process.uptime()),
        pid: process.pid,
      };
    },
  );
};
