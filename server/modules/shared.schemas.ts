import { z } from 'zod';

import { DECLINE_REASONS } from '../../common/decline-reasons.js';
import { isoDay } from '../../common/schemas.js';
import {
  ACCOUNT_STATUSES,
  LEDGER_KINDS,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  SERVICE_KINDS,
  STAFF_ROLES,
} from '../db/schema/index.js';
import { component } from '../plugins/openapi.js';

/**
 * Schemas more than one module's API uses. The enums are named components of the OpenAPI document, so
 * the web gets them as types and value lists (`web/src/api/schema.ts`: `paymentStatusValues`, …).
 */
/** A calendar day that exists (common/schemas.ts: 2026-13-45 is a 400, never a 500). */
export const day = isoDay;
export const okResponse = z.object({ ok: z.literal(true) });
/** A bigserial id in a URL: positive and within the safe integer range (larger ones are 400, not 500). */
export const idNumber = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A file the route streams (PDF): binary, described for the document only. */
export const fileResponse = z.any().describe('the file');

export const lang = component('Lang', z.enum(['ru', 'en']));
export const accountStatus = component('AccountStatus', z.enum(ACCOUNT_STATUSES));
export const ledgerKind = component('LedgerKind', z.enum(LEDGER_KINDS));
export const paymentStatus = component('PaymentStatus', z.enum(PAYMENT_STATUSES));
export const paymentMethod = component('PaymentMethod', z.enum(PAYMENT_METHODS));
export const declineReason = component(
  'DeclineReason',
  z
    .enum(DECLINE_REASONS)
    .describe("why the bank or provider declined a payment (YooKassa's cancellation_details.reason)"),
);
export const serviceKind = component('ServiceKind', z.enum(SERVICE_KINDS));
export const staffRole = component('StaffRole', z.enum(STAFF_ROLES));
