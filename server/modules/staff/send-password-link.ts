import { createHash, randomBytes } from 'node:crypto';

import { and, eq, isNull, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { staffPasswordResets, staffUsers } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { sendDirect } from '../notifications/notify.js';

/** A password link works once, within this many hours. */
export const STAFF_LINK_HOURS = 24;

export const linkTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * "Reset password" in the staff list: the administrator never sets or sees the new password. A one-time
 * link (256 random bits, only its SHA-256 kept, STAFF_LINK_HOURS) goes to the staff member's e-mail; an
 * earlier unused link dies. Nothing else changes until the link is used — the old password keeps working,
 * so a reset nobody asked for locks nobody out. Audited.
 */
export async function sendStaffPasswordLink(
  db: Db,
  input: { staffId: number; publicUrl: string },
  actor: { staffId: number; ip?: string },
): Promise<{ sentTo: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  return inTransaction(db, async (tx) => {
    const [u] = await tx.select().from(staffUsers).where(eq(staffUsers.id, input.staffId));
    if (!u) throw new AppError('not_found');
    if (!u.active) throw new AppError('conflict', { details: 'the staff account is deactivated' });
    const [admin] = await tx.select().from(staffUsers).where(eq(staffUsers.id, actor.staffId));
    await tx
      .update(staffPasswordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(staffPasswordResets.staffId, u.id), isNull(staffPasswordResets.usedAt)));
    const [link] = await tx
      .insert(staffPasswordResets)
      .values({
        staffId: u.id,
        tokenHash: linkTokenHash(token),
        createdBy: actor.staffId,
        expiresAt: sql`now() + make_interval(hours => ${STAFF_LINK_HOURS})`,
      })
      .returning();
    await sendDirect(tx, {
      accountId: null,
      channel: 'email',
      address: u.email,
      template: 'staff_password_link',
      lang: 'ru',
      params: {
        admin: admin?.fullName ?? '',
        hours: STAFF_LINK_HOURS,
        link: `${input.publicUrl}/staff/reset?token=${token}`,
      },
    });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: actor.staffId,
      action: 'staff.password_link',
      entity: 'staff',
      entityId: u.id,
      ip: actor.ip,
    });
    return { sentTo: u.email, expiresAt: link!.expiresAt.toISOString() };
  });
}
