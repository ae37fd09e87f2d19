import { createHash, timingSafeEqual } from 'node:crypto';

import { normaliseMac } from '../../../common/network.js';
import { uuid7 } from '../../crypto/uuid7.js';
import type { NasVendor } from '../../db/schema/index.js';
import type { ClearPasswords } from './clear-passwords.js';
import type { NetworkDirectory } from './directory.js';
import type { AccessEntry } from './load-access.js';
import { attr, classFor, hexAttr, identify, type RestAttributes } from './radius-attributes.js';
import { type NetworkNames, type Profile, type RadiusAttribute, serviceAttributes } from './vendor-attributes.js';
import type { AuthRecord } from './write-radius-records.js';

export interface AuthorizeContext {
  directory: NetworkDirectory;
  names: NetworkNames;
  passwords: ClearPasswords;
  interimSeconds: number;
  offlineAuth: 'last_known' | 'reject';
}

/** rlm_rest's answer: the status decides (200 go on, 401 reject, 503 fail) and the body sets attributes. */
export interface RestAnswer {
  status: 200 | 401 | 503;
  body: Record<string, { value: (string | number)[]; op?: string; do_xlat: false }>;
}

export type RejectReason = 'unknown' | 'terminated' | 'no_password' | 'password' | 'unavailable';

const REJECT_TEXT: Record<RejectReason, string> = {
  unknown: 'Unknown subscriber',
  terminated: 'Contract terminated',
  no_password: 'No network password issued',
  password: 'Wrong password',
  unavailable: 'Service temporarily unavailable',
};

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
  if (!entry) return { answer: reject('unknown'), record: outcome('reject', 'unknown') };
  const profile = profileOf(entry);
  if (!profile) return { answer: reject('terminated'), record: outcome('reject', 'terminated') };

  const body: RestAnswer['body'] = {};
  let decided = true;
  if (who.by === 'login') {
    if (!entry.passwordEnc) return { answer: reject('no_password'), record: outcome('reject', 'no_password') };
    const password = ctx.passwords.get(entry, entry.passwordEnc);
    if ('MS-CHAP-Challenge' in a) {
      body['control:Cleartext-Password'] = { value: [password], do_xlat: false };
      decided = false;
    } else if (!passwordMatches(a, password)) {
      return { answer: reject('password'), record: outcome('reject', 'password') };
    } else {
      body['control:Auth-Type'] = { value: ['Accept'], do_xlat: false };
    }
  } else {
    // IPoE: the subscriber is known by the port or MAC; there is no password to check.
    body['control:Auth-Type'] = { value: ['Accept'], do_xlat: false };
  }
  const vendor: NasVendor = ctx.directory.nasAt(nasAddress)?.vendor ?? 'generic';
  const attrs: RadiusAttribute[] = [
    ...serviceAttributes(
      vendor,
      { profile, downKbps: entry.downKbps, upKbps: entry.upKbps, staticIp: entry.staticIp },
      ctx.names,
    ),
    ['Acct-Interim-Interval', ctx.interimSeconds],
    ['Class', classFor(entry.accountId)],
  ];
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

function reject(reason: RejectReason, status: 401 | 503 = 401): RestAnswer {
  return { status, body: { 'reply:Reply-Message': { value: [REJECT_TEXT[reason]], do_xlat: false } } };
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
  return 'password';
}
