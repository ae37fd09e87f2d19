import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import type { AppDeps } from '../../deps.js';
import { requireSubscriber } from '../../plugins/auth.js';
import { confirmContactChange, getProfile, startContactChange, updatePreferences } from './profile.js';
import {
  contactConfirmBody,
  contactStartBody,
  contactStartResponse,
  preferencesBody,
  profileResponse,
} from './profile.schemas.js';

const security = [{ bearer: [] }];
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
        response: { 200: profileResponse },
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
        body: preferencesBody,
        response: { 200: profileResponse },
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
        summary: 'Send a confirmation code to a new phone or e-mail (needs the current password)',
        security,
        body: contactStartBody,
        response: { 200: contactStartResponse },
      },
    },
    async (req) => {
      await startContactChange(db, contractOf(req), req.body, req.ip);
      return { sent: true as const };
    },
  );
  app.post(
    '/api/me/contacts/confirm',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['profile'],
        summary: 'Confirm the new contact with the code; the old contact is told, recovery to the new one waits 24 h',
        security,
        body: contactConfirmBody,
        response: { 200: profileResponse },
      },
    },
    async (req) => confirmContactChange(db, contractOf(req), req.body, req.ip),
  );
};
