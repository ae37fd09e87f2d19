import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { AccessType, AccountStatus, AttributeTemplate, NasVendor, SpeedWindow } from '../../db/schema/index.js';

/**
 * Where ClearPasswords keeps an entry's password in clear (clear-passwords.ts): a symbol, so it never
 * serialises or lists with the entry.
 */
export const CLEAR_PASSWORD: unique symbol = Symbol('clear password');

/** The number of the directory's last full read that found the entry unchanged (directory.ts). */
export const SEEN: unique symbol = Symbol('seen');

/** One account's network access as the RADIUS answers need it (the in-memory directory's entry). */
export interface AccessEntry {
  accountId: number;
  accountNumber: string;
  regionId: number;
  status: AccountStatus;
  /** pppoe: found by login, with a password; ipoe: by MAC or Option 82, without one. */
  accessType: AccessType;
  login: string | null;
  passwordEnc: string | null;
  /** ipoe: the MAC that identifies it; pppoe: the only MAC the login is accepted from when `macBinding`. */
  mac: string | null;
  macBinding: boolean;
  /** `<remote-id hex>|<circuit-id hex>` or null. */
  opt82: string | null;
  downKbps: number;
  upKbps: number;
  staticIp: string | null;
  /** IPv6: the /64 of the link and the prefix delegated to the router (ipv6_assignments). */
  framedIpv6: string | null;
  delegatedIpv6: string | null;
  /** The region's time zone (speed windows are in local time). */
  timeZone: string;
  /** The current plan's network profile (tariff_network), shared by every entry of the plan; null: none. */
  plan: PlanNetwork | null;
  [CLEAR_PASSWORD]?: string;
  [SEEN]?: number;
}

/** A plan's network profile as the answers use it (one object per plan and version). */
export interface PlanNetwork {
  tariffId: number;
  maxSessions: number | null;
  windows: SpeedWindow[];
  attributes: AttributeTemplate[];
}

export interface NasEntry {
  id: number;
  regionId: number;
  name: string;
  address: string;
  secretEnc: string;
  vendor: NasVendor;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  active: boolean;
}

export interface AccessRow {
  account_id: number;
  number: string;
  region_id: number;
  status: AccountStatus;
  access_type: AccessType;
  login: string | null;
  password_enc: string | null;
  mac: string | null;
  mac_binding: boolean;
  opt82_remote_id: string | null;
  opt82_circuit_id: string | null;
  static_ip: string | null;
  down: number;
  up: number;
  framed_ipv6: string | null;
  delegated_ipv6: string | null;
  time_zone: string;
  tariff_id: number | null;
  /** tariff_network of the plan: present (max sessions may be null), speed windows and attributes as JSON. */
  has_plan: boolean;
  plan_max: number | null;
  plan_windows: string | null;
  plan_attributes: string | null;
}

/**
 * Reads network access with each account's status and current plan's speed: every account (ids
 * omitted) or the given ones. The plan is the tariff subscription in force today in the region's zone.
 */
export async function loadAccess(db: Db, ids?: number[]): Promise<AccessEntry[]> {
  return (await loadAccessRows(db, ids)).map(accessEntry);
}

/** The rows behind loadAccess: a full reload turns a million of them into entries a slice at a time. */
export async function loadAccessRows(db: Db, ids?: number[]): Promise<AccessRow[]> {
  const filter = ids ? sql`where n.account_id = any(${`{${ids.join(',')}}`}::int8[])` : sql``;
  return queryRows<AccessRow>(
    db,
    sql`select a.id as account_id, a.number, a.region_id, a.status, n.access_type, n.login, n.password_enc, n.mac,
               n.mac_binding,
               n.opt82_remote_id, n.opt82_circuit_id, host(n.static_ip) as static_ip,
               coalesce(t.speed_down_kbps, 0)::int as down, coalesce(t.speed_up_kbps, 0)::int as up,
               ia.framed_prefix::text as framed_ipv6, ia.delegated_prefix::text as delegated_ipv6,
               r.time_zone, s.tariff_id,
               tn.tariff_id is not null as has_plan, tn.max_sessions as plan_max,
               tn.speed_windows::text as plan_windows, tn.attributes::text as plan_attributes
        from network_access n
        join accounts a on a.id = n.account_id
        join regions r on r.id = a.region_id
        left join ipv6_assignments ia on ia.account_id = n.account_id
        left join lateral (
          select s.tariff_id from subscriptions s
          where s.account_id = a.id and s.kind = 'tariff'
            and s.starts_on <= (now() at time zone r.time_zone)::date
            and (s.ends_on is null or s.ends_on >= (now() at time zone r.time_zone)::date)
          order by s.starts_on desc limit 1
        ) s on true
        left join tariffs t on t.id = s.tariff_id
        left join tariff_network tn on tn.tariff_id = s.tariff_id
        ${filter}`,
  );
}

export function accessEntry(r: AccessRow): AccessEntry {
  return {
    accountId: Number(r.account_id),
    accountNumber: r.number,
    regionId: Number(r.region_id),
    status: r.status,
    accessType: r.access_type,
    login: r.login,
    passwordEnc: r.password_enc,
    mac: r.mac,
    macBinding: Boolean(r.mac_binding),
    opt82: r.opt82_circuit_id ? `${r.opt82_remote_id ?? ''}|${r.opt82_circuit_id}` : null,
    downKbps: Number(r.down),
    upKbps: Number(r.up),
    staticIp: r.static_ip,
    framedIpv6: r.framed_ipv6,
    delegatedIpv6: r.delegated_ipv6,
    timeZone: r.time_zone,
    plan: r.has_plan && r.tariff_id !== null ? planNetwork(r) : null,
    // Present from the start, so setting them later does not change the shape of a million objects.
    [CLEAR_PASSWORD]: undefined,
    [SEEN]: 0,
  };
}

/** The same access as `b` (what a RADIUS answer depends on): a re-read that finds this keeps the entry. */
export function sameAccess(a: AccessEntry, b: AccessEntry): boolean {
  return (
    a.accountNumber === b.accountNumber &&
    a.regionId === b.regionId &&
    a.status === b.status &&
    a.accessType === b.accessType &&
    a.login === b.login &&
    a.passwordEnc === b.passwordEnc &&
    a.mac === b.mac &&
    a.macBinding === b.macBinding &&
    a.opt82 === b.opt82 &&
    a.downKbps === b.downKbps &&
    a.upKbps === b.upKbps &&
    a.staticIp === b.staticIp &&
    a.framedIpv6 === b.framedIpv6 &&
    a.delegatedIpv6 === b.delegatedIpv6 &&
    a.timeZone === b.timeZone &&
    a.plan === b.plan
  );
}

/**
 * A re-read entry replacing `old` takes its password in clear when the ciphertext is the same (a blocked
 * subscriber's password is not decrypted again); a reset password never inherits the old clear text.
 */
export function carryClearPassword(old: AccessEntry, fresh: AccessEntry): void {
  if (fresh[CLEAR_PASSWORD] === undefined && old.passwordEnc === fresh.passwordEnc) {
    fresh[CLEAR_PASSWORD] = old[CLEAR_PASSWORD];
  }
}

export async function loadNas(db: Db): Promise<NasEntry[]> {
  const rows = await queryRows<{
    id: number;
    region_id: number;
    name: string;
    address: string;
    secret_enc: string;
    vendor: NasVendor;
    coa_port: number;
    require_message_authenticator: boolean;
    active: boolean;
  }>(
    db,
    sql`select id, region_id, name, host(address) as address, secret_enc, vendor, coa_port,
               require_message_authenticator, active from nas`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    regionId: Number(r.region_id),
    name: r.name,
    address: r.address,
    secretEnc: r.secret_enc,
    vendor: r.vendor,
    coaPort: Number(r.coa_port),
    requireMessageAuthenticator: r.require_message_authenticator,
    active: r.active,
  }));
}

/**
 * Plans' network profiles parsed once: every entry of a plan shares the object (a full reload of a million
 * entries parses each plan's JSON once, and an unchanged profile is the same object, so sameAccess keeps
 * the entries). A changed profile is a new text, hence a new object.
 */
const plans = new Map<string, PlanNetwork>();
function planNetwork(r: AccessRow): PlanNetwork {
  const key = `${r.tariff_id}|${r.plan_max ?? ''}|${r.plan_windows}|${r.plan_attributes}`;
  let p = plans.get(key);
  if (!p) {
    p = {
      tariffId: Number(r.tariff_id),
      maxSessions: r.plan_max === null ? null : Number(r.plan_max),
      windows: JSON.parse(r.plan_windows ?? '[]') as SpeedWindow[],
      attributes: JSON.parse(r.plan_attributes ?? '[]') as AttributeTemplate[],
    };
    if (plans.size > 10_000) plans.clear();
    plans.set(key, p);
  }
  return p;
}
