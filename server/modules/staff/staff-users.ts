import { asc, eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { sessions, type StaffRole, staffUsers } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword } from '../auth/passwords.js';

const view = (u: typeof staffUsers.$inferSelect) => ({
  id: u.id,
  email: u.email,
  fullName: u.fullName,
  role: u.role,
  active: u.active,
  totpEnabled: !!u.totpSecret,
});

export async function listStaffUsers(db: Db) {
  return (await db.select().from(staffUsers).orderBy(asc(staffUsers.id))).map(view);
}

/** Creates a staff member (admin action, and the demo seed). The password must be at least 12 characters. */
export async function createStaffUser(
  db: Db,
  input: { email: string; fullName: string; role: StaffRole; password: string },
  actor?: { staffId: number; ip?: string },
) {
  if (input.password.length < 12)
    throw new AppError('weak_password', { problems: { ru: 'не короче 12 символов', en: 'at least 12 characters' } });
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [u] = await tx
      .insert(staffUsers)
      .values({ email: input.email.trim().toLowerCase(), fullName: input.fullName, role: input.role, passwordHash })
      .onConflictDoNothing()
      .returning();
    if (!u) throw new AppError('conflict', { details: `${input.email} exists` });
    if (actor)
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: actor.staffId,
        action: 'staff.create',
        entity: 'staff',
        entityId: u.id,
        after: view(u),
        ip: actor.ip,
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
  return db.transaction(async (tx) => {
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
