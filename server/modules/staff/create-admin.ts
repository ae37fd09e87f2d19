import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { createStaffBody } from './staff.schemas.js';
import { assertStrongStaffPassword, createStaffUser } from './staff-users.js';

/**
 * `abonent staff create-admin`: the first administrator of a production install (or another one when
 * every admin lost access). Same rules as an admin creating staff in the back office — a valid email as
 * the login, a strong password stored as argon2id, an audit row (`staff.create`, actor `cli`, the OS user
 * who ran it) — and an existing login is refused with nothing changed, so running it twice is safe.
 */
export async function createAdmin(
  db: Db,
  input: { email: string; fullName: string; password: string },
  osUser: string,
): Promise<{ id: number; email: string }> {
  const u = await createStaffUser(db, parseAdminInput(input), { cli: osUser });
  return { id: u.id, email: u.email };
}

/** Checks the email, name and password strength (before the database is opened, so a typo fails fast). */
export function parseAdminInput(input: { email: string; fullName: string; password: string }) {
  const parsed = createStaffBody.safeParse({ ...input, role: 'admin' });
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new AppError('validation_failed', { details: fields });
  }
  assertStrongStaffPassword(parsed.data.password);
  return parsed.data;
}
