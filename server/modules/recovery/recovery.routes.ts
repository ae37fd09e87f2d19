import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppDeps } from '../../deps.js';
import { phoneInput } from '../contracts/contracts.schemas.js';
import { completeRecovery } from './complete-recovery.js';
import { startRecovery } from './start-recovery.js';

export const recoveryRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.post(
    '/api/auth/recovery/start',
    {
      schema: {
        tags: ['auth'],
        summary: 'Forgot password: send a code by SMS or e-mail (the same answer whether or not the account exists)',
        body: z.object({
          regionId: z.number().int().positive().max(32_767),
          phone: phoneInput,
          account: z
            .string()
            .trim()
            .regex(/^\d{6,12}$/, 'account: digits'),
          channel: z.enum(['sms', 'email']),
        }),
        response: { 200: z.object({ status: z.literal('sent_if_exists'), channel: z.enum(['sms', 'email']) }) },
      },
    },
    async (req) => {
      await startRecovery(db, req.body, { ip: req.ip, publicUrl: deps.config.publicUrl });
      return { status: 'sent_if_exists' as const, channel: req.body.channel };
    },
  );
  app.post(
    '/api/auth/recovery/complete',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the code (and account number) or the link token; ends all sessions',
        body: z.union([
          z.object({
            account: z.string().trim().min(1).max(20),
            code: z.string().regex(/^\d{6}$/),
            newPassword: z.string().min(1).max(256),
          }),
          z.object({ token: z.string().min(10).max(200), newPassword: z.string().min(1).max(256) }),
        ]),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await completeRecovery(db, req.body, { ip: req.ip });
      return { ok: true as const };
    },
  );
};
