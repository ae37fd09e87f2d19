import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { attemptFailed, attemptSucceeded, takeAttempt } from './attempts.js';
import { addressAttempt, PER_CONTRACT, PER_STAFF_EMAIL } from './limits.js';
import { verifyPassword } from './passwords.js';

/** Whose password: a subscriber (by contract) or a staff member. */
export type PasswordOwner = { type: 'subscriber'; contractId: number } | { type: 'staff'; staffId: number };

/**
 * Checks the signed-in person's current password before a change that a stolen session must not make
 * alone (a new password, phone or e-mail, TOTP on or off). Each try counts like a sign-in, against the
 * same keys (the login and the address), before the password is checked: a stolen session guesses no
 * faster than the sign-in form allows. `wrong_current_password`, or `rate_limited` past the limit.
 */
export async function checkCurrentPassword(
  db: Db,
  input: { owner: PasswordOwner; password: string; ip: string },
): Promise<void> {
  const o = input.owner;
  const [row] = await queryRows<{ login: string; hash: string | null }>(
    db,
    o.type === 'subscriber'
      ? sql`select number as login, password_hash as hash from contracts where id = ${o.contractId}`
      : sql`select lower(email) as login, password_hash as hash from staff_users where id = ${o.staffId}`,
  );
  if (!row) throw new AppError('unauthorized');
  const taken = await takeAttempt(db, 'password_check', [
    addressAttempt(input.ip),
    o.type === 'subscriber'
      ? { key: `login:contract:${row.login}`, rule: PER_CONTRACT, onSuccess: 'reset' }
      : { key: `login:staff:${row.login}`, rule: PER_STAFF_EMAIL, onSuccess: 'reset' },
  ]);
  if (!(await verifyPassword(row.hash, input.password))) attemptFailed(taken, new AppError('wrong_current_password'));
  await attemptSucceeded(db, taken);
}
