import { bigint, date, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Month rollups of the ledger for the accountant's reports (docs/reports.md, "How reports stay fast").
 * A closed month's entries are summed once — per account and kind (with the payment channel), and per
 * region and charged item — so a report over a year reads twelve small summaries instead of every
 * daily charge. Derived data: rebuilt from ledger_entries at will, never a source of money state.
 *
 * A month's rollup is trusted only while the ledger checkpoint at the next month's start is ready, not
 * stale, and is the very checkpoint it was made against (`checkpoint_made_at`): an entry dated in the
 * month after that marks the checkpoint stale (the ledger's late-entry trigger), so reports read the
 * month from the ledger until the rollup job makes it again.
 */
export const reportMonths = pgTable('report_months', {
  /** First day of the month. */
  month: date('month', { mode: 'string' }).primaryKey(),
  /** created_at of the checkpoint at the next month's start when the rollup was made. */
  checkpointMadeAt: timestamp('checkpoint_made_at', { withTimezone: true }).notNull(),
  entries: bigint('entries', { mode: 'number' }).notNull(),
  /** Sum of the month's entries: equals the difference of the two month-start checkpoints. */
  total: bigint('total', { mode: 'number' }).notNull(),
  madeAt: timestamp('made_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One account's entries of a month by kind. `channel` is the payment's provider for payments
 * (`yookassa`, `agent:<code>`, `office_cash`, …) and '' for every other kind.
 */
export const reportMonthTotals = pgTable(
  'report_month_totals',
  {
    month: date('month', { mode: 'string' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    channel: text('channel').notNull().default(''),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    entries: bigint('entries', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.accountId, t.kind, t.channel] }),
    index('report_month_totals_account').on(t.accountId, t.month),
  ],
);

/** A month's charges per region and charged item (a tariff, an add-on service, a suspension fee). */
export const reportMonthCharges = pgTable(
  'report_month_charges',
  {
    month: date('month', { mode: 'string' }).notNull(),
    regionId: bigint('region_id', { mode: 'number' }).notNull(),
    /** tariff | service | suspension | other (a charge whose subscription is gone) */
    itemKind: text('item_kind').notNull(),
    /** The tariff's or service's id; 0 for a suspension fee or an unknown item. */
    itemId: bigint('item_id', { mode: 'number' }).notNull(),
    /** Kopecks charged (positive). */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    entries: bigint('entries', { mode: 'number' }).notNull(),
    accounts: bigint('accounts', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.regionId, t.itemKind, t.itemId] })],
);
