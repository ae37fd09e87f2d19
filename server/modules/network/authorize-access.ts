import { createHash, timingSafeEqual } from 'node:crypto';

import { normaliseMac } from '../../../common/network.js';
import { uuid7 } from '../../crypto/uuid7.js';
import type { NasVendor } from '../../db/schema/index.js';
import type { ClearPasswords } from './clear-passwords.js';
import type { NetworkDirectory } from './directory.js';
import type { AccessEntry } from './load-access.js';
import type { OpenSessions } from './open-sessions.js';
import { speedAt } from './plan-speed.js';
import { attr, classFor, hexAttr, identify, type RestAttributes } from './radius-attributes.js';
import {
  type NetworkNames,
  type Profile,
  type RadiusAttribute,
  serviceAttributes,
  type ServiceState,
} from './vendor-attributes.js';
import type { AuthRecord } from './write-radius-records.js';

export interface AuthorizeContext {
  directory: NetworkDirectory;
  names: NetworkNames;
  passwords: ClearPasswords;
  interimSeconds: number;
  offlineAuth: 'last_known' | 'reject';
  /** Seconds FreeRADIUS may answer from its cache while Abonent is down (0: no cache). */
  cacheSeconds: number;
  /** Open sessions of accounts whose plan limits them (Simultaneous-Use); absent: no limit checked. */
  sessions?: OpenSessions;
}

/** rlm_rest's answer: the status decides (200 go on, 401 reject, 503 fail) and the body sets attributes. */
export interface RestAnswer {
  status: 200 | 401 | 503;
  body: Record<string, { value: (string | number)[]; op?: string; do_xlat: false }>;
}

export type RejectReason =
  'unknown' | 'terminated' | 'no_password' | 'password' | 'mac_binding' | 'sessions' | 'unavailable';

const REJECT_TEXT: Record<RejectReason, string> = {
  unknown: 'Unknown subscriber',
  terminated: 'Contract terminated',
  no_password: 'No network password issued',
  password: 'Wrong password',
  mac_binding: 'Login bound to another device',
  sessions: 'Already connected: the plan allows no more sessions at once',
  unavailable: 'Service temporarily unavailable',
};

/**
 * Rejects after which FreeRADIUS drops its cached answer for the key (docs/network.md, "Through an Abonent
 * outage"): nobody has it any more. A wrong password or another device leaves the subscriber's own answer
 * in place — else anyone could empty it for them with one bad try.
 */
const FORGET: ReadonlySet<RejectReason> = new Set(['unknown', 'terminated', 'no_password']);

export function profileOf(entry: AccessEntry): Profile | null {
  switch (entry.status) {
    case 'active':
      return 'active';
    case 'blocked':
      return 'debtor';
    case 'suspended':
      return 'suspended';
    default:
      return null;
  }
}

/**
 * The authorize answer for one Access-Request, from memory only (docs/network.md, "Authorize"): who it
 * is (login, MAC or Option 82), whether they may connect, and with what — in one call:
 * - PPPoE with PAP or CHAP: Abonent checks the password itself (CHAP: MD5 of identifier, password and
 *   challenge, RFC 1994 / RFC 2865 §5.3) and answers control:Auth-Type := Accept, or rejects;
 * - PPPoE with MS-CHAP: the password goes back in control:Cleartext-Password for FreeRADIUS's mschap to
 *   check (MD4 is not in Node's default OpenSSL), and FreeRADIUS reports the outcome in post-auth;
 * - IPoE: accepted by the port or MAC it comes from.
 * Values are never xlat-expanded by FreeRADIUS. `record` is the post-auth record of an outcome decided
 * here (null when FreeRADIUS will decide and report it).
 */
export function authorizeAccess(
  ctx: AuthorizeContext,
  nasAddress: string,
  a: RestAttributes,
  now = new Date(),
): { answer: RestAnswer; record: AuthRecord | null } {
  if (!ctx.directory.current && ctx.offlineAuth === 'reject') {
    return { answer: reject('unavailable', 503), record: null };
  }
  const who = identify(a, ctx.directory);
  const entry = who.entry;
  const outcome = (result: 'accept' | 'reject', detail: string): AuthRecord => ({
    id: uuid7(),
    at: now.toISOString(),
    nas: nasAddress,
    username: (attr(a, 'User-Name') ?? '').slice(0, 253),
    accountId: entry?.accountId ?? null,
    result,
    detail,
    csid: callingStation(a),
  });
  const refuse = (why: RejectReason) => ({ answer: reject(why, 401, ctx), record: outcome('reject', why) });
  if (!entry) return refuse('unknown');
  const profile = profileOf(entry);
  if (!profile) return refuse('terminated');

  const body: RestAnswer['body'] = {};
  let decided = true;
  if (who.by === 'login') {
    if (!entry.passwordEnc) return refuse('no_password');
    if (entry.macBinding && entry.mac && callingStation(a) !== entry.mac) return refuse('mac_binding');
    const password = ctx.passwords.get(entry, entry.passwordEnc);
    if ('MS-CHAP-Challenge' in a) {
      decided = false;
    } else if (!passwordMatches(a, password)) {
      return refuse('password');
    } else {
      body['control:Auth-Type'] = { value: ['Accept'], do_xlat: false };
    }
    // MS-CHAP: for FreeRADIUS's mschap to check. PAP and CHAP: decided here, but kept with the cached
    // answer so that FreeRADIUS can check the password itself while Abonent is down (its memory only).
    if (!decided || ctx.cacheSeconds > 0) body['control:Cleartext-Password'] = { value: [password], do_xlat: false };
    if (entry.macBinding && entry.mac && ctx.cacheSeconds > 0) {
      // The device as this NAS spells it: a cached answer is given only to the same Calling-Station-Id.
      body['control:Abonent-Bound-Station'] = { value: [attr(a, 'Calling-Station-Id') ?? ''], do_xlat: false };
    }
  } else {
    // IPoE: the subscriber is known by the port or MAC; there is no password to check.
    body['control:Auth-Type'] = { value: ['Accept'], do_xlat: false };
  }
  // Simultaneous-Use: the plan's limit of sessions at once (the device asking does not count against itself).
  const max = entry.plan?.maxSessions;
  if (max && ctx.sessions && ctx.sessions.count(entry.accountId, callingStation(a)) >= max) return refuse('sessions');
  const vendor: NasVendor = ctx.directory.nasAt(nasAddress)?.vendor ?? 'generic';
  const attrs: RadiusAttribute[] = [
    ...serviceAttributes(vendor, serviceState(entry, profile, now), ctx.names),
    ['Acct-Interim-Interval', ctx.interimSeconds],
    ['Class', classFor(entry.accountId)],
  ];
  // FreeRADIUS replaces its cached answer for this key with this one, for that long (policy.d/abonent).
  if (ctx.cacheSeconds > 0) body['control:Abonent-Cache-TTL'] = { value: [ctx.cacheSeconds], do_xlat: false };
  for (const [name, value] of attrs) {
    const key = `reply:${name}`;
    const have = body[key];
    if (have) {
      have.value.push(value);
      have.op = '+=';
    } else body[key] = { value: [value], do_xlat: false };
  }
  return { answer: { status: 200, body }, record: decided ? outcome('accept', profile) : null };
}

/** What the NAS is told for an entry now: the speed in force (a window of the day), addresses, templates. */
export function serviceState(entry: AccessEntry, profile: Profile, now: Date): ServiceState {
  const speed = speedAt(
    { downKbps: entry.downKbps, upKbps: entry.upKbps, windows: entry.plan?.windows, timeZone: entry.timeZone },
    now,
  );
  return {
    profile,
    ...speed,
    staticIp: entry.staticIp,
    framedIpv6: entry.framedIpv6,
    delegatedIpv6: entry.delegatedIpv6,
    templates: entry.plan?.attributes,
  };
}

/** PAP: the password as sent; CHAP: MD5(identifier ‖ password ‖ challenge) = the response. */
export function passwordMatches(a: RestAttributes, password: string): boolean {
  const pap = attr(a, 'User-Password');
  if (pap !== undefined) return safeEqual(Buffer.from(pap, 'utf8'), Buffer.from(password, 'utf8'));
  const chap = hexAttr(a, 'CHAP-Password');
  const challenge = hexAttr(a, 'CHAP-Challenge');
  if (!chap || chap.length !== 34 || !challenge) return false;
  const given = Buffer.from(chap, 'hex');
  const expected = createHash('md5')
    .update(given.subarray(0, 1))
    .update(Buffer.from(password, 'utf8'))
    .update(Buffer.from(challenge, 'hex'))
    .digest();
  return safeEqual(given.subarray(1), expected);
}

function safeEqual(x: Buffer, y: Buffer): boolean {
  return x.length === y.length && timingSafeEqual(x, y);
}

function callingStation(a: RestAttributes): string | null {
  const raw = attr(a, 'Calling-Station-Id');
  return raw ? (normaliseMac(raw) ?? raw.slice(0, 64)) : null;
}

function reject(reason: RejectReason, status: 401 | 503 = 401, ctx?: AuthorizeContext): RestAnswer {
  const body: RestAnswer['body'] = { 'reply:Reply-Message': { value: [REJECT_TEXT[reason]], do_xlat: false } };
  // 0: FreeRADIUS drops what it cached for this key.
  if (ctx && ctx.cacheSeconds > 0 && FORGET.has(reason)) {
    body['control:Abonent-Cache-TTL'] = { value: [0], do_xlat: false };
  }
  return { status, body };
}

/**
 * Why a rejected request was rejected, for the post-auth log (FreeRADIUS reports only "Reject").
 * `passworded`: the request carried a password (FreeRADIUS removes it before post-auth and tells
 * Abonent the Auth-Type instead).
 */
export function rejectReason(ctx: AuthorizeContext, a: RestAttributes, passworded: boolean): RejectReason {
  const entry = identify(a, ctx.directory, passworded).entry;
  if (!entry) return 'unknown';
  if (!profileOf(entry)) return 'terminated';
  if (passworded && !entry.passwordEnc) return 'no_password';
  if (passworded && entry.macBinding && entry.mac && callingStation(a) !== entry.mac) return 'mac_binding';
  return 'password';
}
