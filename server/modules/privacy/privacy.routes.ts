import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { noRegionData, regionOf } from '../../policy/region-scope.js';
import { consentText } from './consent-text.js';
import { listConsents, myConsents } from './list-consents.js';
import * as s from './privacy.schemas.js';
import { withdrawConsent } from './withdraw-consent.js';

const security = [{ bearer: [] }];

/**
 * Personal data (docs/personal-data.md): the consent text signed with a contract, an account's consents,
 * and their withdrawal (the subscriber in the cabinet, or staff entering a written application).
 */
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
  app.post(
    '/api/staff/accounts/:accountId/consents/withdrawal',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionOf('account', 'accountId') },
      schema: {
        tags: ['privacy'],
        summary: "Enter the subscriber's written withdrawal of consent (152-ФЗ art. 9 §2); audited",
        security,
        params: s.accountIdParams,
        body: s.staffWithdrawalBody,
        response: { 200: s.withdrawalResponse },
      },
    },
    async (req) =>
      withdrawConsent(db, {
        accountId: req.params.accountId,
        by: { channel: 'office', staffId: staffPrincipal(req).staffId },
        ip: req.ip,
      }),
  );
  app.get(
    '/api/me/privacy/consents',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['privacy'],
        summary: 'My consent to the processing of personal data: its state and history',
        security,
        response: { 200: s.myConsentsResponse },
      },
    },
    async (req) => myConsents(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/privacy/consents/withdrawal',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags: ['privacy'],
        summary: 'Withdraw my consent (152-ФЗ art. 9 §2): optional processing stops, the contract goes on',
        security,
        body: s.withdrawalBody,
        response: { 200: s.withdrawalResponse },
      },
    },
    async (req) => withdrawConsent(db, { accountId: subscriberAccountId(req), by: { channel: 'cabinet' }, ip: req.ip }),
  );
};
