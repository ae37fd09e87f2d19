import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { STAFF_ROLES, type StaffRole, staffRoleSettings } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

/** Roles that always sign in with a TOTP code: they move money and grant rights. No setting lifts it. */
export const ALWAYS_TOTP_ROLES: readonly StaffRole[] = ['admin', 'finance'];

/** SQL: whether the role (an SQL expression) must use TOTP — always for admin and finance, else as set. */
export function roleNeedsTotp(role: SQL): SQL<boolean> {
  return sql<boolean>`(${role} in ('admin', 'finance') or coalesce((select rs.totp_required from staff_role_settings rs where rs.role = ${role}), false))`;
}

export interface RoleTotp {
  role: StaffRole;
  totpRequired: boolean;
  /** Admin and finance: required whatever is set. */
  fixed: boolean;
}

export async function listRoleTotp(db: Db): Promise<RoleTotp[]> {
  const rows = await queryRows<{ role: StaffRole; totp_required: boolean }>(
    db,
    sql`select role, totp_required from staff_role_settings`,
  );
  return STAFF_ROLES.map((role) => {
    const fixed = ALWAYS_TOTP_ROLES.includes(role);
    return { role, fixed, totpRequired: fixed || rows.some((r) => r.role === role && r.totp_required) };
  });
}

export async function roleRequiresTotp(db: Db, role: StaffRole): Promise<boolean> {
  const [r] = await queryRows<{ required: boolean }>(db, sql`select ${roleNeedsTotp(sql`${role}::text`)} as required`);
  return r?.required === true;
}

/**
 * An administrator makes TOTP required (or not) for operator or support. Staff of that role without
 * TOTP are asked to set it up at their next request; nothing else changes for them. Audited.
 */
export async function setRoleTotp(
  db: Db,
  input: { role: StaffRole; totpRequired: boolean },
  actor: { staffId: number; ip?: string },
): Promise<RoleTotp[]> {
  if (ALWAYS_TOTP_ROLES.includes(input.role))
    throw new AppError('conflict', { details: `${input.role}: two-factor sign-in is always required` });
  await inTransaction(db, async (tx) => {
    await tx
      .insert(staffRoleSettings)
      .values({ role: input.role, totpRequired: input.totpRequired, updatedBy: actor.staffId })
      .onConflictDoUpdate({
        target: staffRoleSettings.role,
        set: { totpRequired: input.totpRequired, updatedBy: actor.staffId, updatedAt: sql`now()` },
      });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'staff.role_totp',
      entity: 'staff_role',
      entityId: null,
      after: input,
      ip: actor.ip,
    });
  });
  return listRoleTotp(db);
}
