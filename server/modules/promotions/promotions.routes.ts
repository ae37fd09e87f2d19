import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionScope } from '../../policy/region-scope.js';
import { joinPromotion } from './join-promotion.js';
import { listOffers } from './list-offers.js';
import { createPromotion, endPromotion, listPromotions } from './manage-promotions.js';
import * as s from './promotions.schemas.js';

const security = [{ bearer: [] }];
const tags = ['promotions'];

/** Promotions: the subscriber's offers and joining; admins create and end them. Rules: docs/promotions.md. */
export const promotionsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/api/me/promotions',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Offers of my region and the ones I joined',
        security,
        response: { 200: s.offersResponse },
      },
    },
    async (req) => listOffers(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/promotions/:id/join',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Take part in a promotion (its effect starts at once or tomorrow)',
        security,
        params: s.idParams,
        response: { 200: s.joinResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      return joinPromotion(db, {
        accountId,
        promotionId: req.params.id,
        actor: { type: 'subscriber', accountId, ip: req.ip },
      });
    },
  );
  app.get(
    '/api/staff/promotions',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'Promotions, newest first',
        security,
        querystring: s.regionQuery,
        response: { 200: z.object({ promotions: z.array(s.promotion) }) },
      },
    },
    async (req) => ({
      promotions: await listPromotions(db, { regionId: req.query.regionId, regions: regionScope(req) }),
    }),
  );
  app.post(
    '/api/staff/promotions',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Create a promotion',
        security,
        body: s.promotionCreate,
        response: { 200: s.promotion },
      },
    },
    async (req) => createPromotion(db, { staffId: staffPrincipal(req).staffId, ip: req.ip }, req.body),
  );
  app.post(
    '/api/staff/promotions/:id/end',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'End a promotion now (granted effects run their course)',
        security,
        params: s.idParams,
        response: { 200: s.promotion },
      },
    },
    async (req) => endPromotion(db, { staffId: staffPrincipal(req).staffId, ip: req.ip }, req.params.id),
  );
};
