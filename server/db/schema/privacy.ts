import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { contracts, subscribers } from './accounts.js';

/**
 * Consent to the processing of personal data (152-ФЗ, art. 9), given when the contract is signed: the
 * version of the text shown (server/modules/privacy/consent/, versioned in the repository), its SHA-256
 * and the time. Kept after anonymisation: it proves the processing had a basis, and it names no one.
 */
export const consents = pgTable(
  'consents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriberId: bigint('subscriber_id', { mode: 'number' })
      .notNull()
      .references(() => subscribers.id),
    contractId: bigint('contract_id', { mode: 'number' }).references(() => contracts.id),
    /** personal_data */
    purpose: text('purpose').notNull(),
    /** The text's version, e.g. "2026-12-01". */
    version: text('version').notNull(),
    textSha256: text('text_sha256').notNull(),
    /** office (staff entered it at signing) */
    channel: text('channel').notNull(),
    staffId: bigint('staff_id', { mode: 'number' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * When the subscriber withdrew this consent (152-ФЗ art. 9 §2; docs/personal-data.md, "Withdrawal"),
     * through `withdrawal_channel`: cabinet (themselves) or office (a written application, entered by
     * `withdrawn_by_staff_id`). Null while in force.
     */
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    withdrawalChannel: text('withdrawal_channel').$type<'cabinet' | 'office'>(),
    withdrawnByStaffId: bigint('withdrawn_by_staff_id', { mode: 'number' }),
  },
  (t) => [index('consents_subscriber').on(t.subscriberId)],
);
