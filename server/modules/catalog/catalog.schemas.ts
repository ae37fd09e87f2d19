import { z } from 'zod';

import { isTimeZone } from '../../../common/dates.js';
import { MAX_PAYMENT_KOPECKS } from '../../../common/money.js';
import { day, serviceKind } from '../shared.schemas.js';
const fee = z.number().int().min(0).max(MAX_PAYMENT_KOPECKS).describe('kopecks per month');
const name = z.string().trim().min(1).max(120);
const text = z.string().max(2000);

export const region = z.object({
  id: z.number(),
  code: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  timeZone: z.string(),
  supportPhone: z.string(),
  supportEmail: z.string(),
});
export const regionWithSettings = region.extend({
  contractPrefix: z.string(),
  settings: z.object({
    prepayTiers: z.array(z.object({ months: z.number().int(), percent: z.number() })).optional(),
    lowBalanceDays: z.number().int().optional(),
    suspension: z
      .object({
        autoApprove: z.boolean().optional(),
        dailyFee: z.number().int().optional(),
        freeDays: z.number().int().optional(),
        windowDays: z.number().int().optional(),
        minDays: z.number().int().optional(),
        maxDays: z.number().int().optional(),
      })
      .optional(),
    mobileInfo: z.object({ ru: z.string().optional(), en: z.string().optional() }).optional(),
  }),
});
const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'an IANA time zone, e.g. Europe/Moscow')
  .describe('IANA time zone: billing days are calendar days in it');
const supportPhone = z.string().regex(/^\d{10,15}$/, 'digits only, 10–15');
export const regionPatch = z.object({
  nameRu: name.optional(),
  nameEn: name.optional(),
  timeZone: timeZone.optional().describe('changeable only while the region has no contracts'),
  supportPhone: supportPhone.optional(),
  supportEmail: z.string().email().max(200).optional(),
  settings: z
    .object({
      prepayTiers: z
        .array(z.object({ months: z.number().int().min(1).max(36), percent: z.number().min(0).max(50) }))
        .max(10)
        .optional(),
      lowBalanceDays: z.number().int().min(0).max(30).optional(),
      suspension: z
        .object({
          autoApprove: z.boolean().optional().describe('approve applications that meet the rules without a review'),
          dailyFee: z.number().int().min(0).max(100_000).optional().describe('kopecks per paid suspended day'),
          freeDays: z.number().int().min(0).max(365).optional(),
          windowDays: z.number().int().min(30).max(730).optional(),
          minDays: z.number().int().min(1).max(365).optional(),
          maxDays: z.number().int().min(1).max(365).optional(),
        })
        .refine((x) => (x.minDays ?? 1) <= (x.maxDays ?? 90), 'minDays must not exceed maxDays')
        .optional(),
      mobileInfo: z.object({ ru: z.string().max(2000).optional(), en: z.string().max(2000).optional() }).optional(),
    })
    .optional(),
});

export const regionCreate = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, 'lowercase letters, digits, dashes; 2–20'),
  nameRu: name,
  nameEn: name,
  timeZone,
  supportPhone,
  supportEmail: z.string().email().max(200),
  contractPrefix: z
    .string()
    .regex(/^[1-9]\d$/, 'two digits, not starting with 0')
    .describe('starts every contract number of the region; never changes'),
  settings: regionPatch.shape.settings,
});
export const regionsResponse = z.object({ regions: z.array(region) });
export const tariff = z.object({
  id: z.number(),
  regionId: z.number(),
  code: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  descriptionRu: z.string(),
  descriptionEn: z.string(),
  monthlyFee: z.number(),
  speedDownKbps: z.number(),
  speedUpKbps: z.number(),
  activeFrom: z.string(),
  activeTo: z.string().nullable(),
  archived: z.boolean(),
});
export const regionsWithSettingsResponse = z.object({ regions: z.array(regionWithSettings) });
export const tariffsResponse = z.object({ tariffs: z.array(tariff) });
export const tariffCreate = z.object({
  regionId: z.number().int().positive().max(32_767),
  code: z.string().regex(/^[a-z0-9-]{2,40}$/, 'lowercase letters, digits, dashes'),
  nameRu: name,
  nameEn: name,
  descriptionRu: text.default(''),
  descriptionEn: text.default(''),
  monthlyFee: fee,
  speedDownKbps: z.number().int().min(64).max(100_000_000),
  speedUpKbps: z.number().int().min(64).max(100_000_000),
  activeFrom: day,
  activeTo: day.nullable().default(null),
});
export const tariffPatch = tariffCreate
  .omit({ regionId: true, code: true })
  .partial()
  .extend({ archived: z.boolean().optional() });

export const service = z.object({
  id: z.number(),
  regionId: z.number(),
  kind: serviceKind,
  code: z.string(),
  nameRu: z.string(),
  nameEn: z.string(),
  descriptionRu: z.string(),
  descriptionEn: z.string(),
  monthlyFee: z.number(),
  archived: z.boolean(),
});
export const servicesResponse = z.object({ services: z.array(service) });
export const serviceCreate = z.object({
  regionId: z.number().int().positive().max(32_767),
  kind: serviceKind,
  code: z.string().regex(/^[a-z0-9-]{2,40}$/),
  nameRu: name,
  nameEn: name,
  descriptionRu: text.default(''),
  descriptionEn: text.default(''),
  monthlyFee: fee,
});
export const servicePatch = serviceCreate
  .omit({ regionId: true, code: true, kind: true })
  .partial()
  .extend({ archived: z.boolean().optional() });

/** Database id ranges: regions are smallint, catalogue rows int. */
export const regionId = z.coerce.number().int().positive().max(32_767);
export const rowId = z.coerce.number().int().positive().max(2_147_483_647);
export const idParams = z.object({ id: rowId });
export const regionIdParams = z.object({ id: regionId });
export const regionQuery = z.object({ regionId: regionId.optional() });
