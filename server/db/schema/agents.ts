import { bigint, bigserial, boolean, date, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Payment agents (terminal networks, banks) that send payments by the OSMP/QIWI check/pay protocol.
 * The HTTP Basic secret is stored only as sha256 of a random 32-byte value (high entropy, so a fast
 * hash is enough); the allow-list holds CIDR blocks (IPv4 or IPv6) the agent calls from.
 */
export const agents = pgTable('agents', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  allowedCidrs: jsonb('allowed_cidrs').$type<string[]>().notNull().default([]),
  /** Per-payment bounds in kopecks (answers 241 / 242 outside them). */
  minAmount: bigint('min_amount', { mode: 'number' }).notNull().default(100),
  maxAmount: bigint('max_amount', { mode: 'number' }).notNull().default(1_500_000),
  /**
   * The agent issues the 54-ФЗ receipt for the payments it takes (a terminal network prints its own):
   * Abonent then issues none, or the revenue is reported twice. Default yes (docs/receipts.md).
   */
  fiscalizes: boolean('fiscalizes').notNull().default(true),
  active: boolean('active').notNull().default(true),
  /** The agent's fee in basis points of the money it took (150 = 1.5 %), for the agents report. */
  commissionBp: bigint('commission_bp', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export interface ReconciliationDifference {
  kind: 'missing_here' | 'missing_in_registry' | 'sum_mismatch';
  txnId: string;
  account: string | null;
  registrySum: number | null;
  ourSum: number | null;
  paymentId: number | null;
}

/** One import of an agent's daily registry and what differed from our payments of that day. */
export const agentReconciliations = pgTable(
  'agent_reconciliations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    agentId: bigint('agent_id', { mode: 'number' })
      .notNull()
      .references(() => agents.id),
    day: date('day', { mode: 'string' }).notNull(),
    registryCount: bigint('registry_count', { mode: 'number' }).notNull(),
    registrySum: bigint('registry_sum', { mode: 'number' }).notNull(),
    ourCount: bigint('our_count', { mode: 'number' }).notNull(),
    ourSum: bigint('our_sum', { mode: 'number' }).notNull(),
    differences: jsonb('differences').$type<ReconciliationDifference[]>().notNull().default([]),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agent_reconciliations_agent_day').on(t.agentId, t.day)],
);
