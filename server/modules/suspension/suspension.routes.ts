import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import type { Actor } from '../accounts/load-account.js';
import { applySuspension } from './apply-suspension.js';
import { cancelSuspension, endSuspensionEarly } from './end-suspension.js';
import { listSuspensions, suspensionQueue } from './list-suspensions.js';
import { previewSuspension } from './preview-suspension.js';
import { approveSuspension, refuseSuspension } from './review-suspension.js';
import * as s from './suspension.schemas.js';

const security = [{ bearer: [] }];
const tags = ['suspension'];

/** Voluntary suspension: the subscriber's applications, the staff review queue, and staff actions on a card. */
export const suspensionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
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

  app.get(
    '/api/me/suspensions',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'My suspensions, the rules and free days left',
        security,
        response: { 200: s.listResponse },
      },
    },
    async (req) => listSuspensions(db, subscriberAccountId(req)),
  );
  app.post(
    '/api/me/suspensions/preview',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Free and paid days of a suspension (refused with the reason when it breaks a rule)',
        security,
        body: s.periodBody,
        response: { 200: s.previewResponse },
      },
    },
    async (req) => previewSuspension(db, { accountId: subscriberAccountId(req), ...req.body }),
  );
  app.post(
    '/api/me/suspensions',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Apply for a voluntary suspension',
        security,
        body: s.applyBody,
        response: { 200: s.applyResponse },
      },
    },
    async (req) => applySuspension(db, { accountId: subscriberAccountId(req), ...req.body, actor: me(req) }),
  );
  app.post(
    '/api/me/suspensions/:id/cancel',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'Withdraw an application that has not started',
        security,
        params: s.idParams,
        response: { 200: s.cancelResponse },
      },
    },
    async (req) => cancelSuspension(db, { accountId: subscriberAccountId(req), id: req.params.id, actor: me(req) }),
  );
  app.post(
    '/api/me/suspensions/:id/end',
    {
      ...subscriber,
      schema: {
        tags,
        summary: 'End my suspension early (service back at once)',
        security,
        params: s.idParams,
        response: { 200: s.endResponse },
      },
    },
    async (req) => endSuspensionEarly(db, { accountId: subscriberAccountId(req), id: req.params.id, actor: me(req) }),
  );

  // ── Staff: the review queue ──
  app.get(
    '/api/staff/suspensions',
    {
      ...reader,
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'Suspension applications by state (pending first day first)',
        security,
        querystring: s.queueQuery,
        response: { 200: s.queueResponse },
      },
    },
    async (req) => ({ suspensions: await suspensionQueue(db, { ...req.query, regions: regionScope(req) }) }),
  );
  app.post(
    '/api/staff/suspensions/:id/approve',
    {
      ...operator,
      config: { region: regionOf('suspension', 'id') },
      schema: {
        tags,
        summary: 'Approve an application',
        security,
        params: s.idParams,
        response: { 200: s.approveResponse },
      },
    },
    async (req) => approveSuspension(db, { id: req.params.id, staffId: staffPrincipal(req).staffId, ip: req.ip }),
  );
  app.post(
    '/api/staff/suspensions/:id/refuse',
    {
      ...operator,
      config: { region: regionOf('suspension', 'id') },
      schema: {
        tags,
        summary: 'Refuse an application with a reason',
        security,
        params: s.idParams,
        body: s.refuseBody,
        response: { 200: s.refuseResponse },
      },
    },
    async (req) =>
      refuseSuspension(db, {
        id: req.params.id,
        staffId: staffPrincipal(req).staffId,
        reason: req.body.reason,
        ip: req.ip,
      }),
  );

  // ── Staff: on the subscriber card ──
  app.get(
    '/api/staff/accounts/:id/suspensions',
    {
      ...reader,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "A subscriber's suspensions",
        security,
        params: s.accountParams,
        response: { 200: s.listResponse },
      },
    },
    async (req) => listSuspensions(db, req.params.id),
  );
  app.post(
    '/api/staff/accounts/:id/suspensions/preview',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Preview a suspension for a subscriber',
        security,
        params: s.accountParams,
        body: s.periodBody,
        response: { 200: s.previewResponse },
      },
    },
    async (req) => previewSuspension(db, { accountId: req.params.id, ...req.body, staff: true }),
  );
  app.post(
    '/api/staff/accounts/:id/suspensions',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Apply for a suspension on behalf of a subscriber',
        security,
        params: s.accountParams,
        body: s.applyBody,
        response: { 200: s.applyResponse },
      },
    },
    async (req) => applySuspension(db, { accountId: req.params.id, ...req.body, actor: staff(req) }),
  );
  app.post(
    '/api/staff/accounts/:id/suspensions/:suspensionId/end',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "End a subscriber's suspension early",
        security,
        params: s.accountSuspensionParams,
        response: { 200: s.endResponse },
      },
    },
    async (req) => endSuspensionEarly(db, { accountId: req.params.id, id: req.params.suspensionId, actor: staff(req) }),
  );
  app.post(
    '/api/staff/accounts/:id/suspensions/:suspensionId/cancel',
    {
      ...operator,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "Withdraw a subscriber's application",
        security,
        params: s.accountSuspensionParams,
        response: { 200: s.cancelResponse },
      },
    },
    async (req) => cancelSuspension(db, { accountId: req.params.id, id: req.params.suspensionId, actor: staff(req) }),
  );
};
