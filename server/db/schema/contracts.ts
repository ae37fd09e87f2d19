import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { contracts } from './accounts.js';

/** Named counters for human-facing numbers (contract, personal account), incremented atomically. */
export const numberSequences = pgTable('number_sequences', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

/**
 * The signed contract's PDF, rendered once at signing (its last page carries the initial password,
 * which is never stored in clear anywhere else). Kept for 24 hours for staff to print, then purged.
 */
export const contractDocuments = pgTable('contract_documents', {
  contractId: bigint('contract_id', { mode: 'number' })
    .primaryKey()
    .references(() => contracts.id),
  pdfBase64: text('pdf_base64').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
