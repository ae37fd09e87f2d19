import type { Config } from '../../config.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { addressKey, type AttemptEndpoint, type AttemptKey, type AttemptRule } from './attempts.js';

/**
 * Every limit on guessing a secret, in one place (docs/security.md, "Limits", repeats these figures).
 * Each is counted before the secret is checked (attempts.ts), so none can be raced.
 */

/** Per client address (an IPv6 client by its /64): 20 checks in 15 minutes, then 15 minutes of 429. Right ones are given back. */
export const PER_ADDRESS: AttemptRule = { kind: 'limit', limit: 20, windowSeconds: 900, lockSeconds: 900 };
/** Per contract, from devices it has not signed in on: 5 wrong passwords in 15 minutes lock it for 15 minutes. */
export const PER_CONTRACT: AttemptRule = { kind: 'limit', limit: 5, windowSeconds: 900, lockSeconds: 900 };
/**
 * Per staff e-mail, from devices not known to it: 5 tries, then a delay that doubles from 1 s to 60 s
 * between tries (never a lock, so a stranger guessing cannot lock a staff member out; their own devices
 * are not delayed at all), starting over after 15 quiet minutes.
 */
export const PER_STAFF_EMAIL: AttemptRule = { kind: 'delay', free: 5, quietSeconds: 900, maxDelaySeconds: 60 };
/** Per device that has signed in to this login before (device token): 5 wrong in 15 minutes lock that device only. */
export const PER_DEVICE: AttemptRule = { kind: 'limit', limit: 5, windowSeconds: 900, lockSeconds: 900 };
/** TOTP codes per person (checked only after the right password): 5 in 15 minutes, and 20 a day. */
export const TOTP_PER_USER: AttemptRule = { kind: 'limit', limit: 5, windowSeconds: 900, lockSeconds: 900 };
export const TOTP_PER_DAY: AttemptRule = { kind: 'limit', limit: 20, windowSeconds: 86_400, lockSeconds: 0 };
/** Recovery codes, staff reset links and contact-confirmation codes per address: 20 in an hour. */
export const CODES_PER_ADDRESS: AttemptRule = { kind: 'limit', limit: 20, windowSeconds: 3600, lockSeconds: 3600 };

/** The caller's address, first of every check (its own budget: never given back when a later key refuses). */
export const addressAttempt = (ip: string, prefix = 'login:ip'): AttemptKey => ({
  key: `${prefix}:${addressKey(ip)}`,
  rule: prefix === 'login:ip' ? PER_ADDRESS : CODES_PER_ADDRESS,
  onSuccess: 'refund',
});

/** The endpoint's global ceiling, last of every check: `AUTH_ATTEMPTS_PER_MINUTE` across all clients and servers. */
export const ceilingAttempt = (endpoint: AttemptEndpoint, perMinute: number): AttemptKey => ({
  key: `ceiling:${endpoint}`,
  rule: { kind: 'limit', limit: perMinute, windowSeconds: 60, lockSeconds: 0 },
  onSuccess: 'keep',
});

/** What the sign-in and account-security use-cases need from the configuration. */
export interface AuthSettings {
  secrets: SecretKeys;
  attemptsPerMinute: number;
  staffSessionSeconds: number;
  staffIdleSeconds: number;
}

export function authSettings(config: Config): AuthSettings {
  return {
    secrets: config.secrets,
    attemptsPerMinute: config.AUTH_ATTEMPTS_PER_MINUTE,
    staffSessionSeconds: config.STAFF_SESSION_HOURS * 3600,
    staffIdleSeconds: config.STAFF_SESSION_IDLE_MINUTES * 60,
  };
}
