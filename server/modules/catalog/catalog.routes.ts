import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import {
  createRegion,
  createService,
  createTariff,
  getRegion,
  listAvailableTariffs,
  listRegions,
  listServices,
  listTariffs,
  updateRegion,
  updateService,
  updateTariff,
} from './catalog.js';
import * as s from './catalog.schemas.js';

const staff = [{ bearer: [] }];

export const catalogRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const actor = (req: Parameters<typeof staffPrincipal>[0]) => ({ staffId: staffPrincipal(req).staffId, ip: req.ip });

  // Public: the region picker (sign-in, recovery) and the tariff catalogue.
  app.get(
    '/api/public/regions',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Regions with support contacts',
        response: { 200: s.regionsResponse },
      },
    },
    async () => ({ regions: await listRegions(db) }),
  );
  app.get(
    '/api/public/regions/:id/tariffs',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Tariff plans available in a region today',
        params: s.regionIdParams,
        response: { 200: s.tariffsResponse },
      },
    },
    async (req) => ({ tariffs: await listAvailableTariffs(db, req.params.id) }),
  );

  // Staff: every role reads the catalogue; only admins change it.
  app.get(
    '/api/staff/regions',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['catalog'],
        summary: 'Regions (staff)',
        security: staff,
        response: { 200: s.regionsWithSettingsResponse },
      },
    },
    async (req) => ({ regions: await listRegions(db, regionScope(req)) }),
  );
  app.post(
    '/api/staff/regions',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Create a region (name, time zone, support contacts, contract number prefix, rules)',
        security: staff,
        body: s.regionCreate,
        response: { 201: s.regionWithSettings },
      },
    },
    async (req, reply) => reply.code(201).send(await createRegion(db, actor(req), req.body)),
  );
  app.patch(
    '/api/staff/regions/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Update a region: names, time zone (while it has no contracts), support contacts, rules',
        security: staff,
        params: s.regionIdParams,
        body: s.regionPatch,
        response: { 200: s.regionWithSettings },
      },
    },
    async (req) => updateRegion(db, actor(req), req.params.id, req.body),
  );
  app.get(
    '/api/staff/regions/:id',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: regionOf('region', 'id') },
      schema: {
        tags: ['catalog'],
        summary: 'One region',
        security: staff,
        params: s.regionIdParams,
        response: { 200: s.regionWithSettings },
      },
    },
    async (req) => getRegion(db, req.params.id),
  );

  app.get(
    '/api/staff/tariffs',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['catalog'],
        summary: 'Tariff plans, archived included',
        security: staff,
        querystring: s.regionQuery,
        response: { 200: s.tariffsResponse },
      },
    },
    async (req) => ({ tariffs: await listTariffs(db, req.query.regionId, regionScope(req)) }),
  );
  app.post(
    '/api/staff/tariffs',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Create a tariff plan',
        security: staff,
        body: s.tariffCreate,
        response: { 201: s.tariff },
      },
    },
    async (req, reply) => reply.status(201).send(await createTariff(db, actor(req), req.body)),
  );
  app.patch(
    '/api/staff/tariffs/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Update or archive a tariff plan (a fee change applies to new subscriptions)',
        security: staff,
        params: s.idParams,
        body: s.tariffPatch,
        response: { 200: s.tariff },
      },
    },
    async (req) => s.tariff.parse(await updateTariff(db, actor(req), req.params.id, req.body)),
  );

  app.get(
    '/api/staff/services',
    {
      preValidation: requireStaff('operator', 'support', 'finance'),
      config: { region: FILTERED },
      schema: {
        tags: ['catalog'],
        summary: 'Add-on services',
        security: staff,
        querystring: s.regionQuery,
        response: { 200: s.servicesResponse },
      },
    },
    async (req) => ({ services: await listServices(db, req.query.regionId, regionScope(req)) }),
  );
  app.post(
    '/api/staff/services',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Create an add-on service',
        security: staff,
        body: s.serviceCreate,
        response: { 201: s.service },
      },
    },
    async (req, reply) => reply.status(201).send(await createService(db, actor(req), req.body)),
  );
  app.patch(
    '/api/staff/services/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags: ['catalog'],
        summary: 'Update or archive an add-on service',
        security: staff,
        params: s.idParams,
        body: s.servicePatch,
        response: { 200: s.service },
      },
    },
    async (req) => s.service.parse(await updateService(db, actor(req), req.params.id, req.body)),
  );
};
