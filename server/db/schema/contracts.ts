import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { contracts } from './accounts.js';
import { staffUsers } from './auth.js';

/** Named counters for human-facing numbers (contract, personal account), incremented atomically. */
export const numberSequences = pgTable('number_sequences', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

/**
 * Before 1.1: the signed contract's PDF in clear. No longer written or read (contract_pdfs replaces
 * it); the 1.1 migration emptied it. Kept only because the previous release reads it (docs/upgrades.md).
 */
export const contractDocuments = pgTable('contract_documents', {
  contractId: bigint('contract_id', { mode: 'number' })
    .primaryKey()
    .references(() => contracts.id),
  pdfBase64: text('pdf_base64').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The signed contract's PDF, rendered once at signing (its last page carries the initial password,
 * which is stored nowhere else). Sealed at rest (AES-256-GCM under APP_SECRET, purpose `contract-pdf`,
 * server/crypto/secret-box.ts); downloadable for 24 hours by the staff member who signed it and by
 * administrators (docs/contracts.md), then purged.
 */
export const contractPdfs = pgTable('contract_pdfs', {
  contractId: bigint('contract_id', { mode: 'number' })
    .primaryKey()
    .references(() => contracts.id),
  pdfEnc: text('pdf_enc').notNull(),
  signedBy: bigint('signed_by', { mode: 'number' })
    .notNull()
    .references(() => staffUsers.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
