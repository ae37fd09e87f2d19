import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  cidr,
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
import { tariffs } from './catalog.js';
import { regions } from './regions.js';

/**
 * How a NAS is told the subscriber's speed and redirect (docs/network.md, "Attributes per vendor"): `cisco` is
 * IOS XR (ASR 9000: subscriber:sub-qos-policy-in), `cisco_isg` IOS XE ISG (ip:sub-qos-policy-in).
 */
export const NAS_VENDORS = ['mikrotik', 'cisco', 'cisco_isg', 'juniper', 'huawei', 'accel_ppp', 'generic'] as const;
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
    // The retention (network.cleanup) deletes finished sessions by stopped_at in chunks.
    index('radius_sessions_stopped_at').on(t.stoppedAt),
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

/** A window of the day with another speed (night, turbo hours): the region's local time, `to` exclusive. */
export interface SpeedWindow {
  /** HH:MM, 24-hour; a window that ends before it starts runs past midnight. */
  from: string;
  to: string;
  downKbps: number;
  upKbps: number;
  /** ISO weekdays (1 Monday … 7 Sunday) it applies on; absent: every day. */
  days?: number[];
}

/**
 * An attribute added to the answers of a plan's subscribers (per vendor, or '*' for every NAS). `value`
 * may use {down} and {up}: the speed in force, kbit/s. One named like a default replaces it (e.g. a
 * Mikrotik-Rate-Limit with bursts).
 */
export interface AttributeTemplate {
  vendor: NasVendor | '*';
  name: string;
  value: string;
}

/**
 * How a plan's subscribers are served on the network beyond its speed (docs/network.md, "Plans on the
 * network"): how many sessions at once, speeds by time of day, extra reply attributes. A plan without a
 * row has none of these (any number of sessions, one speed, the vendor defaults).
 */
export const tariffNetwork = pgTable('tariff_network', {
  tariffId: bigint('tariff_id', { mode: 'number' })
    .primaryKey()
    .references(() => tariffs.id),
  /** Simultaneous-Use: sessions an account may have open at once; null: no limit. */
  maxSessions: bigint('max_sessions', { mode: 'number' }),
  speedWindows: jsonb('speed_windows').$type<SpeedWindow[]>().notNull().default([]),
  attributes: jsonb('attributes').$type<AttributeTemplate[]>().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * IPv6 prefixes a region gives its subscribers (docs/network.md, "IPv6"): `framed` — one /64 per
 * subscriber for the link (Framed-IPv6-Prefix), `delegated` — one prefix of `assignLength` for the
 * subscriber's router to number its LAN (Delegated-IPv6-Prefix, DHCPv6-PD). Prefixes are given in order
 * (`nextIndex`) and kept by the account for good.
 */
export const ipv6Pools = pgTable(
  'ipv6_pools',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    regionId: bigint('region_id', { mode: 'number' })
      .notNull()
      .references(() => regions.id),
    kind: text('kind').$type<'framed' | 'delegated'>().notNull(),
    prefix: cidr('prefix').notNull(),
    assignLength: bigint('assign_length', { mode: 'number' }).notNull(),
    nextIndex: bigint('next_index', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ipv6_pools_prefix').on(t.prefix), index('ipv6_pools_region').on(t.regionId, t.kind)],
);

/** The IPv6 prefixes an account was given (ipv6Pools); kept while it has network access. */
export const ipv6Assignments = pgTable(
  'ipv6_assignments',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .primaryKey()
      .references(() => accounts.id),
    framedPrefix: cidr('framed_prefix'),
    delegatedPrefix: cidr('delegated_prefix'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ipv6_assignments_framed').on(t.framedPrefix),
    uniqueIndex('ipv6_assignments_delegated').on(t.delegatedPrefix),
  ],
);
