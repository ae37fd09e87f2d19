import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { authSettings } from '../auth/limits.js';
import { okResponse } from '../shared.schemas.js';
import { completeRecovery } from './complete-recovery.js';
import { recoveryCompleteBody, recoveryStartBody, recoveryStartResponse } from './recovery.schemas.js';
import { startRecovery } from './start-recovery.js';

export const recoveryRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.post(
    '/api/auth/recovery/start',
    {
      schema: {
        tags: ['auth'],
        summary: 'Forgot password: send a code by SMS or e-mail (the same answer whether or not the account exists)',
        body: recoveryStartBody,
        response: { 200: recoveryStartResponse },
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
        body: recoveryCompleteBody,
        response: { 200: okResponse },
      },
    },
    async (req) => {
      await completeRecovery(db, req.body, { ip: req.ip, settings: authSettings(deps.config) });
      return { ok: true as const };
    },
  );
};
