import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { noRegionData } from '../../policy/region-scope.js';
import { listCannedReplies, saveCannedReply } from './canned-replies.js';
import { listAllCategories } from './list-categories.js';
import { reportCsv } from './report-csv.js';
import { saveCategory } from './save-category.js';
import * as s from './support.schemas.js';
import { security, type SupportContext } from './support-context.js';
import { supportReport } from './support-report.js';
import type { App } from './support-subscriber.routes.js';

const tags = ['support (admin)'];
const admin = requireStaff('admin');
const toCategory = (c: Awaited<ReturnType<typeof listAllCategories>>[number]) => ({
  id: c.id,
  regionId: c.regionId,
  code: c.code,
  nameRu: c.nameRu,
  nameEn: c.nameEn,
  isClaim: c.isClaim,
  firstResponseMinutes: c.firstResponseMinutes,
  resolutionHours: c.resolutionHours,
  sortOrder: c.sortOrder,
  active: c.active,
});

/** Topics with SLA targets and ready answers (admin changes, support reads), reports (admin). */
export function registerAdminRoutes(app: App, ctx: SupportContext) {
  const db = ctx.deps.database.db;

  app.get(
    '/api/staff/support/categories',
    {
      preValidation: requireStaff('support'),
      config: { region: noRegionData('topics and their SLA targets are configuration') },
      schema: {
        tags,
        summary: 'Every topic (common and per region) with SLA targets',
        security,
        response: { 200: s.adminCategoriesResponse },
      },
    },
    async () => ({ categories: (await listAllCategories(db)).map(toCategory) }),
  );
  app.post(
    '/api/staff/support/categories',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Add a topic; audited',
        security,
        body: s.categoryBody,
        response: { 200: s.adminCategory },
      },
    },
    async (req) =>
      toCategory(await saveCategory(db, { input: req.body, staffId: staffPrincipal(req).staffId, ip: req.ip })),
  );
  app.put(
    '/api/staff/support/categories/:id',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Change a topic (names, SLA targets, claim, order, active); audited',
        security,
        params: s.itemParams,
        body: s.categoryBody,
        response: { 200: s.adminCategory },
      },
    },
    async (req) =>
      toCategory(
        await saveCategory(db, {
          id: req.params.id,
          input: req.body,
          staffId: staffPrincipal(req).staffId,
          ip: req.ip,
        }),
      ),
  );

  app.get(
    '/api/staff/support/canned-replies',
    {
      preValidation: requireStaff('support'),
      config: { region: noRegionData('ready answers are configuration') },
      schema: {
        tags,
        summary: 'Every ready answer, retired ones too',
        security,
        response: { 200: s.cannedListResponse },
      },
    },
    async () => ({
      replies: (await listCannedReplies(db, { all: true })).map((r) => ({
        id: r.id,
        regionId: r.regionId,
        title: r.title,
        body: r.body,
        active: r.active,
      })),
    }),
  );
  app.post(
    '/api/staff/support/canned-replies',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Add a ready answer; audited',
        security,
        body: s.cannedBody,
        response: { 200: s.cannedReply },
      },
    },
    async (req) => {
      const r = await saveCannedReply(db, { input: req.body, staffId: staffPrincipal(req).staffId, ip: req.ip });
      return { id: r.id, regionId: r.regionId, title: r.title, body: r.body, active: r.active };
    },
  );
  app.put(
    '/api/staff/support/canned-replies/:id',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Change or retire a ready answer; audited',
        security,
        params: s.itemParams,
        body: s.cannedBody,
        response: { 200: s.cannedReply },
      },
    },
    async (req) => {
      const r = await saveCannedReply(db, {
        id: req.params.id,
        input: req.body,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      });
      return { id: r.id, regionId: r.regionId, title: r.title, body: r.body, active: r.active };
    },
  );

  app.get(
    '/api/staff/support/report',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Tickets per day and topic, median first response, SLA breaches',
        security,
        querystring: s.reportQuery,
        response: { 200: s.reportResponse },
      },
    },
    async (req) => supportReport(db, req.query),
  );
  app.get(
    '/api/staff/support/report.csv',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'The report as CSV (UTF-8 with BOM, ";"; formula-like cells neutralised)',
        security,
        querystring: s.reportQuery,
        produces: ['text/csv'],
        response: { 200: s.csvResponse },
      },
    },
    async (req, reply) => {
      const report = await supportReport(db, req.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="support-${report.from}-${report.to}.csv"`)
        .header('x-content-type-options', 'nosniff')
        .send(reportCsv(report, req.lang));
    },
  );
}
