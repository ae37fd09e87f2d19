import type * as argon2 from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff, buildSubscriber } from '../../test/factories.js';
import { issueCode } from '../recovery/codes.js';
import { addressKey } from './attempts.js';
import { hashPassword } from './passwords.js';
import { pruneRateLimits } from './prune-rate-limits.js';

/**
 * Issue 26, item 2: attempts are counted before they are checked. Each race fires 500 guesses at once
 * (on PostgreSQL over a pool of connections, really concurrent; on PGlite interleaved at every await,
 * which raced the old read-verify-count order just the same) and counts the secrets actually checked:
 * argon2 verifications (a spy on @node-rs/argon2), TOTP comparisons (a spy on otplib), and a code's
 * `attempts` column (every comparison takes one first). The bounds are docs/security.md's "Limits".
 */
const calls = vi.hoisted(() => ({ verify: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const orig = await importOriginal<typeof argon2>();
  return {
    ...orig,
    verify: (...args: Parameters<typeof orig.verify>) => {
      calls.verify++;
      return orig.verify(...args);
    },
  };
});

const RACE = 500;
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(() => t.close());

let ipSeq = 1;
/** A different client address for every guess, so only the per-login limits can stop them. */
const freshIp = () => `10.${100 + Math.floor(ipSeq / 62500)}.${Math.floor(ipSeq / 250) % 250}.${ipSeq++ % 250}`;

async function race(inject: (i: number) => Promise<{ statusCode: number; json(): { error?: { code: string } } }>) {
  const answers = await Promise.all(Array.from({ length: RACE }, (_, i) => inject(i)));
  const codes = new Map<string, number>();
  for (const a of answers) {
    const c = a.statusCode === 200 ? 'ok' : (a.json().error?.code ?? String(a.statusCode));
    codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  return codes;
}

describe('500 parallel guesses: at most the documented number are checked', () => {
  it('subscriber sign-in: at most 5 passwords verified for one contract, then it is locked', async () => {
    const s = await buildSubscriber(t.database.db, { passwordHash: await hashPassword('Right-pass-2026') });
    const before = calls.verify;
    const codes = await race((i) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: freshIp(),
        payload: { contract: s.contract.number, password: `wrong-guess-${i}` },
      }),
    );
    const verified = calls.verify - before;
    expect(verified).toBeGreaterThan(0);
    expect(verified).toBeLessThanOrEqual(5);
    expect(codes.get('rate_limited')).toBeGreaterThanOrEqual(RACE - 5);
    // Locked: even the right password waits now.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: freshIp(),
      payload: { contract: s.contract.number, password: 'Right-pass-2026' },
    });
    expect(right.statusCode).toBe(429);
  }, 120_000);

  it('staff sign-in: at most 6 passwords verified for one e-mail at once, then one per delay (1, 2, 4 … s)', async () => {
    const staff = await buildStaff(t.database.db, {
      role: 'operator',
      passwordHash: await hashPassword('Operator-pass-2026'),
    });
    const before = calls.verify;
    const started = Date.now();
    const codes = await race((i) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: staff.user.email, password: `wrong-guess-${i}` },
      }),
    );
    const verified = calls.verify - before;
    // The race itself lasts seconds (longer on a loaded machine): one more try opens after each delay.
    const seconds = (Date.now() - started) / 1000;
    let bound = 6;
    for (let delay = 1, waited = 1; waited <= seconds; delay = Math.min(60, delay * 2), waited += delay) bound++;
    expect(verified).toBeGreaterThan(0);
    expect(verified).toBeLessThanOrEqual(bound);
    expect(codes.get('rate_limited')).toBeGreaterThanOrEqual(RACE - bound);
  }, 120_000);

  it('TOTP: with the right password, at most 5 codes compared for one person', async () => {
    const password = 'Finance-pass-2026';
    const fin = await buildStaff(t.database.db, { role: 'finance', passwordHash: await hashPassword(password) });
    const right = authenticator.generate(fin.totpSecret!);
    const checkDelta = vi.spyOn(Object.getPrototypeOf(authenticator) as typeof authenticator, 'checkDelta');
    try {
      const codes = await race((i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/staff/login',
          remoteAddress: freshIp(),
          payload: {
            email: fin.user.email,
            password,
            totp: String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'),
          },
        }),
      );
      expect(checkDelta.mock.calls.length).toBeGreaterThan(0);
      expect(checkDelta.mock.calls.length).toBeLessThanOrEqual(5);
      expect(codes.get('ok') ?? 0).toBeLessThanOrEqual(1); // (a guess may hit the window's neighbouring step)
      expect(codes.get('rate_limited')).toBeGreaterThanOrEqual(RACE - 5);
    } finally {
      checkDelta.mockRestore();
    }
  }, 180_000);

  it('recovery codes: at most 5 compared for one code', async () => {
    const s = await buildSubscriber(t.database.db, {});
    const { code } = await issueCode(t.database.db, { contractId: s.contract.id, purpose: 'recovery' });
    const codes = await race((i) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/recovery/complete',
        remoteAddress: freshIp(),
        payload: {
          account: s.account.number,
          code: String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
          newPassword: 'Brand-new-pass-2026',
        },
      }),
    );
    const [row] = await queryRows<{ attempts: number }>(
      t.database.db,
      sql`select attempts from verification_codes where contract_id = ${s.contract.id} and purpose = 'recovery'`,
    );
    expect(row!.attempts).toBeLessThanOrEqual(5);
    expect(codes.get('ok')).toBeUndefined();
    expect(codes.get('recovery_code_invalid')).toBe(RACE);
  }, 180_000);

  it('contact-confirmation codes: at most 5 compared for one code', async () => {
    const password = 'Contact-pass-2026';
    const s = await buildSubscriber(t.database.db, { passwordHash: await hashPassword(password) });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: freshIp(),
      payload: { contract: s.contract.number, password },
    });
    const auth = { authorization: `Bearer ${login.json().token}` };
    const { code } = await issueCode(t.database.db, {
      contractId: s.contract.id,
      purpose: 'contact_email',
      target: 'race@example.net',
    });
    const codes = await race((i) =>
      t.app.inject({
        method: 'POST',
        url: '/api/me/contacts/confirm',
        headers: auth,
        payload: { kind: 'email', code: String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0') },
      }),
    );
    const [row] = await queryRows<{ attempts: number }>(
      t.database.db,
      sql`select attempts from verification_codes where contract_id = ${s.contract.id} and purpose = 'contact_email'`,
    );
    expect(row!.attempts).toBeLessThanOrEqual(5);
    expect(codes.get('contact_code_invalid')).toBe(RACE);
  }, 120_000);
});

describe('the global ceiling and known devices', () => {
  it('checks at most AUTH_ATTEMPTS_PER_MINUTE passwords a minute across logins; a known device still signs in', async () => {
    const c = await createTestApp({ AUTH_ATTEMPTS_PER_MINUTE: 40 });
    try {
      const password = 'Known-device-2026';
      const owner = await buildSubscriber(c.database.db, { passwordHash: await hashPassword(password) });
      const first = await c.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: freshIp(),
        payload: { contract: owner.contract.number, password },
      });
      const deviceToken = first.json().deviceToken as string;
      const before = calls.verify;
      const codes = await race((i) =>
        c.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: freshIp(),
          payload: { contract: `90000${i}`, password: 'spray-guess-1' },
        }),
      );
      // The first sign-in used one of the minute's 40; 39 more were checked, the rest waited.
      expect(calls.verify - before).toBeLessThanOrEqual(39);
      expect(codes.get('rate_limited')).toBeGreaterThanOrEqual(RACE - 39);
      const stranger = await c.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: freshIp(),
        payload: { contract: owner.contract.number, password },
      });
      expect(stranger.statusCode).toBe(429);
      const known = await c.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: freshIp(),
        payload: { contract: owner.contract.number, password, deviceToken },
      });
      expect(known.statusCode).toBe(200);
    } finally {
      await c.close();
    }
  }, 180_000);

  it('a stranger guessing a staff e-mail cannot lock its owner out: their device signs in, others wait at most 60 s', async () => {
    const password = 'Support-pass-2026';
    const staff = await buildStaff(t.database.db, { role: 'support', passwordHash: await hashPassword(password) });
    const login = (extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: staff.user.email, password, ...extra },
      });
    const guess = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: staff.user.email, password: `guess-${i}` },
      });
    const deviceToken = (await login()).json().deviceToken as string;
    // Five free tries, then each allowed one doubles the wait: 1, 2, 4, 8 s. The guesser waits it out:
    // the limiter's row is moved that many seconds into the past (its clock is the database's now()).
    const answers: string[] = [];
    const waitOut = (seconds: number) =>
      t.database.db.execute(
        sql`update rate_limits set locked_until = locked_until - make_interval(secs => ${seconds}),
              window_started_at = window_started_at - make_interval(secs => ${seconds})
            where key = ${`login:staff:${staff.user.email}`}`,
      );
    for (let i = 0; answers.filter((a) => a === 'invalid_staff_credentials').length < 9; i++) {
      const r = await guess(i);
      answers.push(r.json().error.code);
      if (r.statusCode === 429) await waitOut(Number(r.headers['retry-after']));
    }
    const refused = await guess(99);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(7);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(8);
    // A device token of another login does not help; the owner's own browser is not delayed at all.
    const other = await buildStaff(t.database.db, { role: 'support', passwordHash: await hashPassword(password) });
    const otherToken = (
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/staff/login',
        remoteAddress: freshIp(),
        payload: { email: other.user.email, password },
      })
    ).json().deviceToken as string;
    expect((await login({ deviceToken: otherToken })).statusCode).toBe(429);
    expect((await login({ deviceToken })).statusCode).toBe(200);
    // However long the guessing goes on, the wait stays at most a minute (never a lock).
    await t.database.db.execute(
      sql`update rate_limits set count = 40, locked_until = now() where key = ${`login:staff:${staff.user.email}`}`,
    );
    expect((await guess(100)).statusCode).toBe(401);
    const capped = await guess(101);
    expect(capped.statusCode).toBe(429);
    expect(Number(capped.headers['retry-after'])).toBe(60);
  }, 60_000);
});

describe('IPv6 clients', () => {
  it('are limited by their /64: twenty failures from addresses of one /64 lock it, not the next /64', async () => {
    const prefix = '2001:db8:77:1';
    let last = 0;
    for (let i = 1; i <= 20; i++)
      last = (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: `${prefix}::${i.toString(16)}`,
          payload: { contract: `77700${i}`, password: 'wrong-pass-1' },
        })
      ).statusCode;
    expect(last).toBe(429);
    const password = 'Ipv6-pass-2026';
    const s = await buildSubscriber(t.database.db, { passwordHash: await hashPassword(password) });
    const from = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: ip,
        payload: { contract: s.contract.number, password },
      });
    expect((await from(`${prefix}:ffff:ffff:ffff:fffe`)).statusCode).toBe(429);
    expect((await from('2001:db8:77:2::1')).statusCode).toBe(200);
  }, 60_000);

  it('addressKey keeps IPv4 as is and cuts IPv6 to its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0000:0001:abcd::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
  });
});

describe('old counters', () => {
  it('are forgotten two days after their window began, unless locked', async () => {
    await t.database.db.execute(sql`insert into rate_limits (key, count, window_started_at, locked_until) values
      ('prune:old', 3, now() - interval '3 days', null),
      ('prune:old-locked', 9, now() - interval '3 days', now() + interval '1 hour'),
      ('prune:fresh', 1, now() - interval '1 hour', null)`);
    await pruneRateLimits(t.database.db);
    const left = await queryRows<{ key: string }>(
      t.database.db,
      sql`select key from rate_limits where key like 'prune:%' order by key`,
    );
    expect(left.map((r) => r.key)).toEqual(['prune:fresh', 'prune:old-locked']);
  });
});
