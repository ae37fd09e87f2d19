import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff } from '../../plugins/auth.js';
import { EVERY_REGION, FILTERED, regionScope } from '../../policy/region-scope.js';
import { fileResponse } from '../shared.schemas.js';
import { agentsReport } from './agents-report.js';
import { chargesReport } from './charges-report.js';
import { debtorsReport } from './debtors-report.js';
import { exportOneC } from './export-onec.js';
import { exportReport } from './export-report.js';
import { paymentsByChannel } from './payments-report.js';
import { promisedReport } from './promised-report.js';
import type { ReportScope } from './report-scope.js';
import * as s from './reports.schemas.js';
import { turnoverSheet } from './turnover-sheet.js';

const security = [{ bearer: [] }];

/**
 * The accountant's reports (docs/reports.md): finance and admins. Every report reads the replica
 * (`database.replica`, docs/scale.md) — they are read-only and may lag the primary by a moment.
 */
export const reportsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.replica;
  const scope = (req: FastifyRequest, regionId?: number): ReportScope => ({ regions: regionScope(req), regionId });
  const guard = requireStaff('finance');

  app.get(
    '/api/staff/reports/turnover',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'Turnover sheet: per account opening, charged, paid, other, closing; totals over every account',
        security,
        querystring: s.turnoverQuery,
        response: { 200: s.turnoverResponse },
      },
    },
    async (req) => turnoverSheet(db, { ...req.query, scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/charges',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'Charges by month × region × plan or add-on',
        security,
        querystring: s.periodQuery,
        response: { 200: s.chargesResponse },
      },
    },
    async (req) => chargesReport(db, { ...req.query, scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/payments',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'Payments credited by the ledger, by channel and region',
        security,
        querystring: s.periodQuery,
        response: { 200: s.paymentsReportResponse },
      },
    },
    async (req) => paymentsByChannel(db, { ...req.query, scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/agents',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reports'],
        summary: "Payment agents' totals and commissions",
        security,
        querystring: s.periodQuery,
        response: { 200: s.agentsReportResponse },
      },
    },
    async (req) => agentsReport(db, { ...req.query, scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/debtors',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'Debtors at the end of a day with the age of their debt',
        security,
        querystring: s.debtorsQuery,
        response: { 200: s.debtorsResponse },
      },
    },
    async (req) => debtorsReport(db, { ...req.query, scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/promised',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'Promised payments outstanding',
        security,
        querystring: s.promisedQuery,
        response: { 200: s.promisedResponse },
      },
    },
    async (req) => promisedReport(db, { scope: scope(req, req.query.regionId) }),
  );
  app.get(
    '/api/staff/reports/:report/export',
    {
      preValidation: guard,
      config: { region: FILTERED },
      schema: {
        tags: ['reports'],
        summary: 'A report as CSV (UTF-8, ;) or XLSX: every line and the totals',
        security,
        params: s.exportParams,
        querystring: s.exportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: fileResponse },
      },
    },
    async (req, reply) => {
      const file = await exportReport(db, {
        ...req.query,
        report: req.params.report,
        scope: scope(req, req.query.regionId),
        lang: req.lang,
      });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );
  app.get(
    '/api/staff/reports/onec',
    {
      preValidation: guard,
      config: { region: EVERY_REGION },
      schema: {
        tags: ['reports'],
        summary: 'Services rendered and payments received of a period as an EnterpriseData 1.17 file for 1C',
        security,
        querystring: s.periodQuery,
        produces: ['application/xml'],
        response: { 200: fileResponse },
      },
    },
    async (req, reply) => {
      const r = await exportOneC(db, deps.config, { ...req.query, scope: scope(req, req.query.regionId) });
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="abonent-1c-${req.query.from}-${req.query.to}.xml"`)
        .send(r.xml);
    },
  );
};
