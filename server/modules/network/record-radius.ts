import { normaliseMac } from '../../../common/network.js';
import { uuid7 } from '../../crypto/uuid7.js';
import { type AuthorizeContext, profileOf, rejectReason } from './authorize-access.js';
import { accountFromClass, attr, hasPassword, identify, numAttr, type RestAttributes } from './radius-attributes.js';
import type { AcctRecord, AuthRecord } from './write-radius-records.js';

/**
 * The post-auth record of one Access-Request (FreeRADIUS removed its password before calling): an outcome
 * FreeRADIUS decided — MS-CHAP, or (`cached`) an answer it gave from its cache while no Abonent endpoint
 * answered, reported when one is back (its detail file replayed; Acct-Delay-Time says how late).
 */
export function postAuthRecord(
  ctx: AuthorizeContext,
  q: { nas: string; result: string; auth: string; cached?: boolean },
  a: RestAttributes,
  now = new Date(),
): AuthRecord {
  const accepted = q.result.toLowerCase() === 'accept';
  const passworded = ['pap', 'chap', 'ms-chap'].includes(q.auth.toLowerCase()) || hasPassword(a);
  const entry = identify(a, ctx.directory, passworded).entry;
  const detail = q.cached
    ? accepted
      ? 'cache'
      : 'cache_reject'
    : accepted
      ? ((entry && profileOf(entry)) ?? 'accepted')
      : rejectReason(ctx, a, passworded || q.auth.toLowerCase() === 'none');
  return {
    id: uuid7(),
    at: new Date(now.getTime() - numAttr(a, 'Acct-Delay-Time') * 1000).toISOString(),
    nas: q.nas,
    username: (attr(a, 'User-Name') ?? '').slice(0, 253),
    accountId: entry?.accountId ?? null,
    result: accepted ? 'accept' : 'reject',
    detail,
    csid: normaliseMac(attr(a, 'Calling-Station-Id') ?? '') ?? attr(a, 'Calling-Station-Id')?.slice(0, 64) ?? null,
  };
}

const STATUS: Record<string, 'start' | 'stop' | 'interim' | 'on' | 'off'> = {
  Start: 'start',
  '1': 'start',
  Stop: 'stop',
  '2': 'stop',
  'Interim-Update': 'interim',
  Alive: 'interim',
  '3': 'interim',
  'Accounting-On': 'on',
  '7': 'on',
  'Accounting-Off': 'off',
  '8': 'off',
};

/**
 * One Accounting-Request as a record for the session writer, or null when it is not one we keep (no
 * session id, an unknown status type). The event time is Event-Timestamp when the NAS sends it, else
 * the receipt time less Acct-Delay-Time; the start is that time less Acct-Session-Time.
 */
export function accountingRecord(
  ctx: AuthorizeContext,
  nas: string,
  a: RestAttributes,
  now = new Date(),
): AcctRecord | null {
  const status = STATUS[attr(a, 'Acct-Status-Type') ?? ''];
  if (!status) return null;
  const stamp = attr(a, 'Event-Timestamp');
  const parsed = stamp ? (/^\d+$/.test(stamp) ? Number(stamp) * 1000 : Date.parse(stamp)) : NaN;
  const at = Number.isFinite(parsed)
    ? new Date(parsed)
    : new Date(now.getTime() - numAttr(a, 'Acct-Delay-Time') * 1000);
  if (status === 'on' || status === 'off') return { t: 'nas', nas, at: at.toISOString() };
  const sid = attr(a, 'Acct-Session-Id');
  if (!sid) return null;
  const user = (attr(a, 'User-Name') ?? '').slice(0, 253);
  const secs = Math.min(numAttr(a, 'Acct-Session-Time'), 2_000_000_000);
  const csidRaw = attr(a, 'Calling-Station-Id');
  // Class carries the account we accepted; without it (a NAS that drops Class) the same lookup as
  // authorize, a PPP session never matched by MAC alone.
  const accountId =
    accountFromClass(a) ?? identify(a, ctx.directory, attr(a, 'Framed-Protocol') === 'PPP').entry?.accountId ?? null;
  const framed = attr(a, 'Framed-IP-Address');
  return {
    t: 's',
    nas,
    sid: sid.slice(0, 253),
    user,
    accountId,
    ip: framed && /^[\d.]+$|^[0-9a-fA-F:]+$/.test(framed) ? framed : null,
    csid: csidRaw ? (normaliseMac(csidRaw) ?? csidRaw.slice(0, 64)) : null,
    port: attr(a, 'NAS-Port-Id')?.slice(0, 253) ?? null,
    start: new Date(at.getTime() - secs * 1000).toISOString(),
    at: at.toISOString(),
    stop: status === 'stop' ? at.toISOString() : null,
    first: status === 'start',
    inB: numAttr(a, 'Acct-Input-Octets') + numAttr(a, 'Acct-Input-Gigawords') * 2 ** 32,
    outB: numAttr(a, 'Acct-Output-Octets') + numAttr(a, 'Acct-Output-Gigawords') * 2 ** 32,
    secs,
    cause: status === 'stop' ? (attr(a, 'Acct-Terminate-Cause')?.slice(0, 64) ?? 'Unknown') : null,
  };
}
