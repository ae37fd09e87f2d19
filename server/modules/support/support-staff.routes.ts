import { and, eq, inArray } from 'drizzle-orm';

import { staffUsers, type supportTickets } from '../../db/schema/index.js';
import { requireStaff, staffPrincipal } from '../../plugins/auth.js';
import { FILTERED, noRegionData, regionOf, regionScope } from '../../policy/region-scope.js';
import { addMessage } from './add-message.js';
import { answerClaim } from './answer-claim.js';
import { assignTicket, SUPPORT_ROLES } from './assign-ticket.js';
import { changeStatus } from './change-status.js';
import { listAccountTickets } from './list-account-tickets.js';
import { listQueue } from './list-queue.js';
import { readAttachment } from './read-attachment.js';
import { receiveUpload } from './receive-upload.js';
import { showStaffTicket } from './show-staff-ticket.js';
import { storeAttachment } from './store-attachment.js';
import * as s from './support.schemas.js';
import { security, type SupportContext } from './support-context.js';
import type { App } from './support-subscriber.routes.js';
import { admitUpload } from './upload-limits.js';

const tags = ['support (staff)'];
/** Support and admin staff handle tickets; operators and finance do not (docs/support.md, Roles). */
const handlers = requireStaff('support');
/** Routes on one ticket: only for staff of its region. */
const ofTicket = regionOf('ticket', 'id');

export function registerStaffRoutes(app: App, ctx: SupportContext) {
  const db = ctx.deps.database.db;
  const ref = (t: typeof supportTickets.$inferSelect) => ({ id: t.id, status: t.status, assigneeId: t.assigneeId });

  app.get(
    '/api/staff/support/tickets',
    {
      preValidation: handlers,
      config: { region: FILTERED },
      schema: {
        tags,
        summary: 'The queue: filters by region, topic, status, SLA breach, assignee; most urgent first',
        security,
        querystring: s.queueQuery,
        response: { 200: s.queueResponse },
      },
    },
    async (req) => listQueue(db, { ...req.query, staffId: staffPrincipal(req).staffId, regions: regionScope(req) }),
  );

  app.get(
    '/api/staff/support/tickets/:id',
    {
      preValidation: handlers,
      config: { region: ofTicket },
      schema: {
        tags,
        summary: 'A ticket with notes, SLA, the subscriber and their recent tickets, ready answers',
        security,
        params: s.ticketParams,
        response: { 200: s.staffTicket },
      },
    },
    async (req) => showStaffTicket(db, req.params.id),
  );

  app.post(
    '/api/staff/support/tickets/:id/messages',
    {
      preValidation: handlers,
      config: { region: ofTicket },
      schema: {
        tags,
        summary: 'Answer the subscriber (optionally setting the status) or add an internal note; audited',
        security,
        params: s.ticketParams,
        body: s.staffMessageBody,
        response: { 200: s.ticketRef },
      },
    },
    async (req) => {
      const { ticket } = await addMessage(db, ctx.deps.config, {
        ticketId: req.params.id,
        author: {
          type: 'staff',
          staffId: staffPrincipal(req).staffId,
          internal: req.body.internal,
          setStatus: req.body.internal ? undefined : req.body.status,
          ip: req.ip,
        },
        text: req.body.text,
        attachmentIds: req.body.attachmentIds,
      });
      return ref(ticket);
    },
  );

  app.post(
    '/api/staff/support/tickets/:id/status',
    {
      preValidation: handlers,
      config: { region: ofTicket },
      schema: {
        tags,
        summary: 'Set the status: in progress, waiting for subscriber, closed; audited',
        security,
        params: s.ticketParams,
        body: s.staffStatusBody,
        response: { 200: s.ticketRef },
      },
    },
    async (req) =>
      ref(
        await changeStatus(db, {
          ticketId: req.params.id,
          to: req.body.status,
          by: { type: 'staff', staffId: staffPrincipal(req).staffId, ip: req.ip },
        }),
      ),
  );

  app.post(
    '/api/staff/support/tickets/:id/assign',
    {
      preValidation: handlers,
      config: { region: ofTicket },
      schema: {
        tags,
        summary: 'Assign to a support staff member (yourself to take it) or to nobody; audited',
        security,
        params: s.ticketParams,
        body: s.assignBody,
        response: { 200: s.ticketRef },
      },
    },
    async (req) =>
      ref(
        await assignTicket(db, {
          ticketId: req.params.id,
          assigneeId: req.body.assigneeId,
          staffId: staffPrincipal(req).staffId,
          ip: req.ip,
        }),
      ),
  );

  app.post(
    '/api/staff/support/tickets/:id/claim-answer',
    {
      preValidation: handlers,
      config: { region: ofTicket },
      schema: {
        tags,
        summary: 'Answer a formal claim: a PDF with the decision is attached in the thread; audited',
        security,
        params: s.ticketParams,
        body: s.claimAnswerBody,
        response: { 200: s.ticketRef },
      },
    },
    async (req) => {
      const { ticket } = await answerClaim(
        db,
        { config: ctx.deps.config, files: ctx.files },
        { ticketId: req.params.id, ...req.body, staffId: staffPrincipal(req).staffId, ip: req.ip },
      );
      return ref(ticket);
    },
  );

  app.get(
    '/api/staff/support/staff',
    {
      preValidation: handlers,
      config: { region: noRegionData('names of the colleagues a ticket can be assigned to') },
      schema: {
        tags,
        summary: 'Staff who can be assigned tickets',
        security,
        response: { 200: s.supportStaffResponse },
      },
    },
    async () => ({
      staff: await db
        .select({ id: staffUsers.id, fullName: staffUsers.fullName, role: staffUsers.role })
        .from(staffUsers)
        .where(and(eq(staffUsers.active, true), inArray(staffUsers.role, [...SUPPORT_ROLES])))
        .orderBy(staffUsers.fullName),
    }),
  );

  app.get(
    '/api/staff/accounts/:accountId/support-tickets',
    {
      preValidation: handlers,
      config: { region: regionOf('account', 'accountId') },
      schema: {
        tags,
        summary: "A subscriber's recent tickets (for the subscriber card)",
        security,
        params: s.accountTicketsParams,
        response: { 200: s.accountTicketsResponse },
      },
    },
    async (req) => ({ tickets: await listAccountTickets(db, req.params.accountId) }),
  );

  app.post(
    '/api/staff/support/attachments',
    {
      preValidation: handlers,
      config: { region: noRegionData('the caller uploads a file of their own, in no ticket yet') },
      schema: {
        tags,
        summary: 'Upload one file for an answer (multipart/form-data, field "file"), as for subscribers',
        security,
        consumes: ['multipart/form-data'],
        response: { 200: s.attachment },
      },
    },
    async (req) => {
      const owner = { staffId: staffPrincipal(req).staffId };
      await admitUpload(db, ctx.files, owner);
      const upload = await receiveUpload(req);
      return storeAttachment(db, ctx.files, { owner, ...upload });
    },
  );

  app.get(
    '/api/staff/support/attachments/:id',
    {
      preValidation: handlers,
      config: { region: regionOf('attachment', 'id') },
      schema: {
        tags,
        summary: 'A file of any ticket',
        security,
        params: s.attachmentParams,
        produces: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
        response: { 200: s.fileResponse },
      },
    },
    async (req, reply) =>
      ctx.sendFile(
        reply,
        await readAttachment(db, { id: req.params.id, as: { staffId: staffPrincipal(req).staffId } }),
      ),
  );
}
