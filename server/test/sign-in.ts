import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';

import { type Db, queryRows } from '../db/client.js';
import { hashPassword } from '../modules/auth/passwords.js';
import type { TotpOwner } from '../modules/auth/second-factor.js';
import { currentTotpStep, totpCodeAt } from '../modules/auth/totp.js';
import { buildSubscriber, type BuildSubscriberOptions } from './factories.js';

/**
 * A code the server will take now: a TOTP step is accepted once, so after the current step was used
 * (by an earlier sign-in) it gives the next one, which the ±1 step window still accepts, and waits for
 * the clock when both are used.
 */
export async function nextTotpCode(db: Db, owner: TotpOwner, secret: string): Promise<string> {
  for (;;) {
    const [r] = await queryRows<{ last: number | null }>(
      db,
      owner.type === 'staff'
        ? sql`select totp_last_step as last from staff_users where id = ${owner.id}`
        : sql`select totp_last_step as last from contracts where id = ${owner.id}`,
    );
    const now = currentTotpStep();
    const step = Math.max(now, (r?.last ?? 0) + 1);
    if (step <= now + 1) return totpCodeAt(secret, step);
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 50));
  }
}

/** A subscriber with a password, signed in through the real login route; `auth` is the bearer header. */
export async function signedInSubscriber(app: FastifyInstance, db: Db, o: BuildSubscriberOptions = {}) {
  const password = 'Test-pass-2026';
  const s = await buildSubscriber(db, { passwordHash: await hashPassword(password), ...o });
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { contract: s.contract.number, password },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  const token = res.json().token as string;
  return { ...s, password, token, auth: { authorization: `Bearer ${token}` } };
}
