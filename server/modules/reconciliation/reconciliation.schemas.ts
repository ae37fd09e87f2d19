import { z } from 'zod';

import { RECONCILIATION_DIFFERENCES, RECONCILIATION_RESOLUTIONS } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { day, idNumber } from '../shared.schemas.js';

const kopecks = z.number().int();
const channel = z
  .string()
  .min(1)
  .max(80)
  .describe('`agent:<code>`, an acquirer (`yookassa`, `test_acquirer`, `tbank`) or `office_cash`');
export const channelKind = component('ReconciliationChannelKind', z.enum(['agent', 'acquirer', 'cash']));
export const differenceKind = component('ReconciliationDifferenceKind', z.enum(RECONCILIATION_DIFFERENCES));
export const resolution = component('ReconciliationResolution', z.enum(RECONCILIATION_RESOLUTIONS));
export const resolveAction = z.enum(['accept', 'credit', 'adjust', 'refund', 'investigate']);

export const overviewQuery = z.object({ from: day, to: day.describe('inclusive, at most 62 days') });
export const overviewResponse = component(
  'ReconciliationOverview',
  z.object({
    from: day,
    to: day,
    channels: z.array(
      z.object({
        channel: z.string(),
        kind: channelKind,
        name: z.string(),
        format: z.string().describe('the report format the channel is reconciled with'),
        source: z
          .enum(['file', 'api'])
          .describe('file: finance loads the report; api: read from the provider when asked'),
        days: z.array(
          z.object({
            day,
            ledger: z.object({ count: z.number().int(), sum: kopecks }),
            reconciliation: z
              .object({
                id: z.number(),
                registry: z.object({ count: z.number().int(), sum: kopecks }),
                differences: z.number().int(),
                open: z.number().int(),
              })
              .nullable()
              .describe('the day’s latest report, null when none was loaded'),
          }),
        ),
      }),
    ),
  }),
);

export const reconcileBody = z.object({
  channel,
  day,
  report: z
    .string()
    .min(1)
    .max(5_000_000)
    .optional()
    .describe('the provider’s report as text (CSV); none for `tbank`, whose side is read from its API'),
  fileName: z.string().trim().max(200).nullish(),
});
export const reconciliationParams = z.object({ id: idNumber });
export const reconciliationView = component(
  'Reconciliation',
  z.object({
    id: z.number(),
    channel: z.string(),
    kind: channelKind,
    day,
    registry: z.object({ count: z.number().int(), sum: kopecks, fee: kopecks.nullable() }),
    ours: z.object({ count: z.number().int(), sum: kopecks }),
    fileName: z.string().nullable(),
    createdBy: z.number(),
    createdAt: z.string(),
    latest: z.boolean().describe('false when the day was reconciled again since'),
    open: z.number().int(),
    differences: z.array(
      z.object({
        id: z.number(),
        kind: differenceKind,
        externalId: z.string(),
        account: z.string().nullable(),
        registryAmount: kopecks.nullable(),
        ourAmount: kopecks.nullable(),
        paymentId: z.number().nullable(),
        registryAt: z.string().nullable(),
        status: resolution,
        note: z.string().nullable(),
        resolvedBy: z.number().nullable(),
        resolvedAt: z.string().nullable(),
        ledgerEntryId: z.number().nullable(),
      }),
    ),
  }),
);
export const itemParams = z.object({ itemId: idNumber });
export const resolveBody = z.object({
  action: resolveAction,
  note: z.string().max(500).describe('required: why'),
  account: z
    .string()
    .trim()
    .max(40)
    .nullish()
    .describe('credit: the personal account, when the report does not name one'),
});
