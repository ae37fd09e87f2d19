import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import type { AppDeps } from '../../deps.js';
import { requireStaff, requireSubscriber, staffPrincipal, subscriberAccountId } from '../../plugins/auth.js';
import { FILTERED, regionOf, regionScope } from '../../policy/region-scope.js';
import { statementResponse } from '../cabinet/cabinet.schemas.js';
import { getStatement } from '../cabinet/get-statement.js';
import { visitDaySettlement } from './forecast-settlement.js';
import { createOffice, listOffices, updateOffice } from './offices.js';
import { previewTermination } from './preview-termination.js';
import { terminateContract } from './terminate-contract.js';
import * as s from './termination.schemas.js';
import { bookVisit, closeVisit, terminationInfo, visitQueue } from './visits.js';

const security = [{ bearer: [] }];
const tags = ['termination'];

/** Contract termination: the cabinet's office visit booking, the staff visit queue and completion, offices. */
export const terminationRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const db = deps.database.db;
  const operator = { preValidation: requireStaff('operator') };
  const reader = { preValidation: requireStaff('operator', 'support', 'finance') };
  /** Staff routes on one subscriber (`/api/staff/accounts/:id/…`): only for staff of its region. */
  const ofAccount = regionOf('account', 'id');

  app.get(
    '/api/me/termination',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'How to terminate: offices and my booked visit',
        security,
        response: { 200: s.infoResponse },
      },
    },
    async (req) => terminationInfo(db, subscriberAccountId(req)),
  );
  app.get(
    '/api/me/termination/settlement',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'The expected final settlement on a visit day: refund or debt, and what it depends on',
        description:
          'Computed by running the daily runs up to that day and the termination’s own settlement for this account, then rolling it back: what the office will do if nothing is paid before.',
        security,
        querystring: s.settlementQuery,
        response: { 200: s.settlementResponse },
      },
    },
    async (req) => visitDaySettlement(db, { accountId: subscriberAccountId(req), day: req.query.date }),
  );
  app.post(
    '/api/me/termination/visit',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Book a visit to an office to terminate the contract',
        security,
        body: s.bookBody,
        response: { 200: s.bookResponse },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      return bookVisit(db, { accountId, ...req.body, actor: { type: 'subscriber', accountId, ip: req.ip } });
    },
  );
  app.delete(
    '/api/me/termination/visit',
    {
      preValidation: requireSubscriber(),
      schema: { tags, summary: 'Cancel my booked visit', security, response: { 200: s.visitStatusResponse } },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      return closeVisit(db, { accountId, status: 'cancelled', actor: { type: 'subscriber', accountId, ip: req.ip } });
    },
  );

  // ── Staff ──
  app.get(
    '/api/staff/termination-visits',
    {
      ...reader,
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'Booked termination visits, soonest first',
        security,
        querystring: s.queueQuery,
        response: { 200: s.queueResponse },
      },
    },
    async (req) => ({ visits: await visitQueue(db, { ...req.query, regions: regionScope(req) }) }),
  );
  app.post(
    '/api/staff/termination-visits/:id/close',
    {
      ...operator,
      config: { region: regionOf('visit', 'id') },
      schema: {
        tags,
        summary: 'Mark a visit cancelled or missed',
        security,
        params: s.idParams,
        body: s.closeVisitBody,
        response: { 200: s.visitStatusResponse },
      },
    },
    async (req) =>
      closeVisit(db, {
        visitId: req.params.id,
        status: req.body.status,
        actor: { type: 'staff', staffId: staffPrincipal(req).staffId, ip: req.ip },
      }),
  );
  app.get(
    '/api/staff/accounts/:id/termination',
    {
      ...reader,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'What terminating today would do',
        security,
        params: s.idParams,
        response: { 200: s.previewResponse },
      },
    },
    async (req) => previewTermination(db, req.params.id),
  );
  app.post(
    '/api/staff/accounts/:id/termination',
    {
      preValidation: requireStaff('operator', 'finance'),
      config: { region: ofAccount },
      schema: {
        tags,
        summary: 'Terminate the contract: final settlement to the day, refund of the remainder, access ended',
        security,
        params: s.idParams,
        body: s.terminateBody,
        response: { 200: s.terminateResponse },
      },
    },
    async (req) =>
      terminateContract(db, deps, {
        accountId: req.params.id,
        refund: req.body.refund,
        staffId: staffPrincipal(req).staffId,
        ip: req.ip,
      }),
  );
  app.get(
    '/api/staff/accounts/:id/statement',
    {
      ...reader,
      config: { region: ofAccount },
      schema: {
        tags,
        summary: "A subscriber's statement (also after termination)",
        security,
        params: s.idParams,
        querystring: s.staffStatementQuery,
        response: { 200: statementResponse },
      },
    },
    async (req) => getStatement(db, req.params.id, { ...req.query, lang: req.lang }),
  );

  // ── Admin: offices ──
  app.get(
    '/api/staff/offices',
    {
      ...reader,
      config: { region: FILTERED },
      schema: {
        tags,
        summary: "A region's offices",
        security,
        querystring: s.officesQuery,
        response: { 200: z.object({ offices: z.array(s.office) }) },
      },
    },
    async (req) => ({
      offices: await listOffices(db, req.query.regionId, { all: true, regions: regionScope(req) }),
    }),
  );
  app.post(
    '/api/staff/offices',
    {
      preValidation: requireStaff('admin'),
      schema: { tags, summary: 'Add an office', security, body: s.officeCreate, response: { 200: s.office } },
    },
    async (req) => createOffice(db, { staffId: staffPrincipal(req).staffId, ip: req.ip }, req.body),
  );
  app.patch(
    '/api/staff/offices/:id',
    {
      preValidation: requireStaff('admin'),
      schema: {
        tags,
        summary: 'Change or close an office',
        security,
        params: s.officeIdParams,
        body: s.officePatch,
        response: { 200: s.office },
      },
    },
    async (req) => updateOffice(db, { staffId: staffPrincipal(req).staffId, ip: req.ip }, req.params.id, req.body),
  );
};
