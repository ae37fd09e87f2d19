import { hash, randomBytes } from 'node:crypto';

import { and, eq, gt, isNull, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { ReadCache } from '../../cache/read-cache.js';
import type { Db } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/index.js';
import { accounts, contracts, sessions, staffUsers } from '../../db/schema/index.js';
import { type RegionScope, scopeOfStaff } from '../../policy/region-scope.js';
import { roleNeedsTotp } from '../staff/role-totp.js';

export type Principal =
  | {
      type: 'staff';
      sessionId: number;
      staffId: number;
      role: StaffRole;
      /** The regions whose subscribers this user may see (server/policy/region-scope.ts). */
      regions: RegionScope;
      /** An initial password an administrator set: only changing it is open (requireStaff). */
      mustChangePassword: boolean;
      /** The role needs TOTP and this person has none yet: only setting it up is open. */
      totpSetupRequired: boolean;
    }
  | { type: 'subscriber'; sessionId: number; contractId: number; accountId: number; mustChangePassword: boolean };

/** Subscriber sessions last 30 days; staff sessions STAFF_SESSION_HOURS (12) and end after STAFF_SESSION_IDLE_MINUTES idle. */
export const SESSION_TTL_DAYS = 30;
export const STAFF_SESSION_SECONDS = 12 * 3600;
export const STAFF_IDLE_SECONDS = 30 * 60;

export function hashToken(token: string): string {
  // One-shot hash: no Hash object per call (this runs on every authenticated request).
  return hash('sha256', token, 'base64url');
}

export async function createSession(
  db: Db,
  opts: { type: 'staff'; staffId: number } | { type: 'subscriber'; contractId: number },
  meta: { ip?: string; userAgent?: string } = {},
  ttlSeconds = opts.type === 'staff' ? STAFF_SESSION_SECONDS : SESSION_TTL_DAYS * 86_400,
): Promise<{ token: string; sessionId: number; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
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

/**
 * Looks a token up; null when unknown, expired, revoked, its staff user was deactivated, or a staff
 * session was idle for longer than `staffIdleSeconds`. One statement for the session and its principal
 * (staff user, or contract + account): it runs on every authenticated request, so each round trip saved
 * is throughput gained.
 */
export async function resolveSession(
  db: Db,
  token: string,
  cache?: ReadCache<string, LiveSession>,
  staffIdleSeconds = STAFF_IDLE_SECONDS,
): Promise<Principal | null> {
  // The in-process cache is keyed by the token itself, so a cached request computes no hash; only the
  // database, which outlives the process and is backed up, never sees a token (docs/security.md).
  const found = cache
    ? await cache.getOrLoad(
        token,
        async () => (await lookupSession(db, hashToken(token), staffIdleSeconds)) ?? undefined,
        (s) => s.expiresAt,
      )
    : await lookupSession(db, hashToken(token), staffIdleSeconds);
  return found?.principal ?? null;
}

/** The principal of a session the cache still holds, found without waiting (the hot path), or undefined. */
export function cachedPrincipal(token: string, cache: ReadCache<string, LiveSession>): Principal | undefined {
  return cache.peek(token)?.principal;
}

/** A valid session's principal and when it ends (ms): a cached one is never served past that. */
export interface LiveSession {
  principal: Principal;
  expiresAt: number;
}

async function lookupSession(db: Db, tokenHash: string, staffIdleSeconds: number): Promise<LiveSession | null> {
  const [s] = await db
    .select({
      id: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      principalType: sessions.principalType,
      staffId: staffUsers.id,
      staffActive: staffUsers.active,
      staffRole: staffUsers.role,
      staffAllRegions: staffUsers.allRegions,
      staffRegionIds: staffUsers.regionIds,
      staffMustChange: staffUsers.mustChangePassword,
      staffTotpMissing: sql<boolean>`${staffUsers.totpSecret} is null and ${roleNeedsTotp(sql`${staffUsers.role}`)}`,
      contractId: contracts.id,
      mustChangePassword: contracts.mustChangePassword,
      accountId: accounts.id,
    })
    .from(sessions)
    .leftJoin(staffUsers, eq(staffUsers.id, sessions.staffId))
    .leftJoin(contracts, eq(contracts.id, sessions.contractId))
    .leftJoin(accounts, eq(accounts.contractId, contracts.id))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        // Staff sessions also end after a spell without requests ("last seen" moves at most once a minute).
        sql`(${sessions.principalType} <> 'staff' or ${sessions.lastSeenAt} > now() - make_interval(secs => ${staffIdleSeconds}))`,
      ),
    )
    .limit(1);
  if (!s) return null;
  // "Last seen" for the devices list, written at most once a minute per session.
  if (Date.now() - s.lastSeenAt.getTime() > 60_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, s.id));
  }
  if (s.principalType === 'staff' && s.staffId != null) {
    if (!s.staffActive || s.staffRole == null) return null;
    return {
      principal: {
        type: 'staff',
        sessionId: s.id,
        staffId: s.staffId,
        role: s.staffRole,
        regions: scopeOfStaff({ role: s.staffRole, allRegions: !!s.staffAllRegions, regionIds: s.staffRegionIds }),
        mustChangePassword: s.staffMustChange === true,
        totpSetupRequired: s.staffTotpMissing === true,
      },
      // A cached staff session is looked up again before it could have gone idle.
      expiresAt: Math.min(s.expiresAt.getTime(), Date.now() + staffIdleSeconds * 1000),
    };
  }
  if (s.principalType === 'subscriber' && s.contractId != null) {
    if (s.accountId == null) return null;
    const principal: Principal = {
      type: 'subscriber',
      sessionId: s.id,
      contractId: s.contractId,
      accountId: s.accountId,
      mustChangePassword: s.mustChangePassword === 1,
    };
    return { principal, expiresAt: s.expiresAt.getTime() };
  }
  return null;
}

export async function revokeSession(db: Db, sessionId: number): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(eq(sessions.id, sessionId));
}

export interface SessionView {
  id: number;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

function ownerFilter(p: Principal) {
  return p.type === 'staff' ? eq(sessions.staffId, p.staffId) : eq(sessions.contractId, p.contractId);
}

/** The caller's own live sessions (devices), newest first. */
export async function listSessions(db: Db, p: Principal): Promise<SessionView[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(
        ownerFilter(p),
        eq(sessions.principalType, p.type),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(sql`${sessions.lastSeenAt} desc`);
  return rows.map((s) => ({
    id: s.id,
    userAgent: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    current: s.id === p.sessionId,
  }));
}

/** Ends one of the caller's own sessions; someone else's is reported as not found. */
export async function revokeOwnSession(db: Db, p: Principal, sessionId: number): Promise<void> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(eq(sessions.id, sessionId), ownerFilter(p), eq(sessions.principalType, p.type), isNull(sessions.revokedAt)),
    )
    .returning({ id: sessions.id });
  if (rows.length === 0) throw new AppError('session_not_found');
}
