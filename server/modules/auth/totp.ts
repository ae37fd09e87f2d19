import { authenticator } from 'otplib';

import { isSealed, open, type SecretKeys } from '../../crypto/secret-box.js';

// RFC 6238 codes, 30 s steps; one step of clock drift either way is accepted.
authenticator.options = { window: 1 };

export function newTotpSecret(): string {
  return authenticator.generateSecret();
}

export function totpUri(email: string, secret: string): string {
  return authenticator.keyuri(email, 'Abonent', secret);
}

/** The TOTP secret of a staff row: sealed (or, written before encryption, plain base32). */
export function storedTotpSecret(stored: string, keys: SecretKeys): string {
  return isSealed(stored) ? open(stored, 'totp', keys) : stored;
}

export function verifyTotp(secret: string, code: string): boolean {
  return /^\d{6}$/.test(code) && authenticator.check(code, secret);
}

export function currentTotp(secret: string): string {
  return authenticator.generate(secret);
}
