import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import * as s from './mobile.schemas.js';
import { cancelMobileRequest, handleMobileRequest, mobilePage, mobileQueue, requestMobile } from './mobile-requests.js';

const security = [{ bearer: [] }];
const tags = ['mobile'];

/** Mobile internet: the region's page and a request to connect, handled by staff in a queue. */
export const mobileRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/me/mobile',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Mobile internet in my region and my requests',
        security,
        response: { 200: s.pageResponse },
      },
    },
    async (req) => mobilePage(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/mobile/requests',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Ask to connect mobile internet (contact and a convenient time)',
        security,
        body: s.requestBody,
        response: { 200: s.requestResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      return requestMobile(db, { accountId, ...req.body, actor: { type: 'subscriber', accountId, ip: req.ip } });
    },
  );
  app.post(
    '/api/me/mobile/requests/:id/cancel',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Withdraw my request',
        security,
        params: s.idParams,
        response: { 200: s.requestResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      return cancelMobileRequest(db, {
        accountId,
        id: req.params.id,
        actor: { type: 'subscriber', accountId, ip: req.ip },
      });
    },
  );
  app.get(
    '/api/staff/mobile-requests',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'Mobile internet requests (open ones by default)',
        security,
        querystring: s.queueQuery,
        response: { 200: s.queueResponse },
      },
    },
    async (req) => ({ requests: await mobileQueue(db, { ...req.query, regions: regionScope(req) }) }),
  );
  app.post(
    '/api/staff/mobile-requests/:id',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionOf('mobileRequest', 'id') },
      schema: {
        tags,
        summary: 'Take, connect or refuse a request',
        security,
        params: s.idParams,
        body: s.handleBody,
        response: { 200: s.handleResponse },
      },
    },
    async (req) =>
      handleMobileRequest(db, { id: req.params.id, ...req.body, staffId: staffPrincipal(req).staffId, ip: req.ip }),
  );
};
