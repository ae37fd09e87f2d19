import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { verificationCodes } from '../../db/schema/index.js';
import { authAttempts } from '../../metrics/metrics.js';

export const CODE_TTL_MINUTES = 15;
export const CODE_MAX_ATTEMPTS = 5;

type Purpose = (typeof verificationCodes.$inferSelect)['purpose'];

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/** A new 6-digit code (and link token) for the contract; earlier unused codes of the purpose die. */
export async function issueCode(db: Db, opts: { contractId: number; purpose: Purpose; target?: string }) {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const token = randomBytes(24).toString('base64url');
  await db
    .update(verificationCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(verificationCodes.contractId, opts.contractId),
        eq(verificationCodes.purpose, opts.purpose),
        isNull(verificationCodes.usedAt),
      ),
    );
  await db.insert(verificationCodes).values({
    contractId: opts.contractId,
    purpose: opts.purpose,
    codeHash: sha(code),
    tokenHash: sha(token),
    target: opts.target ?? null,
    expiresAt: sql`now() + make_interval(mins => ${CODE_TTL_MINUTES})`,
  });
  return { code, token };
}

/**
 * Finds the live code (or link token) that matches, without using it up. A code is guessed at by
 * number, so each try is counted BEFORE it is compared: one `UPDATE … RETURNING` takes a try from the
 * contract's latest live code only while it has tries left (CODE_MAX_ATTEMPTS); however many arrive
 * at once, at most that many are compared. (A link token is 192 random bits: it is looked up, not guessed.)
 * Returns the code row, else null.
 */
export async function findCode(
  db: Db,
  opts: { purpose: Purpose; contractId?: number; code?: string; token?: string },
): Promise<typeof verificationCodes.$inferSelect | null> {
  if (opts.token) {
    const [row] = await db
      .select()
      .from(verificationCodes)
      .where(
        and(
          eq(verificationCodes.tokenHash, sha(opts.token)),
          eq(verificationCodes.purpose, opts.purpose),
          isNull(verificationCodes.usedAt),
          gt(verificationCodes.expiresAt, sql`now()`),
        ),
      );
    return row ?? null;
  }
  if (!opts.contractId || !opts.code) return null;
  const latest = db
    .select({ id: verificationCodes.id })
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.contractId, opts.contractId),
        eq(verificationCodes.purpose, opts.purpose),
        isNull(verificationCodes.usedAt),
        gt(verificationCodes.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(verificationCodes.id))
    .limit(1);
  const [row] = await db
    .update(verificationCodes)
    .set({ attempts: sql`${verificationCodes.attempts} + 1` })
    .where(and(eq(verificationCodes.id, sql`(${latest})`), lt(verificationCodes.attempts, CODE_MAX_ATTEMPTS)))
    .returning();
  if (!row) {
    authAttempts.inc({ endpoint: endpointOf(opts.purpose), outcome: 'refused' });
    return null;
  }
  const ok = timingSafeEqual(Buffer.from(row.codeHash), Buffer.from(sha(opts.code)));
  authAttempts.inc({ endpoint: endpointOf(opts.purpose), outcome: ok ? 'right' : 'wrong' });
  return ok ? row : null;
}

const endpointOf = (p: Purpose) => (p === 'recovery' ? ('recovery_code' as const) : ('contact_code' as const));

/** Uses a found code up; false when another request used it first (each code works once). */
export async function useCode(db: Db, id: number): Promise<boolean> {
  const [used] = await db
    .update(verificationCodes)
    .set({ usedAt: sql`now()` })
    .where(and(eq(verificationCodes.id, id), isNull(verificationCodes.usedAt)))
    .returning({ id: verificationCodes.id });
  return !!used;
}

/** Checks a code (or link token) and uses it up: findCode, then useCode. */
export async function consumeCode(
  db: Db,
  opts: { purpose: Purpose; contractId?: number; code?: string; token?: string },
) {
  const row = await findCode(db, opts);
  if (!row || !(await useCode(db, row.id))) return null;
  return row;
}
