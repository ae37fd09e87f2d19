import { z } from 'zod';

/** What anyone may see: up or not, nothing about versions or internals. */
export const healthResponse = z.object({ status: z.literal('ok') });

export const healthDetailsResponse = z.object({
  status: z.enum(['ready', 'draining', 'stopped', 'not_ready']),
  version: z.string().describe('the running Abonent release (package.json)'),
  schema: z
    .object({
      state: z.enum(['current', 'pending', 'newer_compatible', 'newer_refused', 'foreign']),
      migrations: z.number().int().describe('migrations of this release applied'),
      migratedBy: z.string().nullable().describe('the newest release that migrated the database'),
    })
    .describe('the database schema against this release (docs/upgrades.md)'),
  db: z.enum(['pglite', 'postgres']),
  replica: z.boolean().describe('statements and reports read from DATABASE_REPLICA_URL'),
  checks: z.object({
    database: z.object({ ok: z.boolean(), ms: z.number() }),
    replica: z.object({ ok: z.boolean(), ms: z.number() }).nullable(),
  }),
  uptimeSeconds: z.number(),
  pid: z.number().int(),
});
