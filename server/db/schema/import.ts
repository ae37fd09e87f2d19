import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  inet,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Raw bytes (uploaded CSV files, PDF batches of letters). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Where subscribers come from (docs/import.md): a set of CSV files, or the database of Ubilling or ABillS. */
export const IMPORT_KINDS = ['csv', 'ubilling', 'abills'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** queued → running → done | failed. One run at a time is `running` (a unique index says so). */
export const IMPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/**
 * One pass of an import (docs/import.md): a dry run (read, check, report) or a real one (the same, then
 * write). Progress is kept here while it runs, so the back office and the CLI show the same bar.
 */
export const importRuns = pgTable(
  'import_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The source's name: what links and payment history are keyed by ("ubilling", "abills-north"). */
    source: text('source').notNull(),
    kind: text('kind').$type<ImportKind>().notNull(),
    dryRun: boolean('dry_run').notNull(),
    state: text('state').$type<ImportState>().notNull().default('queued'),
    /** What it is doing now (reading, staging_subscribers, …) and how far along, 0–1000. */
    phase: text('phase').notNull().default('queued'),
    permille: bigint('permille', { mode: 'number' }).notNull().default(0),
    /** Rows of the current phase done and expected (for "12 000 of 100 000"). */
    done: bigint('done', { mode: 'number' }).notNull().default(0),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    /** The mapping the run used, as YAML the operator can edit before the next run. */
    mapping: text('mapping'),
    /** The report: counts, money, what would be created (docs/import.md, "Report"). */
    report: jsonb('report'),
    /** A database source's connection (URL and ABillS secret), sealed; cleared when the run ends. */
    connectionEnc: text('connection_enc'),
    /** CSV: the run whose uploaded files this one reads (its own id for an upload). */
    filesRunId: bigint('files_run_id', { mode: 'number' }),
    staffId: bigint('staff_id', { mode: 'number' }),
    /** cli | staff */
    startedBy: text('started_by').notNull().default('staff'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    /** The last sign of life of a running run: one silent for 10 minutes is taken to have died. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('import_runs_one_running')
      .on(t.state)
      .where(sql`state = 'running'`),
    index('import_runs_created').on(t.createdAt),
  ],
);

/** CSV files uploaded in the back office, read by the dry run and again by the real one. */
export const importFiles = pgTable(
  'import_files',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    data: bytea('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] })],
);

/**
 * What each source row became: (source, kind, source id) → the Abonent id. A second run finds its rows
 * here and writes nothing for them. Kinds: subscriber (→ account id), region, tariff, addon, nas.
 */
export const importLinks = pgTable(
  'import_links',
  {
    source: text('source').notNull(),
    kind: text('kind').notNull(),
    sourceId: text('source_id').notNull(),
    targetId: bigint('target_id', { mode: 'number' }).notNull(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    /** Subscribers: the balance opened (kopecks), so a later run can tell that the source moved since. */
    amount: bigint('amount', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.kind, t.sourceId] }), index('import_links_target').on(t.kind, t.targetId)],
);

export const IMPORT_SEVERITIES = ['refused', 'conflict', 'warning'] as const;
export type ImportSeverity = (typeof IMPORT_SEVERITIES)[number];

/** Every refused row, conflict and warning of a run, with the row's place in the source. */
export const importProblems = pgTable(
  'import_problems',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    severity: text('severity').$type<ImportSeverity>().notNull(),
    /** Where: "subscribers.csv:17", "users.login=ivanov", "users.uid=42", "payments.id=9". */
    ref: text('ref').notNull(),
    sourceId: text('source_id'),
    /** A stable code (docs/import.md, "Reasons"). */
    reason: text('reason').notNull(),
    detail: text('detail'),
  },
  (t) => [index('import_problems_run').on(t.runId, t.severity, t.id)],
);

/**
 * Payments made in the previous billing (docs/decisions/0016): shown in the subscriber's statement as
 * history, never in the ledger — the opening balance already contains them.
 */
export const importPaymentHistory = pgTable(
  'import_payment_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    /** Signed kopecks as the source recorded them (a correction may be negative). */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** payment | correction */
    kind: text('kind').$type<'payment' | 'correction'>().notNull(),
    method: text('method'),
    comment: text('comment'),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    unique('import_payment_history_source').on(t.source, t.sourceId),
    index('import_payment_history_account').on(t.accountId, t.paidAt),
  ],
);

/**
 * The subscribers of the run in progress, as read and normalised, checked in SQL against each other and
 * against what Abonent has, then written from here in batches. Emptied at the start of every run.
 */
export const importStageSubscribers = pgTable('import_stage_subscribers', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  sourceId: text('source_id').notNull(),
  ref: text('ref').notNull(),
  /** Refused while reading (bad values), or by the checks (conflicts); null: can be imported. */
  problem: text('problem'),
  fullName: text('full_name').notNull(),
  address: text('address').notNull(),
  phone: text('phone').notNull(),
  email: text('email'),
  passportEnc: text('passport_enc'),
  passportLast4: text('passport_last4'),
  contract: text('contract'),
  accountNumber: text('account_number'),
  regionCode: text('region_code'),
  tariffCode: text('tariff_code'),
  /** The subscriber's own monthly fee when the source had one (kopecks), else the plan's. */
  personalFee: bigint('personal_fee', { mode: 'number' }),
  addons: text('addons')
    .array()
    .notNull()
    .default(sql`'{}'`),
  /** active | suspended | closed (blocked is Abonent's own decision from the money). */
  status: text('status').notNull(),
  login: text('login'),
  passwordEnc: text('password_enc'),
  mac: text('mac'),
  ip: inet('ip'),
  balance: bigint('balance', { mode: 'number' }).notNull(),
  creditLimit: bigint('credit_limit', { mode: 'number' }).notNull().default(0),
  signedOn: date('signed_on', { mode: 'string' }),
  closedOn: date('closed_on', { mode: 'string' }),
  /** Set by the checks: the account of an earlier run (nothing to write), or the ids this run gives. */
  linkedAccountId: bigint('linked_account_id', { mode: 'number' }),
  linkedAmount: bigint('linked_amount', { mode: 'number' }),
  subscriberId: bigint('subscriber_id', { mode: 'number' }),
  contractId: bigint('contract_id', { mode: 'number' }),
  accountId: bigint('account_id', { mode: 'number' }),
  regionId: bigint('region_id', { mode: 'number' }),
});

/** The payments of the run in progress (see importStageSubscribers). */
export const importStagePayments = pgTable('import_stage_payments', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  sourceId: text('source_id').notNull(),
  subscriberSourceId: text('subscriber_source_id').notNull(),
  ref: text('ref').notNull(),
  paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  kind: text('kind').$type<'payment' | 'correction'>().notNull(),
  method: text('method'),
  comment: text('comment'),
});

export const PASSWORD_DELIVERIES = ['sms', 'email', 'letters'] as const;
export type PasswordDelivery = (typeof PASSWORD_DELIVERIES)[number];

/**
 * Cabinet passwords issued to imported subscribers who have none yet (docs/import.md, "Cabinet
 * passwords"): sent by SMS or e-mail through the outbox, or printed as a PDF batch of letters kept for a
 * day for staff to download (like contract PDFs). Hashing is slow on purpose, so it runs as a job.
 */
export const importPasswordBatches = pgTable('import_password_batches', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source').notNull(),
  delivery: text('delivery').$type<PasswordDelivery>().notNull(),
  state: text('state').$type<ImportState>().notNull().default('queued'),
  done: bigint('done', { mode: 'number' }).notNull().default(0),
  total: bigint('total', { mode: 'number' }).notNull().default(0),
  /** Subscribers without the contact the delivery needs (left for a later batch of letters). */
  skipped: bigint('skipped', { mode: 'number' }).notNull().default(0),
  pdf: bytea('pdf'),
  staffId: bigint('staff_id', { mode: 'number' }),
  error: text('error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
