import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { AppError } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import { requireSubscriber } from '../../plugins/auth.js';
import { phoneInput } from '../contracts/contracts.schemas.js';
import { confirmContactChange, getProfile, startContactChange, updatePreferences } from './profile.js';

const security = [{ bearer: [] }];
const profile = z.object({
  account: z.string(),
  contract: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  preferences: z.object({ email: z.boolean(), sms: z.boolean(), lang: z.enum(['ru', 'en']) }),
  missingContacts: z.array(z.enum(['phone', 'email'])),
});
const contractOf = (req: FastifyRequest) => {
  const p = req.principal;
  if (p?.type !== 'subscriber') throw new AppError('unauthorized');
  return p.contractId;
};

export const profileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/me/profile',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['profile'],
        summary: 'My numbers, contacts and notification preferences',
        security,
        response: { 200: profile },
      },
    },
    async (req) => getProfile(db, contractOf(req)),
  );
  app.patch(
    '/api/me/profile/preferences',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['profile'],
        summary: 'Choose e-mail/SMS notices and language',
        security,
        body: z.object({
          email: z.boolean().optional(),
          sms: z.boolean().optional(),
          lang: z.enum(['ru', 'en']).optional(),
        }),
        response: { 200: profile },
      },
    },
    async (req) => updatePreferences(db, contractOf(req), req.body),
  );
  app.post(
    '/api/me/contacts/start',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['profile'],
        summary: 'Send a confirmation code to a new phone or e-mail',
        security,
        body: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('phone'), value: phoneInput }),
          z.object({ kind: z.literal('email'), value: z.string().trim().email().max(200) }),
        ]),
        response: { 200: z.object({ sent: z.literal(true) }) },
      },
    },
    async (req) => {
      await startContactChange(db, contractOf(req), req.body);
      return { sent: true as const };
    },
  );
  app.post(
    '/api/me/contacts/confirm',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['profile'],
        summary: 'Confirm the new contact with the code',
        security,
        body: z.object({ kind: z.enum(['phone', 'email']), code: z.string().regex(/^\d{6}$/) }),
        response: { 200: profile },
      },
    },
    async (req) => confirmContactChange(db, contractOf(req), req.body, req.ip),
  );
};
