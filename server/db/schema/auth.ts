import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const STAFF_ROLES = ['admin', 'operator', 'support', 'finance'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const staffUsers = pgTable('staff_users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  fullName: text('full_name').notNull(),
  role: text('role').$type<StaffRole>().notNull(),
  passwordHash: text('password_hash').notNull(),
  /** Base32 TOTP secret when two-factor sign-in is on. */
  totpSecret: text('totp_secret'),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Region scope (docs/auth.md, "Regions"): the regions whose subscribers this user sees and changes,
   * or every region with `all_regions`. Administrators always see every region. A new user sees none
   * until given some (fail closed); users who existed before regions were added keep every region.
   */
  allRegions: boolean('all_regions').notNull().default(false),
  regionIds: bigint('region_ids', { mode: 'number' })
    .array()
    .notNull()
    .default(sql`'{}'::bigint[]`),
});

/**
 * Sign-in sessions of staff and subscribers. Only the SHA-256 of the token is stored, so a leaked
 * table cannot be replayed. The same token works as a cookie (web) or a bearer token (mobile API).
 */
export const sessions = pgTable(
  'sessions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    principalType: text('principal_type').$type<'staff' | 'subscriber'>().notNull(),
    staffId: integer('staff_id'),
    /** Subscriber sessions: the contract signed in with. */
    contractId: bigint('contract_id', { mode: 'number' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_contract').on(t.contractId), index('sessions_staff').on(t.staffId)],
);
