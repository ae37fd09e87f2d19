import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const RECONCILIATION_DIFFERENCES = ['missing_here', 'missing_in_registry', 'sum_mismatch'] as const;
export type ReconciliationDifferenceKind = (typeof RECONCILIATION_DIFFERENCES)[number];
/**
 * open: not looked at yet; accepted: finance accepts it as it is; credited: the missing payment was
 * credited through the ledger; adjusted: the difference of a sum mismatch was posted as a correction;
 * refund / investigate: a payment the provider does not know of, marked for a refund or an inquiry.
 */
export const RECONCILIATION_RESOLUTIONS = [
  'open',
  'accepted',
  'credited',
  'adjusted',
  'refund',
  'investigate',
] as const;
export type ReconciliationResolution = (typeof RECONCILIATION_RESOLUTIONS)[number];

/** A line of a provider's report as stored with its reconciliation. */
export interface RegistryLineRecord {
  externalId: string;
  account: string | null;
  amount: number;
  fee: number | null;
  at: string | null;
}

/**
 * One provider report (an agent's registry, an acquirer's settlement registry, the office cash desk's
 * day list) for one channel and day, compared with what the ledger credited (docs/reports.md,
 * "Reconciliation"). A channel is `agent:<code>`, an acquirer's provider name, or `office_cash`.
 * A day may be reconciled again (a corrected registry): the newest row is the day's state.
 */
export const reconciliations = pgTable(
  'reconciliations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    registryCount: bigint('registry_count', { mode: 'number' }).notNull(),
    registrySum: bigint('registry_sum', { mode: 'number' }).notNull(),
    /** The provider's fee where its report states one (acquirers), else null. */
    registryFee: bigint('registry_fee', { mode: 'number' }),
    ourCount: bigint('our_count', { mode: 'number' }).notNull(),
    ourSum: bigint('our_sum', { mode: 'number' }).notNull(),
    /** What the provider's report said, line by line (kept: the evidence, and the next days' matching). */
    lines: jsonb('lines').$type<RegistryLineRecord[]>().notNull().default([]),
    fileName: text('file_name'),
    fileSha256: text('file_sha256').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('reconciliations_channel_day').on(t.channel, t.day, t.id)],
);

/** A difference found by a reconciliation, and what finance decided about it (audited). */
export const reconciliationItems = pgTable(
  'reconciliation_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reconciliationId: bigint('reconciliation_id', { mode: 'number' })
      .notNull()
      .references(() => reconciliations.id),
    kind: text('kind').$type<ReconciliationDifferenceKind>().notNull(),
    /** The provider's id of the payment (txn_id, payment id, cash receipt number). */
    externalId: text('external_id').notNull(),
    /** The personal account the registry names (or ours), when known. */
    account: text('account'),
    registryAmount: bigint('registry_amount', { mode: 'number' }),
    ourAmount: bigint('our_amount', { mode: 'number' }),
    paymentId: bigint('payment_id', { mode: 'number' }),
    /** The registry line's time as the provider wrote it. */
    registryAt: text('registry_at'),
    status: text('status').$type<ReconciliationResolution>().notNull().default('open'),
    note: text('note'),
    resolvedBy: bigint('resolved_by', { mode: 'number' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** The ledger entry a credit or an adjustment posted. */
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }),
  },
  (t) => [
    index('reconciliation_items_reconciliation').on(t.reconciliationId),
    check('reconciliation_items_kind', sql`${t.kind} in ('missing_here','missing_in_registry','sum_mismatch')`),
    check(
      'reconciliation_items_status',
      sql`${t.status} in ('open','accepted','credited','adjusted','refund','investigate')`,
    ),
  ],
);
