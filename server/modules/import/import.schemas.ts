import { z } from 'zod';

import { IMPORT_KINDS, IMPORT_SEVERITIES, IMPORT_STATES, PASSWORD_DELIVERIES } from '../../db/schema/index.js';
import { component } from '../../plugins/openapi.js';
import { idNumber } from '../shared.schemas.js';

export const importKind = component(
  'ImportKind',
  z.enum(IMPORT_KINDS).describe('csv: the documented CSV files; ubilling, abills: their MySQL/MariaDB, read-only'),
);
export const importState = component('ImportState', z.enum(IMPORT_STATES));
export const importSeverity = component(
  'ImportSeverity',
  z.enum(IMPORT_SEVERITIES).describe('refused: the row is wrong; conflict: it clashes; warning: imported, note it'),
);
export const passwordDelivery = component('PasswordDelivery', z.enum(PASSWORD_DELIVERIES));
const source = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'lowercase letters, digits, . _ -, up to 40')
  .describe('the source name: links and history are keyed by it, so later runs skip what came before');
const mapping = z.string().max(2_000_000).describe('the mapping file (YAML) as edited after the dry run');

export const importIdParams = z.object({ id: idNumber });

/** A database source: the connection and, for ABillS, the key its passwords are ENCODE()d with. */
export const databaseImportBody = z.object({
  kind: z.enum(['ubilling', 'abills']),
  url: z
    .string()
    .max(500)
    .regex(/^(mysql|mariadb):\/\//, 'mysql://user:password@host:port/database'),
  abillsSecret: z.string().max(200).optional().describe('ABillS: $conf{secretkey} from libexec/config.pl'),
  source: source.optional(),
  mapping: mapping.optional(),
});

export const applyImportBody = z.object({
  mapping: mapping.optional(),
  /** Database sources: the connection again (it is not kept after a run). */
  url: databaseImportBody.shape.url.optional(),
  abillsSecret: databaseImportBody.shape.abillsSecret,
});

const money = z.number().describe('kopecks');
export const importReport = z.object({
  subscribers: z.object({
    read: z.number(),
    toImport: z.number(),
    alreadyImported: z.number(),
    refused: z.number(),
    active: z.number(),
    blocked: z.number(),
    suspended: z.number(),
    closed: z.number(),
    withLogin: z.number(),
    withIp: z.number(),
    withoutPhone: z.number(),
  }),
  payments: z.object({
    read: z.number(),
    toImport: z.number(),
    alreadyImported: z.number(),
    refused: z.number(),
    amount: money,
  }),
  money: z.object({ opening: money, credits: money, debts: money, debtors: z.number(), creditLimits: money }),
  catalog: z.object({
    regions: z.array(z.string()),
    tariffs: z.array(z.object({ region: z.string(), code: z.string(), name: z.string() })),
    addons: z.array(z.object({ region: z.string(), code: z.string(), name: z.string() })),
    nas: z.array(z.object({ name: z.string(), address: z.string() })),
    pools: z.array(z.object({ region: z.string(), first: z.string(), last: z.string(), addresses: z.number() })),
  }),
  problems: z.object({
    refused: z.number(),
    conflict: z.number(),
    warning: z.number(),
    byReason: z.record(z.string(), z.number()).describe('"severity:reason" → rows'),
  }),
  written: z
    .object({
      accounts: z.number(),
      openingEntries: z.number(),
      amount: money,
      blocked: z.number(),
      payments: z.number(),
    })
    .nullable(),
});

export const importRunView = z.object({
  id: z.number(),
  source: z.string(),
  kind: importKind,
  dryRun: z.boolean(),
  state: importState,
  phase: z.string().describe('reading, staging_subscribers, staging_payments, checking, writing_…, done'),
  permille: z.number().describe('progress of the whole run, 0–1000'),
  done: z.number().describe('rows of the current phase done'),
  total: z.number(),
  error: z.string().nullable(),
  report: importReport.nullable(),
  /** The run this real run was made from (its dry run), when it has one. */
  filesRunId: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const importRunDetail = importRunView.extend({ mapping: z.string().nullable() });
export const importRunsList = z.object({ runs: z.array(importRunView) });
export const importCreated = z.object({ id: z.number() });

export const problemsQuery = z.object({
  severity: importSeverity.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export const problemsList = z.object({
  problems: z.array(
    z.object({
      severity: importSeverity,
      ref: z.string().describe('where: "subscribers.csv:17", "users.login=ivanov", "users.uid=42"'),
      sourceId: z.string().nullable(),
      reason: z.string().describe('a stable code (docs/import.md, "Reasons")'),
      message: z.string().describe("the reason in the caller's language"),
      detail: z.string().nullable(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const passwordBatchBody = z.object({ source, delivery: passwordDelivery });
export const passwordBatchView = z.object({
  id: z.number(),
  source: z.string(),
  delivery: passwordDelivery,
  state: importState,
  done: z.number(),
  total: z.number(),
  skipped: z.number().describe('subscribers without the contact this delivery needs'),
  hasPdf: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
