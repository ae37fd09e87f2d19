import { open, seal, type SecretKeys } from '../../crypto/secret-box.js';

/**
 * Passport series and number are personal data (152-ФЗ): stored encrypted (server/crypto/secret-box.ts)
 * under a key derived from APP_SECRET; only the last four digits stay in clear for staff to compare.
 */
export function encryptPassport(plain: string, secret: string | SecretKeys): string {
  return seal(plain, 'passport', secret);
}

export function decryptPassport(stored: string, secret: string | SecretKeys): string {
  return open(stored, 'passport', secret);
}
