import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import * as s from './bulk.schemas.js';
import { createBulk } from './create-bulk.js';
import { previewBulk } from './preview-bulk.js';
import { bulkReportCsv } from './report-csv.js';
import { stopBulk } from './stop-bulk.js';
import { listBulk, listBulkItems, showBulk } from './view-bulk.js';

const security = [{ bearer: [] }];
const tags = ['bulk'];
/** Who works with bulk operations; which kinds each role may run is checked by the use-cases (check-action.ts). */
const RUNNERS = requireStaff('operator', 'finance');
const READERS = requireStaff('operator', 'finance', 'support');

/** Bulk operations over many subscribers (docs/bulk.md): preview, create, watch, stop, report. */
export const bulkRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.post(
    '/api/staff/bulk/preview',
    {
      config: { region: FILTERED },
      preValidation: RUNNERS,
      schema: {
        tags,
        summary: 'What an operation would do: subscribers selected, changed, not changed by reason, money',
        security,
        body: s.previewBody,
        response: { 200: s.previewResponse },
      },
    },
    async (req) =>
      previewBulk(db, {
        ...req.body,
        scope: regionScope(req),
        role: staffPrincipal(req).role,
        lang: req.lang,
      }),
  );

  app.post(
    '/api/staff/bulk',
    {
      config: { region: FILTERED },
      preValidation: RUNNERS,
      schema: {
        tags,
        summary: 'Create and queue an operation (idempotent by key; refused when the preview changed)',
        security,
        body: s.createBody,
        response: { 200: s.operationDetail },
      },
    },
    async (req) => {
      const staff = staffPrincipal(req);
      const scope = regionScope(req);
      const { id } = await createBulk(db, { ...req.body, scope, staffId: staff.staffId, role: staff.role, ip: req.ip });
      return showBulk(db, { id, scope, lang: req.lang });
    },
  );

  app.get(
    '/api/staff/bulk',
    {
      config: { region: FILTERED },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'Operations, newest first',
        security,
        querystring: s.operationsQuery,
        response: { 200: s.operationsList },
      },
    },
    async (req) => listBulk(db, { ...req.query, scope: regionScope(req) }),
  );

  app.get(
    '/api/staff/bulk/:id',
    {
      config: { region: regionOf('bulk', 'id') },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'An operation: progress, counts, money moved, not-done accounts by reason',
        security,
        params: s.operationParams,
        response: { 200: s.operationDetail },
      },
    },
    async (req) => showBulk(db, { id: req.params.id, scope: regionScope(req), lang: req.lang }),
  );

  app.get(
    '/api/staff/bulk/:id/items',
    {
      config: { region: regionOf('bulk', 'id') },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'The accounts of an operation with their results (failed first)',
        security,
        params: s.operationParams,
        querystring: s.itemsQuery,
        response: { 200: s.itemsList },
      },
    },
    async (req) => listBulkItems(db, { id: req.params.id, ...req.query, scope: regionScope(req), lang: req.lang }),
  );

  app.get(
    '/api/staff/bulk/:id/report.csv',
    {
      config: { region: regionOf('bulk', 'id') },
      preValidation: READERS,
      schema: {
        tags,
        summary: 'The report of an operation as CSV (a line per account, then the totals)',
        security,
        params: s.operationParams,
        querystring: s.csvQuery,
        produces: ['text/csv'],
        response: { 200: s.csvResponse },
      },
    },
    async (req, reply) => {
      const csv = await bulkReportCsv(db, { id: req.params.id, scope: regionScope(req), lang: req.query.lang });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="bulk-${req.params.id}.csv"`)
        .send(csv);
    },
  );

  app.post(
    '/api/staff/bulk/:id/stop',
    {
      config: { region: regionOf('bulk', 'id') },
      preValidation: RUNNERS,
      schema: {
        tags,
        summary: 'Stop an operation: before the next batch (one not started stops at once)',
        security,
        params: s.operationParams,
        response: { 200: s.operationDetail },
      },
    },
    async (req) => {
      const scope = regionScope(req);
      await stopBulk(db, { id: req.params.id, scope, staffId: staffPrincipal(req).staffId, ip: req.ip });
      return showBulk(db, { id: req.params.id, scope, lang: req.lang });
    },
  );
};
