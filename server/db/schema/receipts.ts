import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

import { regions } from './regions.js';

/** Taxation systems (СНО) as ATOL names them. */
export const RECEIPT_SNOS = ['osn', 'usn_income', 'usn_income_outcome', 'esn', 'patent'] as const;
export type ReceiptSno = (typeof RECEIPT_SNOS)[number];
/**
 * VAT of a top-up item as ATOL v5 names it. A top-up is an advance, taxed at the calculated rate
 * R/(100+R) (Tax Code art. 164 p. 4): none, vat0 and the calculated rates only (server/modules/receipts/vat.ts).
 */
export const RECEIPT_VATS = ['none', 'vat0', 'vat105', 'vat107', 'vat110', 'vat120', 'vat122'] as const;
export type ReceiptVat = (typeof RECEIPT_VATS)[number];
export const RECEIPT_OPERATIONS = ['sell', 'sell_refund'] as const;
export type ReceiptOperation = (typeof RECEIPT_OPERATIONS)[number];
export const RECEIPT_STATUSES = ['pending', 'registered', 'done', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** 54-ФЗ settings of a region's online cash register (ATOL Online); credentials come from the env. */
export const receiptSettings = pgTable('receipt_settings', {
  regionId: bigint('region_id', { mode: 'number' })
    .primaryKey()
    .references(() => regions.id),
  enabled: boolean('enabled').notNull().default(false),
  groupCode: text('group_code').notNull(),
  inn: text('inn').notNull(),
  paymentAddress: text('payment_address').notNull(),
  /** osn | usn_income | usn_income_outcome | esn | patent */
  sno: text('sno').$type<ReceiptSno>().notNull().default('osn'),
  /** VAT of the top-up (advance) item; null: the tax system's default (osn → vat122, others → none). */
  vat: text('vat').$type<ReceiptVat>(),
  companyEmail: text('company_email').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Fiscal receipts: one `sell` per online payment (ATOL external_id = the payment id) and one
 * `sell_refund` per card refund (external_id `refund-<refund id>`; payment_id is the refunded payment).
 * `uuid` is ATOL's document id once registered; fiscal fields arrive with the report.
 */
export const receipts = pgTable(
  'receipts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    paymentId: bigint('payment_id', { mode: 'number' }).notNull(),
    /** sell | sell_refund */
    operation: text('operation').$type<ReceiptOperation>().notNull().default('sell'),
    refundId: bigint('refund_id', { mode: 'number' }).unique(),
    /**
     * 1, then +1 each time finance re-issues a document ATOL refused: ATOL keeps a refused external_id
     * for good, so attempt N > 1 registers as `<external_id>-N`.
     */
    attempt: smallint('attempt').notNull().default(1),
    regionId: bigint('region_id', { mode: 'number' }).notNull(),
    /**
     * ATOL external_id of the first attempt, set when the row is made: `<installation>-<payment id>` or
     * `<installation>-refund-<refund id>`; attempt N > 1 adds `-N`. Null on rows made before
     * installation ids (the bare payment id / `refund-<id>`).
     */
    externalId: text('external_id'),
    /** Times the report was asked while ATOL was still processing (its own schedule, not attempts). */
    polls: bigint('polls', { mode: 'number' }).notNull().default(0),
    status: text('status').$type<ReceiptStatus>().notNull().default('pending'),
    uuid: text('uuid'),
    total: bigint('total', { mode: 'number' }).notNull(),
    fnNumber: text('fn_number'),
    fiscalDocumentNumber: text('fiscal_document_number'),
    fiscalDocumentAttribute: text('fiscal_document_attribute'),
    receiptDatetime: text('receipt_datetime'),
    receiptUrl: text('receipt_url'),
    lastError: text('last_error'),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('receipts_status').on(t.status),
    uniqueIndex('receipts_one_sale')
      .on(t.paymentId)
      .where(sql`operation = 'sell'`),
  ],
);
