import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { SOCIAL_ALLOW_LIST } from '../../../common/network.js';
import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import { disconnectSession } from './disconnect-session.js';
import { findPortalSubscriber, throttlePortal } from './find-portal-subscriber.js';
import { getMyNetwork, getMyNetworkPassword } from './get-my-network.js';
import { listMySessions } from './list-my-sessions.js';
import { listNas } from './list-nas.js';
import { listOnlineSessions } from './list-online-sessions.js';
import {
  accessUpdateBody,
  accountNetworkView,
  accountParams,
  allowListResponse,
  disconnectResponse,
  myNetworkPasswordResponse,
  myNetworkResponse,
  mySessionsQuery,
  mySessionsResponse,
  nasCreateBody,
  nasIdParams,
  nasListQuery,
  nasUpdateBody,
  nasView,
  newPasswordResponse,
  onlineQuery,
  onlineResponse,
  portalResponse,
  sessionParams,
} from './network.schemas.js';
import { createNas, updateNas } from './save-nas.js';
import { showAccountNetwork } from './show-account-network.js';
import { resetNetworkPassword, updateNetworkAccess } from './update-network-access.js';

const tags = ['network'];
const security = [{ bearer: [] }];

/** Back office (NAS registry, a subscriber's network), cabinet (sessions and traffic) and the captive portal. */
export const networkRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const interimSeconds = deps.config.RADIUS_INTERIM_SECONDS;
  deps.network.setLogger(app.log);
  await deps.network.start({ dispatch: deps.config.WORKER });
  app.addHook('onClose', async () => deps.network.close());

  // ---- NAS registry ----

  app.get(
    '/api/staff/nas',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: FILTERED },
      schema: {
        tags,
        security,
        summary: 'NAS registry',
        querystring: nasListQuery,
        response: { 200: z.object({ nas: z.array(nasView) }) },
      },
    },
    async (req) => ({
      nas: await listNas(db, { regionId: req.query.regionId, lang: req.lang, regions: regionScope(req) }),
    }),
  );

  app.post(
    '/api/staff/nas',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        security,
        summary: 'Add a NAS (admin)',
        body: nasCreateBody,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) =>
      createNas(db, req.body, { staffId: staffPrincipal(req).staffId, ip: req.ip, appSecret: deps.config.secrets }),
  );

  app.patch(
    '/api/staff/nas/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        security,
        summary: 'Change a NAS (admin)',
        params: nasIdParams,
        body: nasUpdateBody,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await updateNas(db, req.params.id, req.body, {
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
        appSecret: deps.config.secrets,
      });
      return { ok: true as const };
    },
  );

  // ---- a subscriber's network (staff) ----

  app.get(
    '/api/staff/accounts/:id/network',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags,
        security,
        summary: 'Subscriber card: network access, sessions online now, last sessions, CoA log, post-auth log',
        params: accountParams,
        response: { 200: accountNetworkView },
      },
    },
    async (req) => showAccountNetwork(db, req.params.id, { interimSeconds }),
  );

  app.patch(
    '/api/staff/accounts/:id/network',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags,
        security,
        summary: 'Set PPPoE login, IPoE MAC, Option 82 (audited)',
        params: accountParams,
        body: accessUpdateBody,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await updateNetworkAccess(db, req.params.id, req.body, { staffId: staffPrincipal(req).staffId, ip: req.ip });
      return { ok: true as const };
    },
  );

  app.post(
    '/api/staff/accounts/:id/network/password',
    {
      preValidation: requireStaff('operator'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags,
        security,
        summary: 'Issue a new PPPoE password (shown once; audited)',
        params: accountParams,
        response: { 200: newPasswordResponse },
      },
    },
    async (req) =>
      resetNetworkPassword(db, req.params.id, {
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
        appSecret: deps.config.secrets,
      }),
  );

  app.get(
    '/api/staff/network/online',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: FILTERED },
      schema: {
        tags,
        security,
        summary: 'Sessions online now across the ISP, a region or a NAS, with their accounts',
        querystring: onlineQuery,
        response: { 200: onlineResponse },
      },
    },
    async (req) => listOnlineSessions(db, req.query, { interimSeconds, regions: regionScope(req) }),
  );

  app.post(
    '/api/staff/accounts/:id/sessions/:sessionId/disconnect',
    {
      preValidation: requireStaff('operator', 'support'),
      config: { region: regionOf('account', 'id') },
      schema: {
        tags,
        security,
        summary: "End a subscriber's session: Disconnect-Request to its NAS (audited)",
        params: sessionParams,
        response: { 200: disconnectResponse },
      },
    },
    async (req) =>
      disconnectSession(
        db,
        deps.network.coa,
        { accountId: req.params.id, sessionId: req.params.sessionId },
        { staffId: staffPrincipal(req).staffId, ip: req.ip, appSecret: deps.config.secrets },
      ),
  );

  // ---- cabinet ----

  app.get(
    '/api/me/network',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        security,
        summary: 'How I connect (PPPoE login or IPoE), my static IP',
        response: { 200: myNetworkResponse },
      },
    },
    async (req) => getMyNetwork(db, subscriberAccountId(req)),
  );

  app.get(
    '/api/me/network/password',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        security,
        summary: 'My PPPoE password, for the router',
        response: { 200: myNetworkPasswordResponse },
      },
    },
    async (req) => getMyNetworkPassword(db, subscriberAccountId(req), deps.config.secrets),
  );

  app.get(
    '/api/me/sessions',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        security,
        summary: 'My internet sessions and traffic for a period',
        querystring: mySessionsQuery,
        response: { 200: mySessionsResponse },
      },
    },
    async (req) => listMySessions(db, subscriberAccountId(req), { ...req.query, interimSeconds }),
  );

  // ---- captive portal (public) ----

  app.get(
    '/api/portal/me',
    {
      schema: {
        tags,
        summary:
          'Captive portal: the account behind this address (by its open session), to show the balance; 60 a minute per address',
        response: { 200: portalResponse },
      },
    },
    async (req) => {
      const address = req.ip.replace(/^::ffff:/, '');
      await throttlePortal(db, address);
      return findPortalSubscriber(db, address, interimSeconds);
    },
  );

  app.get(
    '/api/portal/allow-list',
    {
      schema: {
        tags,
        summary: 'What debtors can still reach: the portal and socially significant resources (for the NAS)',
        response: { 200: allowListResponse },
      },
    },
    async () => ({ portal: new URL(deps.config.publicUrl).hostname, domains: SOCIAL_ALLOW_LIST }),
  );
};
