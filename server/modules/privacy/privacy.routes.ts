import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff } from '../../plugins/auth.js';
import { noRegionData, regionOf } from '../../policy/region-scope.js';
import { consentText } from './consent-text.js';
import { listConsents } from './list-consents.js';
import * as s from './privacy.schemas.js';

const security = [{ bearer: [] }];

/** Personal data (docs/personal-data.md): the consent text signed with a contract, and an account's consents. */
export const privacyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/staff/privacy/consent',
    {
      preValidation: requireStaff(),
      config: { region: noRegionData('the consent text is the same for every subscriber') },
      schema: {
        tags: ['privacy'],
        summary: 'The current consent to the processing of personal data, shown and signed with a contract',
        security,
        querystring: s.consentTextQuery,
        response: { 200: s.consentTextResponse },
      },
    },
    async (req) => consentText(req.query.lang),
  );
  app.get(
    '/api/staff/accounts/:accountId/consents',
    {
      preValidation: requireStaff(),
      config: { region: regionOf('account', 'accountId') },
      schema: {
        tags: ['privacy'],
        summary: "The subscriber's consents (version, hash, time) and whether the personal data is anonymised",
        security,
        params: s.accountIdParams,
        response: { 200: s.consentsResponse },
      },
    },
    async (req) => listConsents(db, req.params.accountId),
  );
};
