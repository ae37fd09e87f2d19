import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, staffUsers, accounts, contracts } from '../../db/schema/index.js';
import type { StaffRole } from '../../db/schema/index.js';

export type Principal =
  | { type: 'staff'; sessionId: number; staffId: number; role: StaffRole }
  | { type: 'subscriber'; sessionId: number; contractId: number; accountId: number; mustChangePassword: boolean };

export const SESSION_TTL_DAYS = 30;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export async function createSession(
  db: Db,
  opts: { type: 'staff'; staffId: number } | { type: 'subscriber'; contractId: number },
  meta: { ip?: string; userAgent?: string } = {},
): Promise<{ token: string; sessionId: number; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_DAYS * 86_400_000);
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: hashToken(token),
      principalType: opts.type,
      staffId: opts.type === 'staff' ? opts.staffId : null,
      contractId: opts.type === 'subscriber' ? opts.contractId : null,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      expiresAt,
    })
    .returning({ id: sessions.id });
  return { token, sessionId: row!.id, expiresAt };
}

/** Looks a token up; null when unknown, expired, revoked, or its staff user was deactivated. */
export async function resolveSession(db: Db, token: string): Promise<Principal | null> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  if (!s) return null;
  if (s.principalType === 'staff' && s.staffId != null) {
    const [u] = await db.select().from(staffUsers).where(eq(staffUsers.id, s.staffId));
    if (!u || !u.active) return null;
    return { type: 'staff', sessionId: s.id, staffId: u.id, role: u.role };
  }
  if (s.principalType === 'subscriber' && s.contractId != null) {
    const [a] = await db
      .select({ accountId: accounts.id, must: contracts.mustChangePassword, status: contracts.status })
      .from(contracts)
      .innerJoin(accounts, eq(accounts.contractId, contracts.id))
      .where(eq(contracts.id, s.contractId));
    if (!a) return null;
    return {
      type: 'subscriber',
      sessionId: s.id,
      contractId: s.contractId,
      accountId: a.accountId,
      mustChangePassword: a.must === 1,
    };
  }
  return null;
}

export async function revokeSession(db: Db, sessionId: number): Promise<void> {
  await db.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.id, sessionId));
}
