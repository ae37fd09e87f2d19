import { z } from 'zod';

import { component } from '../../plugins/openapi.js';
import { accountStatus, day, idNumber } from '../shared.schemas.js';

const regionId = idNumber.optional().describe('one region (within the caller’s regions)');
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(500).default(100);
const kopecks = z.number().int();

export const periodQuery = z.object({ from: day, to: day.describe('inclusive'), regionId });
export const turnoverQuery = periodQuery.extend({
  search: z.string().trim().max(40).optional().describe('a personal account or contract number'),
  page,
  pageSize,
});
export const debtorsQuery = z.object({ asOf: day.describe('debts at the end of this day'), regionId, page, pageSize });
export const promisedQuery = z.object({ regionId });

export const reportName = component(
  'ReportName',
  z.enum(['turnover', 'charges', 'payments', 'agents', 'debtors', 'promised']),
);
export const exportFormat = component('ExportFormat', z.enum(['csv', 'xlsx']));
export const exportParams = z.object({ report: reportName });
export const exportQuery = z.object({
  format: exportFormat,
  from: day.optional().describe('period reports'),
  to: day.optional(),
  asOf: day.optional().describe('debtors'),
  regionId,
  search: z.string().trim().max(40).optional(),
});

const turnoverAmounts = {
  opening: kopecks,
  charged: kopecks,
  paid: kopecks,
  bonus: kopecks,
  refunded: kopecks,
  adjusted: kopecks,
  promised: kopecks,
  closing: kopecks,
};
export const turnoverResponse = z.object({
  from: z.string(),
  to: z.string(),
  page: z.number(),
  pageSize: z.number().nullable(),
  lines: z.array(
    z.object({
      accountId: z.number(),
      account: z.string(),
      contract: z.string(),
      subscriber: z.string(),
      regionId: z.number(),
      ...turnoverAmounts,
    }),
  ),
  totals: z.object({ accounts: z.number(), ...turnoverAmounts }).describe('every account in scope, not just the page'),
});

export const chargeItemKind = component('ChargeItemKind', z.enum(['tariff', 'service', 'suspension', 'other']));
export const chargesResponse = z.object({
  from: z.string(),
  to: z.string(),
  lines: z.array(
    z.object({
      month: z.string(),
      regionId: z.number(),
      region: z.string(),
      itemKind: chargeItemKind,
      itemId: z.number(),
      itemRu: z.string(),
      itemEn: z.string(),
      amount: kopecks,
      entries: z.number(),
      accounts: z.number(),
    }),
  ),
  total: kopecks,
});

export const paymentsReportResponse = z.object({
  from: z.string(),
  to: z.string(),
  lines: z.array(
    z.object({ channel: z.string(), regionId: z.number(), region: z.string(), count: z.number(), amount: kopecks }),
  ),
  total: z.object({ count: z.number(), amount: kopecks }),
});

export const agentsReportResponse = z.object({
  from: z.string(),
  to: z.string(),
  lines: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      count: z.number(),
      amount: kopecks,
      commissionBp: z.number(),
      commission: kopecks,
      due: kopecks,
    }),
  ),
  total: z.object({ count: z.number(), amount: kopecks, commission: kopecks, due: kopecks }),
});

export const debtBucket = component(
  'DebtBucket',
  z.enum(['d0_30', 'd31_60', 'd61_90', 'd91_180', 'd181_365', 'over365']),
);
export const debtorsResponse = z.object({
  asOf: z.string(),
  page: z.number(),
  pageSize: z.number().nullable(),
  lines: z.array(
    z.object({
      accountId: z.number(),
      account: z.string(),
      contract: z.string(),
      subscriber: z.string(),
      regionId: z.number(),
      status: accountStatus,
      debt: kopecks,
      since: z.string(),
      days: z.number(),
      bucket: debtBucket,
    }),
  ),
  buckets: z.array(z.object({ bucket: debtBucket, accounts: z.number(), debt: kopecks })),
  total: z.object({ accounts: z.number(), debt: kopecks }),
});

export const promisedResponse = z.object({
  lines: z.array(
    z.object({
      id: z.number(),
      accountId: z.number(),
      account: z.string(),
      subscriber: z.string(),
      regionId: z.number(),
      amount: kopecks,
      outstanding: kopecks,
      takenOn: z.string(),
      dueOn: z.string(),
      overdue: z.boolean(),
    }),
  ),
  total: z.object({ count: z.number(), amount: kopecks, outstanding: kopecks }),
});
