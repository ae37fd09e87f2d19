import { z } from 'zod';

import { parseHouses } from '../../../common/address-match.js';
import { OUTAGE_SCOPES, OUTAGE_STATES, TICKET_STATUSES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { idNumber } from '../shared.schemas.js';

export const outageScope = component(
  'OutageScope',
  z.enum(OUTAGE_SCOPES).describe('region: the whole region; address: a street (some houses); nas: one NAS'),
);
export const outageState = component('OutageState', z.enum(OUTAGE_STATES));

const when = z.iso.datetime({ offset: true }).describe('ISO 8601 with offset');

/** Where: the region always (the staff member's region rule reads it), and the street or NAS within it. */
export const outageArea = component(
  'OutageArea',
  z
    .object({
      regionId: idNumber,
      scope: outageScope,
      street: z.string().trim().min(2).max(100).optional(),
      houses: z.string().trim().max(1000).optional().describe('"1, 3, 5-11, 12а"; empty: the whole street'),
      nasId: idNumber.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.scope === 'address' && !a.street)
        ctx.addIssue({ code: 'custom', path: ['street'], message: 'street needed' });
      if (a.scope === 'nas' && !a.nasId) ctx.addIssue({ code: 'custom', path: ['nasId'], message: 'NAS needed' });
      if (a.houses && parseHouses(a.houses) === 'invalid')
        ctx.addIssue({ code: 'custom', path: ['houses'], message: 'houses: numbers and ranges, e.g. 1, 3, 5-11, 12а' });
    }),
);

export const areaPreviewResponse = z.object({ accounts: z.number().describe('subscribers the outage would affect') });

export const declareBody = z.object({
  area: outageArea,
  title: z.string().trim().min(3).max(120),
  description: z.string().trim().max(1000).default(''),
  startsAt: when,
  expectedEndAt: when,
});

export const updateBody = z.object({
  title: z.string().trim().min(3).max(120).optional(),
  description: z.string().trim().max(1000).optional(),
  expectedEndAt: when.optional(),
});

export const closeBody = z.object({ endedAt: when.optional().describe('the real end (now when omitted)') });

export const outageParams = z.object({ id: idNumber });
export const outagesQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).default('open'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const outageView = z.object({
  id: z.number(),
  region: z.object({ id: z.number(), nameRu: z.string(), nameEn: z.string(), timeZone: z.string() }),
  scope: outageScope,
  street: z.string().nullable(),
  houses: z.string().nullable(),
  nas: z.object({ id: z.number(), name: z.string() }).nullable(),
  title: z.string(),
  description: z.string(),
  startsAt: z.string(),
  expectedEndAt: z.string(),
  endedAt: z.string().nullable(),
  state: outageState,
  accounts: z.number().describe('subscribers affected'),
  notified: z.number().describe('subscribers told'),
  notices: z.number().describe('notices sent: the first, and one per large move of the expected end'),
  tickets: z.number().describe('tickets linked'),
  compensationId: z.number().nullable(),
  suggestedDays: z.number().nullable().describe('closed: compensation days by the rule (common/outages.ts)'),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const outageDetail = outageView.extend({
  linkedTickets: z.array(
    z.object({
      id: z.number(),
      subject: z.string(),
      status: z.enum(TICKET_STATUSES),
      account: z.string(),
      createdAt: z.string(),
    }),
  ),
});

export const outagesList = z.object({
  outages: z.array(outageView),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});

export const updateResponse = outageDetail.extend({ renotified: z.boolean() });

export const myOutages = z.object({
  outages: z.array(
    z.object({
      id: z.number(),
      title: z.string(),
      description: z.string(),
      startsAt: z.string(),
      expectedEndAt: z.string(),
      updatedAt: z.string(),
      timeZone: z.string().describe("the region's time zone: times are shown as the notice wrote them"),
    }),
  ),
});
