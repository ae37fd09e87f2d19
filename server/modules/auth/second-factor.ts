import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { attemptFailed, attemptSucceeded, takeAttempt } from './attempts.js';
import { addressAttempt, type AuthSettings, ceilingAttempt, TOTP_PER_DAY, TOTP_PER_USER } from './limits.js';
import { matchTotpStep, storedTotpSecret } from './totp.js';

/** Whose TOTP: a staff member (staff_users) or a subscriber (contracts). */
export type TotpOwner = { type: 'staff'; id: number } | { type: 'subscriber'; id: number };

const table = (o: TotpOwner) => (o.type === 'staff' ? sql`staff_users` : sql`contracts`);

/**
 * Marks a TOTP step used: true only for the first caller with a step later than the last one used, so
 * the same code (or an older one) never works twice, even when two requests carry it at once.
 */
export async function useTotpStep(db: Db, owner: TotpOwner, step: number): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update ${table(owner)} set totp_last_step = ${step}
        where id = ${owner.id} and (totp_last_step is null or totp_last_step < ${step}) returning id`,
  );
  return rows.length > 0;
}

/**
 * Checks the owner's current TOTP code: counted before it is checked (5 per 15 minutes and 20 a day per
 * person, the address, the endpoint's ceiling), and a step is accepted once. `totp_required` without a
 * code, `totp_invalid` for a wrong or used one, `rate_limited` past a limit.
 */
export async function checkTotp(
  db: Db,
  input: { owner: TotpOwner; stored: string; code: string | undefined; ip: string },
  settings: AuthSettings,
): Promise<void> {
  if (!input.code) throw new AppError('totp_required');
  const who = `${input.owner.type}:${input.owner.id}`;
  const taken = await takeAttempt(db, 'totp', [
    addressAttempt(input.ip),
    { key: `totp:${who}`, rule: TOTP_PER_USER, onSuccess: 'reset', refundIfLaterRefused: true },
    { key: `totp-day:${who}`, rule: TOTP_PER_DAY, onSuccess: 'refund', refundIfLaterRefused: true },
    ceilingAttempt('totp', settings.attemptsPerMinute),
  ]);
  const step = matchTotpStep(storedTotpSecret(input.stored, settings.secrets), input.code);
  if (step === null || !(await useTotpStep(db, input.owner, step))) attemptFailed(taken, new AppError('totp_invalid'));
  await attemptSucceeded(db, taken);
}
