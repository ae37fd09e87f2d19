import { z } from 'zod';

import { SUPPORT_LIMITS, TICKET_STATUS_LIST } from '../../../common/support.js';
import { component } from '../../plugins/openapi.js';
import { outageState } from '../outages/outages.schemas.js';
import { staffRole } from '../shared.schemas.js';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const smallId = z.coerce.number().int().positive().max(2_147_483_647);
export const ticketParams = z.object({ id });
export const attachmentParams = z.object({ id });
export const itemParams = z.object({ id: smallId });

const attachmentIds = z
  .array(id)
  .max(SUPPORT_LIMITS.attachmentsPerMessage)
  .default([])
  .describe(`ids from POST …/attachments, at most ${SUPPORT_LIMITS.attachmentsPerMessage}`);
const text = z.string().max(SUPPORT_LIMITS.messageChars);

export const status = component('TicketStatus', z.enum(TICKET_STATUS_LIST));
export const attachment = component(
  'SupportAttachment',
  z.object({ id: z.number(), fileName: z.string(), mime: z.string(), size: z.number() }),
);
const names = z.object({ nameRu: z.string(), nameEn: z.string() });

export const waitEstimate = component(
  'SupportWaitEstimate',
  z.object({
    ahead: z.number().describe('tickets of this region and category waiting for a first answer ahead'),
    medianMinutes: z.number().nullable().describe('recent median minutes to a first answer; null: no history'),
    basis: z.enum(['category', 'region', 'none']),
    staffActive: z.number(),
    minutes: z.number().nullable().describe('expected wait for the first answer; null: no history, see slaMinutes'),
    slaMinutes: z.number().describe("the category's target for the first answer"),
  }),
);

export const category = z.object({
  id: z.number(),
  code: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  isClaim: z.boolean(),
  firstResponseMinutes: z.number(),
});
export const categoriesResponse = z.object({
  categories: z.array(category),
  hotline: z.string().describe('the region support phone, shown beside the expected wait'),
  supportEmail: z.string(),
});
export const waitQuery = z.object({ categoryId: smallId });
export const waitResponse = waitEstimate.extend({ hotline: z.string() });

export const createTicketBody = z.object({
  categoryId: smallId,
  subject: z.string().max(SUPPORT_LIMITS.subjectChars).default(''),
  text,
  attachmentIds,
});
export const messageBody = z.object({ text: text.default(''), attachmentIds });

const summary = component(
  'SupportTicketSummary',
  z.object({
    id: z.number(),
    subject: z.string(),
    status,
    categoryId: z.number(),
    claimNumber: z.string().nullable(),
    claimDueOn: z.string().nullable(),
    createdAt: z.string(),
    firstResponseAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    lastMessageAt: z.string(),
  }),
);

export const myTicketsQuery = z.object({
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const myTicketsResponse = z.object({
  tickets: z.array(summary.extend({ category: names, unread: z.number() })),
  unread: z.number(),
});

/** What a subscriber sees of a message: never staff notes, never staff names. */
const myMessage = z.object({
  id: z.number(),
  author: component('SupportMessageAuthor', z.enum(['subscriber', 'staff'])),
  body: z.string(),
  createdAt: z.string(),
  attachments: z.array(attachment),
});
export const myTicket = summary.extend({
  category: names.extend({ isClaim: z.boolean() }),
  canReopen: z.boolean(),
  hotline: z.string(),
  expectedWait: waitEstimate.nullable().describe('while the first answer has not come'),
  messages: z.array(myMessage),
});
export const myStatusBody = z.object({ action: z.enum(['close', 'reopen']) });
export const unreadResponse = z.object({ unread: z.number() });

// Staff

export const queueQuery = z.object({
  regionId: smallId.optional(),
  categoryId: smallId.optional(),
  status: z.enum([...TICKET_STATUS_LIST, 'open', 'all']).default('open'),
  breach: z
    .enum(['1', '0', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  assignee: z
    .union([z.enum(['me', 'none']), smallId])
    .optional()
    .describe("'me', 'none' or a staff id"),
  q: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
const sla = {
  firstResponseDueAt: z.string(),
  resolutionDueAt: z.string(),
  firstResponseBreached: z.boolean(),
  resolutionBreached: z.boolean(),
};
const staffRef = z.object({ id: z.number(), fullName: z.string() });
export const queueResponse = z.object({
  tickets: z.array(
    z.object({
      id: z.number(),
      subject: z.string(),
      status,
      claimNumber: z.string().nullable(),
      claimDueOn: z.string().nullable(),
      accountId: z.number(),
      account: z.string(),
      subscriberName: z.string(),
      category: names,
      region: names,
      assignee: staffRef.nullable(),
      unread: z.number(),
      createdAt: z.string(),
      firstResponseAt: z.string().nullable(),
      lastMessageAt: z.string(),
      outageId: z.number().nullable().describe('written during this outage of the area (docs/outages.md)'),
      ...sla,
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export const staffTicket = summary.extend({
  ...sla,
  claimAnsweredAt: z.string().nullable(),
  reopenCount: z.number(),
  category: names.extend({
    id: z.number(),
    isClaim: z.boolean(),
    firstResponseMinutes: z.number(),
    resolutionHours: z.number(),
  }),
  region: names.extend({ id: z.number() }),
  assignee: staffRef.nullable(),
  outage: z
    .object({
      id: z.number(),
      title: z.string(),
      state: outageState,
      startsAt: z.string(),
      expectedEndAt: z.string(),
      endedAt: z.string().nullable(),
    })
    .nullable()
    .describe('the outage the subscriber was in when writing (docs/outages.md)'),
  subscriber: z.object({
    accountId: z.number(),
    account: z.string(),
    contract: z.string(),
    fullName: z.string(),
    phone: z.string(),
    email: z.string().nullable(),
  }),
  recentTickets: z.array(summary),
  cannedReplies: z.array(z.object({ id: z.number(), title: z.string(), body: z.string() })),
  messages: z.array(
    myMessage.extend({ internal: z.boolean(), staffName: z.string().nullable().describe('staff messages') }),
  ),
});
export const staffMessageBody = z.object({
  text: text.default(''),
  attachmentIds,
  internal: z.boolean().default(false).describe('a note for staff: the subscriber never sees it'),
  status: z.enum(['in_progress', 'waiting', 'closed']).optional().describe('status to set with an answer'),
});
export const staffStatusBody = z.object({ status: z.enum(['in_progress', 'waiting', 'closed']) });
export const assignBody = z.object({ assigneeId: smallId.nullable().describe('null: nobody') });
export const claimAnswerBody = z.object({
  answer: z.string().min(1).max(SUPPORT_LIMITS.messageChars),
  close: z.boolean().default(false),
});
export const ticketRef = z.object({ id: z.number(), status, assigneeId: z.number().nullable() });
export const accountTicketsParams = z.object({ accountId: id });
export const accountTicketsResponse = z.object({
  tickets: z.array(summary.extend({ category: names })),
});
export const supportStaffResponse = z.object({ staff: z.array(staffRef.extend({ role: staffRole })) });

// Admin

export const adminCategory = category.extend({
  regionId: z.number().nullable(),
  resolutionHours: z.number(),
  sortOrder: z.number(),
  active: z.boolean(),
});
export const categoryBody = z.object({
  regionId: smallId.nullable().describe('null: every region'),
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,39}$/)
    .describe('stable code, a-z 0-9 _'),
  nameRu: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  firstResponseMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 30),
  resolutionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90),
  isClaim: z.boolean().default(false),
  sortOrder: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
});
export const cannedReply = z.object({
  id: z.number(),
  regionId: z.number().nullable(),
  title: z.string(),
  body: z.string(),
  active: z.boolean(),
});
export const cannedBody = z.object({
  regionId: smallId.nullable().describe('null: every region'),
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(SUPPORT_LIMITS.messageChars),
  active: z.boolean().default(true),
});
export const reportQuery = z.object({
  from: z.string().max(10).describe('YYYY-MM-DD'),
  to: z.string().max(10).describe('YYYY-MM-DD'),
  regionId: smallId.optional(),
});
const measures = {
  created: z.number(),
  answered: z.number(),
  medianFirstResponseMinutes: z.number().nullable(),
  firstResponseBreaches: z.number(),
  resolutionBreaches: z.number(),
};
export const reportResponse = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      day: z.string(),
      regionId: z.number(),
      regionRu: z.string(),
      regionEn: z.string(),
      categoryId: z.number(),
      categoryRu: z.string(),
      categoryEn: z.string(),
      ...measures,
    }),
  ),
  byCategory: z.array(
    z.object({ categoryId: z.number(), categoryRu: z.string(), categoryEn: z.string(), ...measures }),
  ),
  total: z.object({ ...measures, claimsOverdue: z.number() }),
});
export const fileResponse = z.any().describe('the file');
export const adminCategoriesResponse = z.object({ categories: z.array(adminCategory) });
export const cannedListResponse = z.object({ replies: z.array(cannedReply) });
export const csvResponse = z.string();
