import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { AppError } from '../../../common/errors.js';
import { accounts, regions } from '../../db/schema/index.js';
import type { AppDeps } from '../../deps.js';
import { requireSubscriber, subscriberAccountId } from '../../plugins/auth.js';
import { addMessage } from './add-message.js';
import { changeStatus } from './change-status.js';
import { createTicket } from './create-ticket.js';
import { estimateWait } from './estimate-wait.js';
import { findRegionCategory, listRegionCategories } from './list-categories.js';
import { listMyTickets, myUnread } from './list-my-tickets.js';
import { readAttachment } from './read-attachment.js';
import { receiveUpload } from './receive-upload.js';
import { showMyTicket } from './show-my-ticket.js';
import { storeAttachment } from './store-attachment.js';
import * as s from './support.schemas.js';
import { security, type SupportContext } from './support-context.js';
import { admitUpload } from './upload-limits.js';

export type App = Parameters<FastifyPluginAsyncZod<AppDeps>>[0];
const tags = ['support'];

/** The subscriber's side: always their own account (from the session), never an id from the URL. */
export function registerSubscriberRoutes(app: App, ctx: SupportContext) {
  const db = ctx.deps.database.db;
  const myRegion = async (accountId: number) => {
    const [r] = await db
      .select({ id: regions.id, phone: regions.supportPhone, email: regions.supportEmail })
      .from(accounts)
      .innerJoin(regions, eq(regions.id, accounts.regionId))
      .where(eq(accounts.id, accountId));
    if (!r) throw new AppError('unauthorized');
    return r;
  };

  app.get(
    '/api/me/support/categories',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: "My region's ticket topics, the hotline and the support e-mail",
        security,
        response: { 200: s.categoriesResponse },
      },
    },
    async (req) => {
      const region = await myRegion(subscriberAccountId(req));
      const list = await listRegionCategories(db, region.id);
      return {
        categories: list.map((c) => ({
          id: c.id,
          code: c.code,
          nameRu: c.nameRu,
          nameEn: c.nameEn,
          isClaim: c.isClaim,
          firstResponseMinutes: c.firstResponseMinutes,
        })),
        hotline: region.phone,
        supportEmail: region.email,
      };
    },
  );

  app.get(
    '/api/me/support/expected-wait',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Expected wait for a first answer in a topic, from the live queue (before writing)',
        security,
        querystring: s.waitQuery,
        response: { 200: s.waitResponse },
      },
    },
    async (req) => {
      const region = await myRegion(subscriberAccountId(req));
      const category = await findRegionCategory(db, region.id, req.query.categoryId);
      if (!category) throw new AppError('support_category_not_found');
      const wait = await estimateWait(db, {
        regionId: region.id,
        categoryId: category.id,
        slaMinutes: category.firstResponseMinutes,
      });
      return { ...wait, hotline: region.phone };
    },
  );

  app.get(
    '/api/me/support/tickets',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'My tickets, newest first, with unread answers',
        security,
        querystring: s.myTicketsQuery,
        response: { 200: s.myTicketsResponse },
      },
    },
    async (req) => listMyTickets(db, { accountId: subscriberAccountId(req), ...req.query }),
  );

  app.get(
    '/api/me/support/unread',
    {
      preValidation: requireSubscriber(),
      schema: { tags, summary: 'Answers from support not opened yet', security, response: { 200: s.unreadResponse } },
    },
    async (req) => ({ unread: await myUnread(db, subscriberAccountId(req)) }),
  );

  app.post(
    '/api/me/support/tickets',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Write to support: topic, text, files uploaded before',
        security,
        body: s.createTicketBody,
        response: { 200: s.myTicket },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      const t = await createTicket(db, { accountId, ...req.body });
      return showMyTicket(db, { accountId, ticketId: t.id });
    },
  );

  app.get(
    '/api/me/support/tickets/:id',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'One of my tickets with its thread and, until answered, the expected wait; marks answers read',
        security,
        params: s.ticketParams,
        response: { 200: s.myTicket },
      },
    },
    async (req) => showMyTicket(db, { accountId: subscriberAccountId(req), ticketId: req.params.id }),
  );

  app.post(
    '/api/me/support/tickets/:id/messages',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Write in my ticket',
        security,
        params: s.ticketParams,
        body: s.messageBody,
        response: { 200: s.myTicket },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      await addMessage(db, ctx.deps.config, {
        ticketId: req.params.id,
        author: { type: 'subscriber', accountId },
        ...req.body,
      });
      return showMyTicket(db, { accountId, ticketId: req.params.id });
    },
  );

  app.post(
    '/api/me/support/tickets/:id/status',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'Close my ticket, or reopen it within 30 days of closing',
        security,
        params: s.ticketParams,
        body: s.myStatusBody,
        response: { 200: s.myTicket },
      },
    },
    async (req) => {
      const accountId = subscriberAccountId(req);
      await changeStatus(db, {
        ticketId: req.params.id,
        to: req.body.action === 'close' ? 'closed' : 'in_progress',
        by: { type: 'subscriber', accountId },
      });
      return showMyTicket(db, { accountId, ticketId: req.params.id });
    },
  );

  app.post(
    '/api/me/support/attachments',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary:
          'Upload one file (multipart/form-data, field "file"): JPEG, PNG, WebP or PDF by content, up to 10 MB; send its id with a message. 30 uploads in 10 minutes, 100 MB a day',
        security,
        consumes: ['multipart/form-data'],
        response: { 200: s.attachment },
      },
    },
    async (req) => {
      const owner = { accountId: subscriberAccountId(req) };
      await admitUpload(db, ctx.files, owner);
      const upload = await receiveUpload(req);
      return storeAttachment(db, ctx.files, { owner, ...upload });
    },
  );

  app.get(
    '/api/me/support/attachments/:id',
    {
      preValidation: requireSubscriber(),
      schema: {
        tags,
        summary: 'A file of my tickets (never of a staff note)',
        security,
        params: s.attachmentParams,
        produces: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
        response: { 200: s.fileResponse },
      },
    },
    async (req, reply) =>
      ctx.sendFile(reply, await readAttachment(db, { id: req.params.id, as: { accountId: subscriberAccountId(req) } })),
  );
}
