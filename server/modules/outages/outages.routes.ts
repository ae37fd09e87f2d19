import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionInBody, regionOf, regionScope } from '../../policy/region-scope.js';
import { closeOutage } from './close-outage.js';
import { declareOutage } from './declare-outage.js';
import { countAffected } from './outage-area.js';
import * as s from './outages.schemas.js';
import { updateOutage } from './update-outage.js';
import { listOutages, myOutages, showOutage } from './view-outages.js';

const security = [{ bearer: [] }];
const tags = ['outages'];
/** Operators and support declare and keep outages; finance sees them (compensation is theirs). */
const KEEPERS = requireStaff('operator', 'support');
const READERS = requireStaff('operator', 'support', 'finance');

/** Outage notices (docs/outages.md): staff declare, update and close; subscribers see theirs. */
export const outagesRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.post(
    '/api/staff/outages/preview',
    {
      config: { region: regionInBody('regionId') },
      preValidation: KEEPERS,
      schema: {
        tags,
        summary: 'How many subscribers an outage on this area would affect',
        security,
        body: s.outageArea,
        response: { 200: s.areaPreviewResponse },
      },
    },
    async (req) => ({ accounts: await countAffected(db, req.body, regionScope(req)) }),
  );

  app.post(
    '/api/staff/outages',
    {
      config: { region: regionInBody('area.regionId') },
      preValidation: KEEPERS,
      schema: {
        tags,
        summary: 'Declare an outage: its subscribers are fixed and told once',
        security,
        body: s.declareBody,
        response: { 200: s.outageDetail },
      },
    },
    async (req) => {
      const scope = regionScope(req);
      const { id } = await declareOutage(db, {
        ...req.body,
        scope,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      });
      return showOutage(db, { id, scope });
    },
  );

  app.get(
    '/api/staff/outages',
    {
      config: { region: FILTERED },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'Outages: open first',
        security,
        querystring: s.outagesQuery,
        response: { 200: s.outagesList },
      },
    },
    async (req) => listOutages(db, { ...req.query, scope: regionScope(req) }),
  );

  app.get(
    '/api/staff/outages/:id',
    {
      config: { region: regionOf('outage', 'id') },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'An outage with its linked tickets',
        security,
        params: s.outageParams,
        response: { 200: s.outageDetail },
      },
    },
    async (req) => showOutage(db, { id: req.params.id, scope: regionScope(req) }),
  );

  app.patch(
    '/api/staff/outages/:id',
    {
      config: { region: regionOf('outage', 'id') },
      preValidation: KEEPERS,
      schema: {
        tags,
        summary: 'Update texts or the expected end (a large move later tells the subscribers again)',
        security,
        params: s.outageParams,
        body: s.updateBody,
        response: { 200: s.updateResponse },
      },
    },
    async (req) => {
      const scope = regionScope(req);
      const r = await updateOutage(db, {
        id: req.params.id,
        ...req.body,
        scope,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      });
      return { ...(await showOutage(db, { id: req.params.id, scope })), ...r };
    },
  );

  app.post(
    '/api/staff/outages/:id/close',
    {
      config: { region: regionOf('outage', 'id') },
      preValidation: KEEPERS,
      schema: {
        tags,
        summary: 'Close an outage with its real end; the answer suggests the compensation days',
        security,
        params: s.outageParams,
        body: s.closeBody,
        response: { 200: s.outageDetail },
      },
    },
    async (req) => {
      const scope = regionScope(req);
      await closeOutage(db, {
        id: req.params.id,
        endedAt: req.body.endedAt,
        scope,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      });
      return showOutage(db, { id: req.params.id, scope });
    },
  );

  app.get(
    '/api/me/outages',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: "Outages in the subscriber's area now (the cabinet's banner)",
        security,
        response: { 200: s.myOutages },
      },
    },
    async (req) => myOutages(db, subscriberAccountId(req)),
  );
};
