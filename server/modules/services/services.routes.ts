import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import type { Actor } from '../accounts/load-account.js';
import { connectAddon } from './connect-addon.js';
import { countServiceQueues } from './count-queues.js';
import { disconnectAddon } from './disconnect-addon.js';
import { addIpRange, listIpPool } from './ip-pool-admin.js';
import { listAddons } from './list-addons.js';
import { listTariffOptions } from './list-tariff-options.js';
import { previewAddon } from './preview-addon.js';
import { previewTariffChange } from './preview-tariff-change.js';
import { cancelTariffChange, requestTariffChange } from './request-tariff-change.js';
import * as s from './services.schemas.js';

const security = [{ bearer: [] }];
const tags = ['services'];

/**
 * Tariff change and add-ons (TV packages, static IP): the subscriber's own account from the session,
 * and the same actions for staff on the subscriber card (`/api/staff/accounts/:id/…`). Admins keep the
 * static-IP pools. Rules: docs/services.md.
 */
export const servicesRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const me = (req: Parameters<typeof subscriberAccountId>[0]): Actor => ({
    type: 'subscriber',
    accountId: subscriberAccountId(req),
    ip: req.ip,
  });
  const staff = (req: Parameters<typeof staffPrincipal>[0]): Actor => ({
    type: 'staff',
    staffId: staffPrincipal(req).staffId,
    ip: req.ip,
  });
  const subscriber = { preValidation: requireSubscriber() };
  const operator = { preValidation: requireStaff('operator') };
  const reader = { preValidation: requireStaff('operator', 'support', 'finance') };
  /** Staff routes on one subscriber (`/api/staff/accounts/:id/…`): only for staff of its region. */
  const ofAccount = regionOf('account', 'id');

  // ── Subscriber: tariff change ──
  app.get(
    '/api/me/tariffs',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Plans of my region, my plan and a pending change',
        security,
        response: { 200: s.tariffOptionsResponse },
      },
    },
    async (req) => listTariffOptions(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/tariff-change/preview',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'What a tariff change would do (refused with the reason when not allowed)',
        security,
        body: s.tariffChangeBody,
        response: { 200: s.tariffPreviewResponse },
      },
    },
    async (req) => previewTariffChange(db, { accountId: subscriberAccountId(req), tariffId: req.body.tariffId }),
  );
  app.post(
    '/api/me/tariff-change',
    {
      ...subscriber,
      schema: {
        tags,
        summary: "Change the plan from tomorrow's charge (replaces a pending change)",
        security,
        body: s.tariffChangeBody,
        response: { 200: s.tariffChangeResponse },
      },
    },
    async (req) =>
      requestTariffChange(db, { accountId: subscriberAccountId(req), tariffId: req.body.tariffId, actor: me(req) }),
  );
  app.delete(
    '/api/me/tariff-change',
    {
      ...subscriber,
      schema: { tags, summary: 'Cancel a pending tariff change', security, response: { 200: s.cancelledResponse } },
    },
    async (req) => cancelTariffChange(db, { accountId: subscriberAccountId(req), actor: me(req) }),
  );

  // ── Subscriber: add-ons ──
  app.get(
    '/api/me/addons',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'TV packages and static IP: catalogue and mine',
        security,
        response: { 200: s.addonsResponse },
      },
    },
    async (req) => listAddons(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/addons/preview',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'What connecting or disconnecting an add-on would do',
        security,
        body: s.addonPreviewBody,
        response: { 200: s.addonPreviewResponse },
      },
    },
    async (req) => previewAddon(db, { accountId: subscriberAccountId(req), ...req.body }),
  );
  app.post(
    '/api/me/addons',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Connect an add-on (charged from tomorrow; a static IP gets its address now)',
        security,
        body: s.addonBody,
        response: { 200: s.connectResponse },
      },
    },
    async (req) =>
      connectAddon(db, { accountId: subscriberAccountId(req), serviceId: req.body.serviceId, actor: me(req) }),
  );
  app.delete(
    '/api/me/addons/:serviceId',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Disconnect an add-on (today is its last day)',
        security,
        params: s.serviceIdParams,
        response: { 200: s.disconnectResponse },
      },
    },
    async (req) =>
      disconnectAddon(db, { accountId: subscriberAccountId(req), serviceId: req.params.serviceId, actor: me(req) }),
  );

  // ── Staff: the same on the subscriber card ──
  app.get(
    '/api/staff/accounts/:id/tariffs',
    {
      ...reader,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "A subscriber's plan options",
        security,
        params: s.accountIdParams,
        response: { 200: s.tariffOptionsResponse },
      },
    },
    async (req) => listTariffOptions(db, req.params.id),
  );
  app.post(
    '/api/staff/accounts/:id/tariff-change/preview',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "Preview a change of a subscriber's plan",
        security,
        params: s.accountIdParams,
        body: s.tariffChangeBody,
        response: { 200: s.tariffPreviewResponse },
      },
    },
    async (req) => previewTariffChange(db, { accountId: req.params.id, tariffId: req.body.tariffId, staff: true }),
  );
  app.post(
    '/api/staff/accounts/:id/tariff-change',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "Change a subscriber's plan from tomorrow (audited)",
        security,
        params: s.accountIdParams,
        body: s.tariffChangeBody,
        response: { 200: s.tariffChangeResponse },
      },
    },
    async (req) =>
      requestTariffChange(db, { accountId: req.params.id, tariffId: req.body.tariffId, actor: staff(req) }),
  );
  app.delete(
    '/api/staff/accounts/:id/tariff-change',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "Cancel a subscriber's pending tariff change",
        security,
        params: s.accountIdParams,
        response: { 200: s.cancelledResponse },
      },
    },
    async (req) => cancelTariffChange(db, { accountId: req.params.id, actor: staff(req) }),
  );
  app.get(
    '/api/staff/accounts/:id/addons',
    {
      ...reader,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "A subscriber's add-ons",
        security,
        params: s.accountIdParams,
        response: { 200: s.addonsResponse },
      },
    },
    async (req) => listAddons(db, req.params.id),
  );
  app.post(
    '/api/staff/accounts/:id/addons/preview',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Preview connecting or disconnecting an add-on',
        security,
        params: s.accountIdParams,
        body: s.addonPreviewBody,
        response: { 200: s.addonPreviewResponse },
      },
    },
    async (req) => previewAddon(db, { accountId: req.params.id, ...req.body, staff: true }),
  );
  app.post(
    '/api/staff/accounts/:id/addons',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Connect an add-on for a subscriber (audited)',
        security,
        params: s.accountIdParams,
        body: s.addonBody,
        response: { 200: s.connectResponse },
      },
    },
    async (req) => connectAddon(db, { accountId: req.params.id, serviceId: req.body.serviceId, actor: staff(req) }),
  );
  app.delete(
    '/api/staff/accounts/:id/addons/:serviceId',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Disconnect an add-on of a subscriber (audited)',
        security,
        params: s.accountServiceParams,
        response: { 200: s.disconnectResponse },
      },
    },
    async (req) =>
      disconnectAddon(db, { accountId: req.params.id, serviceId: req.params.serviceId, actor: staff(req) }),
  );

  app.get(
    '/api/staff/service-queues',
    {
      ...reader,
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'How much waits in the service queues (staff home page)',
        security,
        response: { 200: s.queueCountsResponse },
      },
    },
    async (req) => countServiceQueues(db, regionScope(req)),
  );

  // ── Admin: static-IP pools ──
  app.get(
    '/api/staff/ip-pool',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: "A region's static-IP pool",
        security,
        querystring: s.ipPoolQuery,
        response: { 200: s.ipPoolResponse },
      },
    },
    async (req) => listIpPool(db, req.query.regionId),
  );
  app.post(
    '/api/staff/ip-pool',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: "Add a network's addresses to a region's static-IP pool",
        security,
        body: s.ipRangeBody,
        response: { 200: s.ipRangeResponse },
      },
    },
    async (req) => addIpRange(db, { ...req.body, staffId: staffPrincipal(req).staffId, ip: req.ip }),
  );
};
