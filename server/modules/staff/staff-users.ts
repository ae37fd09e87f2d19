import { asc, eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { PASSWORD_PROBLEM_TEXT } from '../../../common/password-messages.js';
import { passwordProblems } from '../../../common/password-rules.js';
import type { Db } from '../../db/client.js';
import { sessions, type StaffRole, staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword } from '../auth/passwords.js';
import { assertRegionsExist, regionColumns, regionsOf } from './set-staff-regions.js';

export const view = (u: typeof staffUsers.$inferSelect) => ({
  id: u.id,
  email: u.email,
  fullName: u.fullName,
  role: u.role,
  regions: regionsOf(u),
  active: u.active,
  totpEnabled: !!u.totpSecret,
});

export async function listStaffUsers(db: Db) {
  return (await db.select().from(staffUsers).orderBy(asc(staffUsers.id))).map(view);
}

/** A staff password: at least 12 characters, letters and digits, not a well-known one. */
export const STAFF_PASSWORD_MIN = 12;

export function assertStrongStaffPassword(password: string): void {
  const problems = passwordProblems(password)
    .filter((p) => p !== 'too_short')
    .map((p) => PASSWORD_PROBLEM_TEXT[p]);
  if (password.length < STAFF_PASSWORD_MIN)
    problems.unshift({
      ru: `не короче ${STAFF_PASSWORD_MIN} символов`,
      en: `at least ${STAFF_PASSWORD_MIN} characters`,
    });
  if (problems.length > 0)
    throw new AppError('weak_password', {
      problems: { ru: problems.map((p) => p.ru).join(', '), en: problems.map((p) => p.en).join(', ') },
    });
}

/** Who creates a staff member: an administrator in the back office, or an operator at the server's shell (`abonent staff create-admin`). */
export type StaffCreator = { staffId: number; ip?: string } | { cli: string };

/**
 * Creates a staff member (admin action, `abonent staff create-admin`, and the demo seed); audited when
 * someone did it. The email is the login and must be new: an existing one is refused and changes nothing.
 */
export async function createStaffUser(
  db: Db,
  input: { email: string; fullName: string; role: StaffRole; password: string; regions?: RegionScope },
  actor?: StaffCreator,
) {
  assertStrongStaffPassword(input.password);
  // No regions given: none (a new user sees nothing until given regions); administrators see all anyway.
  const regions = input.regions ?? (input.role === 'admin' ? 'all' : []);
  await assertRegionsExist(db, regions);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (tx) => {
    const [u] = await tx
      .insert(staffUsers)
      .values({
        email: input.email.trim().toLowerCase(),
        fullName: input.fullName,
        role: input.role,
        passwordHash,
        ...regionColumns(regions),
      })
      .onConflictDoNothing()
      .returning();
    if (!u) throw new AppError('conflict', { details: `${input.email} exists` });
    if (actor)
      await recordAudit(tx, {
        actorType: 'cli' in actor ? 'cli' : 'staff',
        actorId: 'cli' in actor ? actor.cli : actor.staffId,
        action: 'staff.create',
        entity: 'staff',
        entityId: u.id,
        after: view(u),
        ip: 'cli' in actor ? null : actor.ip,
      });
    return view(u);
  });
}

/** Changes a staff member's role or deactivates them (their sessions end at once). */
export async function updateStaffUser(
  db: Db,
  id: number,
  patch: { role?: StaffRole; active?: boolean },
  actor: { staffId: number; ip?: string },
) {
  if (id === actor.staffId && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
    throw new AppError('conflict', { details: 'an administrator cannot demote or deactivate themselves' });
  }
  return inTransaction(db, async (tx) => {
    const [before] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for('update');
    if (!before) throw new AppError('not_found');
    if (patch.role === undefined && patch.active === undefined) return view(before);
    const [after] = await tx.update(staffUsers).set(patch).where(eq(staffUsers.id, id)).returning();
    if (patch.active === false)
      await tx
        .update(sessions)
        .set({ revokedAt: sql`now()` })
        .where(eq(sessions.staffId, id));
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'staff.update',
      entity: 'staff',
      entityId: id,
      before: view(before),
      after: view(after!),
      ip: actor.ip,
    });
    return view(after!);
  });
}
