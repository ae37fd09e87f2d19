import { z } from 'zod';

import { HOUSES_MAX_ITEMS, parseHouses } from '../../../common/address-match.js';
import { COMPENSATION_MAX_DAYS } from '../../../common/outages.js';
import { BULK_ITEM_STATES, BULK_KINDS, BULK_STATES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { accountStatus, idNumber } from '../shared.schemas.js';

export const bulkKind = component(
  'BulkKind',
  z
    .enum(BULK_KINDS)
    .describe('tariff: change plan; message: send a message; compensation: credit N days of fee; block / unblock'),
);
export const bulkState = component(
  'BulkState',
  z.enum(BULK_STATES).describe('queued → running → done; stopping → stopped (a stop request); failed: gave up'),
);
export const bulkItemState = component(
  'BulkItemState',
  z.enum(BULK_ITEM_STATES).describe('pending: not done yet; done; skipped: nothing to do; failed: refused, see reason'),
);

const ids = (max: number) => z.array(idNumber).min(1).max(max);
const KOPECKS = 10_000_000_000;

/** Which subscribers: every condition given must hold (docs/bulk.md "Selection"). */
export const bulkFilter = component(
  'BulkFilter',
  z
    .object({
      statuses: z.array(accountStatus).min(1).max(4).describe('account statuses to include (terminated only if named)'),
      regionIds: ids(100).optional(),
      tariffIds: ids(200).optional().describe('accounts whose current plan is one of these'),
      balanceBelow: z
        .number()
        .int()
        .min(-KOPECKS)
        .max(KOPECKS)
        .optional()
        .describe('balance strictly below this many kopecks'),
      street: z
        .string()
        .trim()
        .min(2)
        .max(100)
        .optional()
        .describe('words of the street as written in addresses (case and ё ignored)'),
      houses: z
        .string()
        .trim()
        .max(1000)
        .optional()
        .describe(`houses on that street: "1, 3, 5-11, 12а" (up to ${HOUSES_MAX_ITEMS} items)`),
      nasIds: ids(100).optional().describe('accounts whose latest RADIUS session was on one of these NAS'),
      tagIds: ids(100).optional().describe('accounts with any of these tags'),
      outageId: idNumber.optional().describe('accounts an outage affects'),
    })
    .superRefine((f, ctx) => {
      if (f.houses && !f.street) ctx.addIssue({ code: 'custom', path: ['houses'], message: 'houses need a street' });
      if (f.houses && parseHouses(f.houses) === 'invalid')
        ctx.addIssue({ code: 'custom', path: ['houses'], message: 'houses: numbers and ranges, e.g. 1, 3, 5-11, 12а' });
    }),
);
export type BulkFilter = z.infer<typeof bulkFilter>;

const comment = z.string().trim().min(1).max(200);
export const bulkAction = component(
  'BulkAction',
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('tariff'), tariffId: idNumber, comment: comment.optional() }),
    z.object({
      kind: z.literal('message'),
      channels: z
        .array(z.enum(['inbox', 'email', 'sms']))
        .min(1)
        .max(3), // a broadcast, not a notice: no messenger
      subjectRu: z.string().trim().min(1).max(150),
      textRu: z.string().trim().min(1).max(2000),
      subjectEn: z.string().trim().max(150).optional().describe('English subject (the Russian one when empty)'),
      textEn: z.string().trim().max(2000).optional().describe('English text (the Russian one when empty)'),
    }),
    z.object({
      kind: z.literal('compensation'),
      days: z.number().int().min(1).max(COMPENSATION_MAX_DAYS),
      comment: comment.describe('why: shown to the subscriber in the statement'),
    }),
    z.object({ kind: z.literal('block'), reason: comment.describe('why: shown to the subscriber in the notice') }),
    z.object({ kind: z.literal('unblock'), comment: comment.optional() }),
  ]),
);
export type BulkAction = z.infer<typeof bulkAction>;

export const previewBody = z.object({ filter: bulkFilter, action: bulkAction });

export const createBody = previewBody.extend({
  key: z.uuid().describe('the operation id the client made: creating again with it creates nothing new'),
  expect: z
    .object({ accounts: z.number().int().min(0), amount: z.number().int() })
    .describe('the preview confirmed: refused with bulk_preview_changed when the selection no longer gives it'),
  outageId: idNumber.optional().describe('the outage this compensates'),
});

const reasonCount = z.object({ reason: z.string(), text: z.string(), count: z.number() });

export const previewResponse = z.object({
  accounts: z.number().describe('subscribers selected'),
  apply: z.number().describe('would be changed'),
  notApplied: z.array(reasonCount).describe('would be skipped or refused, by reason'),
  amount: z
    .number()
    .describe(
      'kopecks: compensation credited; tariff: monthly fees change; block/unblock: monthly fees stopped/resumed',
    ),
  channels: z.object({ inbox: z.number(), email: z.number(), sms: z.number() }).nullable(),
  sample: z.array(
    z.object({
      accountId: z.number(),
      number: z.string(),
      fullName: z.string(),
      address: z.string(),
      status: accountStatus,
      balance: z.number(),
      apply: z.boolean(),
      reason: z.string().nullable(),
      amount: z.number(),
    }),
  ),
});

export const operationView = z.object({
  id: z.number(),
  kind: bulkKind,
  state: bulkState,
  filter: bulkFilter,
  action: bulkAction,
  total: z.number(),
  processed: z.number(),
  succeeded: z.number(),
  skipped: z.number(),
  failed: z.number(),
  plannedAmount: z.number(),
  amountMoved: z.number().describe('kopecks the ledger actually credited'),
  createdBy: z.object({ id: z.number(), fullName: z.string() }),
  outageId: z.number().nullable(),
  stopRequestedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const operationDetail = operationView.extend({ reasons: z.array(reasonCount) });

export const operationsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const operationsList = z.object({
  operations: z.array(operationView),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

export const operationParams = z.object({ id: idNumber });

export const itemsQuery = z.object({
  state: bulkItemState.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const itemsList = z.object({
  items: z.array(
    z.object({
      accountId: z.number(),
      number: z.string(),
      fullName: z.string(),
      state: bulkItemState,
      reason: z.string().nullable(),
      reasonText: z.string().nullable(),
      amount: z.number(),
      doneAt: z.string().nullable(),
    }),
  ),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

export const csvQuery = z.object({ lang: z.enum(['ru', 'en']).default('ru') });
export const csvResponse = z.string().describe('CSV, UTF-8 with BOM, ";"-separated');
