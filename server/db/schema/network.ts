import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  inet,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

import { accounts } from './accounts.js';
import { regions } from './regions.js';

/** How a NAS is told the subscriber's speed and redirect (docs/network.md, "Attributes per vendor"). */
export const NAS_VENDORS = ['mikrotik', 'cisco', 'juniper', 'huawei', 'accel_ppp', 'generic'] as const;
export type NasVendor = (typeof NAS_VENDORS)[number];

/**
 * The NAS registry (BRAS, routers that ask FreeRADIUS): FreeRADIUS learns each client's secret from it
 * (dynamic clients), and CoA / Disconnect-Requests go to `address`:`coaPort`.
 */
export const nas = pgTable(
  'nas',
  {
    id: serial('id').primaryKey(),
    regionId: smallint('region_id')
      .notNull()
      .references(() => regions.id),
    name: text('name').notNull(),
    /** The address the NAS sends RADIUS from and listens for CoA on. */
    address: inet('address').notNull(),
    /** RADIUS shared secret, AES-256-GCM under a key derived from APP_SECRET (network-crypto.ts). */
    secretEnc: text('secret_enc').notNull(),
    vendor: text('vendor').$type<NasVendor>().notNull(),
    coaPort: integer('coa_port').notNull().default(3799),
    /**
     * Blast-RADIUS (CVE-2024-3596): FreeRADIUS drops this NAS's Access-Requests without a
     * Message-Authenticator, and CoA / Disconnect-Requests to it carry one (docs/network.md, "Hardening").
     */
    requireMessageAuthenticator: boolean('require_message_authenticator').notNull().default(true),
    active: boolean('active').notNull().default(true),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('nas_address').on(t.address),
    index('nas_region').on(t.regionId),
    check('nas_coa_port', sql`${t.coaPort} between 1 and 65535`),
  ],
);

/** How an entry is identified (docs/network.md, "Who is who"). */
export const ACCESS_TYPES = ['pppoe', 'ipoe'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];

/**
 * How an account reaches the network: PPPoE login and password (separate from the cabinet's, see
 * docs/decisions/0007), IPoE by MAC or by DHCP Option 82, and the static address of the static IP add-on.
 * One row per account; no row means no network access. `accessType` says which key identifies it: a
 * request with a password matches only a `pppoe` entry, by login; MAC and Option 82 identify only an
 * `ipoe` entry, in a request without a password.
 */
export const networkAccess = pgTable(
  'network_access',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .primaryKey()
      .references(() => accounts.id),
    accessType: text('access_type').$type<AccessType>().notNull().default('pppoe'),
    /** PPPoE user name (the contract number unless staff set another); unique, lower-case. */
    login: text('login'),
    /** PPPoE password, AES-256-GCM (CHAP needs the clear text, so it cannot be a one-way hash). */
    passwordEnc: text('password_enc'),
    /** IPoE by MAC: lower-case aa:bb:cc:dd:ee:ff. On a PPPoE entry, the router the binding allows. */
    mac: text('mac'),
    /** PPPoE only: accept the login only from `mac` (Calling-Station-Id). */
    macBinding: boolean('mac_binding').notNull().default(false),
    /** IPoE by Option 82: remote-id and circuit-id as hex of their bytes (remote-id may be empty). */
    opt82RemoteId: text('opt82_remote_id'),
    opt82CircuitId: text('opt82_circuit_id'),
    /** The address of the static IP add-on, set by assignStaticIp(); null: an address from the NAS pool. */
    staticIp: inet('static_ip'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('network_access_login').on(t.login),
    uniqueIndex('network_access_mac').on(t.mac),
    uniqueIndex('network_access_opt82').on(t.opt82RemoteId, t.opt82CircuitId),
    uniqueIndex('network_access_static_ip').on(t.staticIp),
  ],
);

/**
 * One network session as the NAS reports it in accounting (Start, Interim-Update, Stop). Updated
 * monotonically (counters and times only grow, the first Stop wins), so records applied twice or out of
 * order — as when a spool is flushed after an outage — give the same row.
 */
export const radiusSessions = pgTable(
  'radius_sessions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    nasAddress: inet('nas_address').notNull(),
    acctSessionId: text('acct_session_id').notNull(),
    username: text('username').notNull(),
    accountId: bigint('account_id', { mode: 'number' }),
    framedIp: inet('framed_ip'),
    /** Calling-Station-Id: usually the subscriber's MAC. */
    callingStationId: text('calling_station_id'),
    nasPortId: text('nas_port_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** The time of the latest record. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    stoppedAt: timestamp('stopped_at', { withTimezone: true }),
    /** Bytes from the subscriber (upload) and to the subscriber (download), gigawords included. */
    inputBytes: bigint('input_bytes', { mode: 'number' }).notNull().default(0),
    outputBytes: bigint('output_bytes', { mode: 'number' }).notNull().default(0),
    sessionSeconds: integer('session_seconds').notNull().default(0),
    terminateCause: text('terminate_cause'),
  },
  (t) => [
    unique('radius_sessions_key').on(t.nasAddress, t.acctSessionId, t.username),
    index('radius_sessions_account').on(t.accountId, t.startedAt),
    index('radius_sessions_open_ip')
      .on(t.framedIp)
      .where(sql`stopped_at is null`),
    index('radius_sessions_open_nas')
      .on(t.nasAddress)
      .where(sql`stopped_at is null`),
  ],
);

/** Every Access-Request's outcome as FreeRADIUS's post-auth reports it (never a password). */
export const radiusAuthLog = pgTable(
  'radius_auth_log',
  {
    /** Given by Abonent on receipt, so a spooled record flushed twice is stored once. */
    id: uuid('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    nasAddress: inet('nas_address'),
    username: text('username').notNull(),
    accountId: bigint('account_id', { mode: 'number' }),
    result: text('result').$type<'accept' | 'reject'>().notNull(),
    /** accept: the profile given (active, debtor, suspended); reject: why (password, unknown, terminated…). */
    detail: text('detail').notNull(),
    callingStationId: text('calling_station_id'),
  },
  (t) => [index('radius_auth_log_account').on(t.accountId, t.at), index('radius_auth_log_at').on(t.at)],
);

export const COA_KINDS = ['coa', 'disconnect'] as const;
export const COA_STATUSES = ['pending', 'ack', 'nak', 'timeout', 'error'] as const;
export type CoaStatus = (typeof COA_STATUSES)[number];

/**
 * The log of CoA / Disconnect-Requests (RFC 5176) sent to NAS: what was asked, why, and the answer.
 * Written before sending (pending), updated with the answer; unanswered requests are retried by a job.
 */
export const coaRequests = pgTable(
  'coa_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    sessionId: bigint('session_id', { mode: 'number' }).notNull(),
    nasId: integer('nas_id').references(() => nas.id),
    kind: text('kind').$type<(typeof COA_KINDS)[number]>().notNull(),
    /** What caused it: an account event kind (unblocked, tariff_changed…), `staff`, or `coa_refused`. */
    reason: text('reason').notNull(),
    /** The attributes sent besides the session's identification. */
    attributes: jsonb('attributes').$type<[string, string | number][]>().notNull().default([]),
    status: text('status').$type<CoaStatus>().notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    /** Error-Cause of a NAK, or the local error. */
    error: text('error'),
    staffId: integer('staff_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    index('coa_requests_account').on(t.accountId, t.createdAt),
    index('coa_requests_unfinished')
      .on(t.id)
      .where(sql`status in ('pending', 'timeout', 'error')`),
  ],
);

/**
 * CoA / Disconnect-Requests that did not take effect on the NAS and are left to staff (docs/network.md,
 * "Events → CoA / Disconnect"): a Disconnect-Request the NAS refused (NAK, other than "no such session"),
 * or one nobody answered through every retry. Resolved when the session ends, when a later request for it
 * is acknowledged, or by staff. Few rows: listed and counted (a metric) from the open ones' index.
 */
export const coaEscalations = pgTable(
  'coa_escalations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    coaRequestId: bigint('coa_request_id', { mode: 'number' }).notNull(),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    sessionId: bigint('session_id', { mode: 'number' }).notNull(),
    nasId: bigint('nas_id', { mode: 'number' }),
    /** nak: the NAS refused (error: its Error-Cause); given_up: no answer through every retry. */
    kind: text('kind').$type<'nak' | 'given_up'>().notNull(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** session_ended, acknowledged, or staff (resolvedBy). */
    resolution: text('resolution'),
    resolvedBy: bigint('resolved_by', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('coa_escalations_request').on(t.coaRequestId),
    index('coa_escalations_open')
      .on(t.createdAt)
      .where(sql`resolved_at is null`),
    index('coa_escalations_account').on(t.accountId, t.createdAt),
  ],
);
