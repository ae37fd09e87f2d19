import { authenticator } from 'otplib';

import { isSealed, open, type SecretKeys } from '../../crypto/secret-box.js';

// RFC 6238 codes, 30 s steps; one step of clock drift either way is accepted.
authenticator.options = { window: 1 };
const STEP_MS = 30_000;

export function newTotpSecret(): string {
  return authenticator.generateSecret();
}

export function totpUri(label: string, secret: string): string {
  return authenticator.keyuri(label, 'Abonent', secret);
}

/** A stored TOTP secret (staff or subscriber): sealed, or (written before encryption) plain base32. */
export function storedTotpSecret(stored: string, keys: SecretKeys): string {
  return isSealed(stored) ? open(stored, 'totp', keys) : stored;
}

/**
 * The RFC 6238 time step (counter) the code belongs to — now, one before or one after — or null when it
 * matches none. The caller accepts a step only once (`totp_last_step`), so a code seen over a shoulder
 * or in a log never works a second time.
 */
export function matchTotpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = authenticator.clone({ epoch: now }).checkDelta(code, secret);
  return delta === null ? null : Math.floor(now / STEP_MS) + delta;
}

/** The code of a time step (tests, and the step a fresh code belongs to). */
export function totpCodeAt(secret: string, step: number): string {
  return authenticator.clone({ epoch: step * STEP_MS }).generate(secret);
}

export function currentTotpStep(now = Date.now()): number {
  return Math.floor(now / STEP_MS);
}

export function currentTotp(secret: string): string {
  return totpCodeAt(secret, currentTotpStep());
}
