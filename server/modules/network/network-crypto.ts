import { randomInt } from 'node:crypto';

import { open, seal, type SecretKeys } from '../../crypto/secret-box.js';

/**
 * Network secrets that must be read back in clear — PPPoE passwords (CHAP and MS-CHAP compute with the
 * clear text, so a one-way hash cannot serve them) and NAS shared secrets (CoA packets are signed with
 * them) — are sealed at rest like passports and TOTP secrets (crypto/secret-box.ts): a key id in every
 * value, APP_SECRET_PREVIOUS accepted for opening, `abonent secrets reseal` rewriting them after a
 * rotation. A database dump alone does not reveal them.
 */
export type SecretPurpose = 'network-password' | 'nas-secret';

export function encryptSecret(purpose: SecretPurpose, plain: string, keys: string | SecretKeys): string {
  return seal(plain, purpose, keys);
}

/** Throws when no configured key opens the value (a wrong APP_SECRET, or reseal ran with another one). */
export function decryptSecret(purpose: SecretPurpose, stored: string, keys: string | SecretKeys): string {
  return open(stored, purpose, keys);
}

// No 0/O, 1/l/I: typed from the contract into a router.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A PPPoE password: 10 characters of letters and digits (~58 bits), at least one of each. */
export function generateNetworkPassword(length = 10): string {
  let p = '';
  while (!/\d/.test(p) || !/[a-zA-Z]/.test(p)) {
    p = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
  return p;
}
