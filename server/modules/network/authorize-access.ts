import type { NasVendor } from '../../db/schema/index.js';
import type { NetworkDirectory } from './directory.js';
import type { AccessEntry } from './load-access.js';
import { decryptSecret } from './network-crypto.js';
import { classFor, identify, type RestAttributes } from './radius-attributes.js';
import { type NetworkNames, type Profile, type RadiusAttribute, serviceAttributes } from './vendor-attributes.js';

export interface AuthorizeContext {
  directory: NetworkDirectory;
  names: NetworkNames;
  appSecret: string;
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
 * The authorize answer for one Access-Request, from memory only (docs/network.md): who it is (login,
 * MAC or Option 82), whether they may connect, and with what. PPPoE gets the password in
 * control:Cleartext-Password for FreeRADIUS's pap/chap/mschap to check; IPoE is accepted by the port or
 * MAC it comes from (control:Auth-Type := Accept). Values are never xlat-expanded by FreeRADIUS.
 */
export function authorizeAccess(ctx: AuthorizeContext, nasAddress: string, a: RestAttributes): RestAnswer {
  if (!ctx.directory.current && ctx.offlineAuth === 'reject') return reject('unavailable', 503);
  const who = identify(a, ctx.directory);
  const entry = who.entry;
  if (!entry) return reject('unknown');
  const profile = profileOf(entry);
  if (!profile) return reject('terminated');

  const body: RestAnswer['body'] = {};
  if (who.by === 'login') {
    if (!entry.passwordEnc) return reject('no_password');
    const password = decryptSecret('network-password', entry.passwordEnc, ctx.appSecret);
    body['control:Cleartext-Password'] = { value: [password], do_xlat: false };
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
  return { status: 200, body };
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
