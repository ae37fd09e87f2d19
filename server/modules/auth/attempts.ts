import { isIP } from 'node:net';

import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { authAttempts } from '../../metrics/metrics.js';

/**
 * Attempts at a secret (a password, a TOTP code, a one-time code) are counted BEFORE the secret is
 * checked: one `INSERT … ON CONFLICT DO UPDATE … RETURNING` per key decides and counts in the same
 * row lock, so however many guesses arrive at once, at most the rule's number reach the check. (The
 * old way — read the lock, verify, count the failure — let hundreds of parallel guesses through one
 * window.) Rules and figures: docs/security.md, "Limits".
 */
export type AttemptRule =
  /** `limit` attempts per `windowSeconds`; the attempt that reaches it locks the key for `lockSeconds` (0: to the window's end). */
  | { kind: 'limit'; limit: number; windowSeconds: number; lockSeconds: number }
  /**
   * Progressive delay, never a lock: `free` attempts, then each one makes the next wait 1, 2, 4 … up to
   * `maxDelaySeconds`; the count starts again after `quietSeconds` without an attempt.
   */
  | { kind: 'delay'; free: number; quietSeconds: number; maxDelaySeconds: number };

export interface AttemptKey {
  key: string;
  rule: AttemptRule;
  /** After the secret proved right: forget the key (`reset`), give this attempt back (`refund`), or keep it. */
  onSuccess: 'reset' | 'refund' | 'keep';
  /** Give the attempt back when a key after this one refused it (so a flood does not use up a victim's budget). */
  refundIfLaterRefused?: boolean;
}

/** What each endpoint's checks are called in `abonent_auth_attempts_total`. */
export type AttemptEndpoint =
  | 'subscriber_sign_in'
  | 'staff_sign_in'
  | 'totp'
  | 'password_check'
  | 'recovery_complete'
  | 'recovery_code'
  | 'contact_code'
  | 'staff_reset_link';

export interface TakenAttempt {
  endpoint: AttemptEndpoint;
  keys: AttemptKey[];
  /** Seconds a `limit` key stays locked because this attempt was its last one (0: none). */
  lockedFor: number;
}

const secs = (n: number) => sql`make_interval(secs => ${n})`;

/** One statement: counts an attempt on the key if its rule lets it through, and says whether it did. */
async function takeOne(db: Db, k: AttemptKey): Promise<{ allowed: boolean; count: number; wait: number }> {
  const r = k.rule;
  let insertLock, set, wait;
  if (r.kind === 'limit') {
    const fresh = sql`(r.window_started_at < now() - ${secs(r.windowSeconds)} and (r.locked_until is null or r.locked_until <= now()))`;
    const allowed = sql`(${fresh} or ((r.locked_until is null or r.locked_until <= now()) and r.count < ${r.limit}))`;
    const count = sql`(case when ${fresh} then 1 when ${allowed} then r.count + 1 else r.count end)`;
    const lockFor = secs(r.lockSeconds);
    insertLock = sql`case when 1 >= ${r.limit} then now() + ${lockFor} end`;
    set = sql`count = ${count},
      window_started_at = case when ${fresh} then now() else r.window_started_at end,
      locked_until = case when ${allowed} and ${count} >= ${r.limit} then now() + ${lockFor}
                          when ${fresh} then null else r.locked_until end,
      allowed = ${allowed}`;
    // Refused (or now full): until the lock ends, and at least until the window ends.
    wait = sql`greatest(coalesce(locked_until, now()), case when count >= ${r.limit} then window_started_at + ${secs(r.windowSeconds)} else now() end)`;
  } else {
    const quiet = sql`(r.window_started_at < now() - ${secs(r.quietSeconds)})`;
    const allowed = sql`(${quiet} or r.locked_until is null or r.locked_until <= now())`;
    const count = sql`(case when ${quiet} then 1 when ${allowed} then r.count + 1 else r.count end)`;
    const delay = (n: ReturnType<typeof sql>) =>
      sql`make_interval(secs => least(${r.maxDelaySeconds}, power(2, ${n} - ${r.free} - 1)))`;
    insertLock = sql`case when 1 > ${r.free} then now() + ${delay(sql`1`)} end`;
    set = sql`count = ${count},
      window_started_at = case when ${allowed} then now() else r.window_started_at end,
      locked_until = case when not ${allowed} then r.locked_until
                          when ${count} > ${r.free} then now() + ${delay(count)} end,
      allowed = ${allowed}`;
    wait = sql`coalesce(locked_until, now())`;
  }
  const [row] = await queryRows<{ allowed: boolean; count: number; wait: number }>(
    db,
    sql`insert into rate_limits as r (key, count, window_started_at, locked_until, allowed)
        values (${k.key}, 1, now(), ${insertLock}, true)
        on conflict (key) do update set ${set}
        returning allowed, count, greatest(0, ceil(extract(epoch from ${wait} - now())))::int as wait`,
  );
  return row!;
}

async function refund(db: Db, k: AttemptKey): Promise<void> {
  const limit = k.rule.kind === 'limit' ? k.rule.limit : k.rule.free + 1;
  await db.execute(
    sql`update rate_limits set count = greatest(count - 1, 0),
          locked_until = case when count - 1 < ${limit} then null else locked_until end
        where key = ${k.key}`,
  );
}

/**
 * Takes one attempt on every key, in order (the caller's address first, then what is guessed at, the
 * endpoint's global ceiling last). The first key that refuses ends it: `rate_limited` with the seconds
 * to wait, after giving back the attempts marked `refundIfLaterRefused`. The secret may be checked only
 * after this returns.
 */
export async function takeAttempt(db: Db, endpoint: AttemptEndpoint, keys: AttemptKey[]): Promise<TakenAttempt> {
  let lockedFor = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const r = await takeOne(db, k);
    if (!r.allowed) {
      for (const earlier of keys.slice(0, i)) if (earlier.refundIfLaterRefused) await refund(db, earlier);
      authAttempts.inc({ endpoint, outcome: 'refused' });
      throw new AppError('rate_limited', { retryAfter: Math.max(1, r.wait) });
    }
    if (k.rule.kind === 'limit' && r.count >= k.rule.limit) lockedFor = Math.max(lockedFor, r.wait);
  }
  return { endpoint, keys, lockedFor };
}

/** The secret was right: reset or refund the keys as each says. */
export async function attemptSucceeded(db: Db, taken: TakenAttempt): Promise<void> {
  authAttempts.inc({ endpoint: taken.endpoint, outcome: 'right' });
  for (const k of taken.keys) {
    if (k.onSuccess === 'reset') await db.execute(sql`delete from rate_limits where key = ${k.key}`);
    else if (k.onSuccess === 'refund') await refund(db, k);
  }
}

/**
 * The secret was wrong: throws `rate_limited` when this attempt was a key's last one (the next would
 * wait anyway, and saying so now matches what the caller meets next), else the given error.
 */
export function attemptFailed(taken: TakenAttempt, error: AppError): never {
  authAttempts.inc({ endpoint: taken.endpoint, outcome: 'wrong' });
  if (taken.lockedFor > 0) throw new AppError('rate_limited', { retryAfter: taken.lockedFor });
  throw error;
}

/**
 * The key part for a client address: an IPv4 address as is (also written IPv4-mapped), an IPv6 address
 * by its /64 — one subscriber line or host usually gets a whole /64, so per-address limits would
 * otherwise reset with every address of it.
 */
export function addressKey(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  const groups = expandIpv6(bare);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case hex without leading zeros. */
function expandIpv6(ip: string): string[] {
  let s = ip.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = s.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g || '0', 16).toString(16));
}
