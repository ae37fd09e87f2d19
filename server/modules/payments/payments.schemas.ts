import { z } from 'zod';

import { component } from '../../plugins/openapi.js';
import { declineReason, lang, paymentMethod, paymentStatus } from '../shared.schemas.js';

/** A number is kopecks (an integer); a string is rubles ("1500", "1500.50", "1 500,50") parsed exactly. */
export const amountInput = z.union([z.number(), z.string().max(32)]);

export const payMethod = component('PayMethod', z.enum(['card', 'sbp']).describe('a bank card, or SBP in a bank app'));
const payDevice = z
  .enum(['desktop', 'phone'])
  .optional()
  .describe(
    'SBP: desktop gets a QR code to scan with the phone (default); phone gets the link that opens the bank app',
  );
export const topUpBody = z.object({
  amount: amountInput.optional(),
  months: z.number().int().optional(),
  saveCard: z.boolean().optional().describe('card only: save it for autopay'),
  method: payMethod.optional().describe('default card'),
  device: payDevice,
});
export const paymentOptionsResponse = z.object({
  card: z.boolean().describe('card payments are available in the account’s region'),
  sbp: z.boolean().describe('SBP payments are available in the account’s region'),
});
export const publicTopUpBody = z.object({
  account: z.string().regex(/^\d{6,12}$/),
  amount: amountInput,
  method: payMethod.optional().describe('default card; SBP where the account’s region offers it'),
  device: payDevice,
});
export const topUpResponse = z.object({
  paymentId: z.number(),
  amount: z.number(),
  method: payMethod,
  confirmationUrl: z.string().describe('the card page, or (SBP on a phone) the page that opens the bank app'),
  qr: z.string().nullable().describe('SBP on a desktop: the payment link to show as a QR code'),
});
export const publicTopUpResponse = z.object({
  publicId: z.string().describe('the payment for GET /api/public/payments/{publicId}: random, not sequential'),
  amount: z.number(),
  method: payMethod,
  confirmationUrl: z.string(),
  qr: z.string().nullable().describe('SBP on a desktop: the payment link to show as a QR code'),
});
export const publicIdParams = z.object({ publicId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'public payment id') });
export const quoteQuery = z.object({ months: z.coerce.number().int() });
export const quoteResponse = z.object({
  months: z.number(),
  monthlyFee: z.number(),
  debt: z.number(),
  amount: z.number(),
  bonus: z.number(),
  bonusPercent: z.number(),
});
export const payerParams = z.object({ number: z.string().regex(/^\d{6,12}$/) });
export const payerResponse = z.object({
  account: z.string(),
  holder: z.string(),
  sbp: z.boolean().describe('SBP is offered for this account (its region’s provider takes it); cards always are'),
});
export const idParams = z.object({ id: z.coerce.number().int().positive() });

export const paymentItem = z.object({
  id: z.number(),
  provider: z.string(),
  method: paymentMethod,
  amount: z.number(),
  status: paymentStatus,
  bonus: z.number(),
  createdAt: z.string(),
  succeededAt: z.string().nullable(),
  receiptUrl: z.string().nullable(),
  refunded: z.number().describe('kopecks returned to the card'),
  declineReason: declineReason.nullable().describe('a canceled payment: why it was declined'),
});
export const paymentsResponse = z.object({ payments: z.array(paymentItem) });
export const paymentStatusResponse = z.object({
  id: z.number(),
  amount: z.number(),
  status: paymentStatus,
  method: paymentMethod,
  declineReason: declineReason.nullable(),
});
export const publicPaymentStatusResponse = z.object({ id: z.string().describe('public id'), status: paymentStatus });

export const cardItem = z.object({ id: z.number(), provider: z.string(), title: z.string(), createdAt: z.string() });
export const cardsResponse = z.object({ cards: z.array(cardItem) });

export const autopayMode = component('AutopayMode', z.enum(['threshold', 'monthly']));
export const autopayBody = z.object({
  methodId: z.number().int(),
  mode: autopayMode,
  threshold: amountInput.optional(),
  dayOfMonth: z.number().int().optional(),
  amount: amountInput,
  monthlyLimit: amountInput,
});
export const autopayView = z.object({
  methodId: z.number(),
  card: z.string(),
  mode: autopayMode,
  threshold: z.number().nullable(),
  dayOfMonth: z.number().nullable(),
  amount: z.number(),
  monthlyLimit: z.number(),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .describe(
      'charge_failed | card_unusable (link a card again) | declined_by_bank | card_deleted | canceled_by_subscriber',
    ),
  declineReason: declineReason.nullable().describe('why the last charge was declined'),
  nextChargeAt: z.string().nullable(),
  noticedAt: z.string().nullable(),
});
export const autopayResponse = z.object({ autopay: autopayView.nullable() });

export const promisedReason = component(
  'PromisedReason',
  z
    .enum(['active_exists', 'already_this_month', 'debt_over_month', 'no_fee', 'terminated'])
    .describe('why a promised payment is not available now'),
);
export const promisedBody = z.object({ amount: amountInput.optional() });
export const promisedView = z.object({
  available: z.boolean(),
  reason: promisedReason.nullable(),
  maxAmount: z.number(),
  days: z.number(),
  active: z.object({ id: z.number(), amount: z.number(), takenOn: z.string(), dueOn: z.string() }).nullable(),
});
export const promisedTaken = z.object({
  id: z.number(),
  amount: z.number(),
  dueOn: z.string(),
  unblocked: z.boolean(),
});

export const webhookBody = z
  .object({ event: z.string().optional(), object: z.object({ id: z.string().max(100) }).passthrough() })
  .passthrough();
export const okResponse = z.object({ ok: z.boolean() });

/** T-Bank's notification (the fields Abonent reads; the rest are kept for the signature). */
export const tbankNotificationBody = z
  .object({
    TerminalKey: z.string().max(20),
    PaymentId: z.union([z.string().max(30), z.number().int()]),
    Status: z.string().max(40),
    Token: z.string().max(128),
    Success: z.boolean().optional(),
    ErrorCode: z.string().max(10).optional(),
    Amount: z.number().int().optional(),
    OrderId: z.string().max(36).optional(),
    RebillId: z.union([z.string().max(30), z.number().int()]).optional(),
    CardId: z.union([z.string().max(30), z.number().int()]).optional(),
    Pan: z.string().max(40).optional(),
  })
  .passthrough();
export const tbankOkResponse = z.literal('OK').describe('T-Bank takes the notification as received only on "OK"');

/** The test acquirer's hosted card page (plays the bank's page): HTML in, HTML or a redirect out. */
export const cardPageParams = z.object({ id: z.string().max(64) });
export const cardPageQuery = z.object({ lang: lang.optional() });
export const cardPageResponses = { 200: z.string(), 303: z.null().optional(), 400: z.string(), 404: z.string() };
export const cardForm = z.object({
  number: z.string().max(40).optional(),
  expiry: z.string().max(10).optional(),
  cvc: z.string().max(8).optional(),
  holder: z.string().max(100).optional(),
});
export const threeDsForm = z.object({ code: z.string().max(10) });
