import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { contracts, staffUsers } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { verifyPassword } from './passwords.js';
import { assertNotLocked, countEvent, type LimitRule, resetKey } from './rate-limit.js';
import { createSession } from './sessions.js';
import { storedTotpSecret, verifyTotp } from './totp.js';

/** 5 wrong passwords for one login within 15 minutes lock that login for 15 minutes. */
export const PER_LOGIN: LimitRule = { limit: 5, windowSeconds: 900, lockSeconds: 900 };
/** 20 failures from one address within 15 minutes lock the address for 15 minutes. */
export const PER_IP: LimitRule = { limit: 20, windowSeconds: 900, lockSeconds: 900 };

export interface ClientMeta {
  ip: string;
  userAgent?: string;
}

async function failed(db: Db, loginKey: string, ipKey: string): Promise<never> {
  const waitLogin = await countEvent(db, loginKey, PER_LOGIN);
  const waitIp = await countEvent(db, ipKey, PER_IP);
  const wait = Math.max(waitLogin, waitIp);
  if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait });
  throw new AppError(loginKey.startsWith('login:staff:') ? 'invalid_staff_credentials' : 'invalid_credentials');
}

/**
 * Subscriber sign-in with contract number and password. An unknown contract and a wrong password get
 * the same answer after the same work. Locked logins and addresses are refused before any check.
 */
export async function signInSubscriber(db: Db, input: { contract: string; password: string }, meta: ClientMeta) {
  const contractNo = input.contract.trim();
  const loginKey = `login:contract:${contractNo}`;
  const ipKey = `login:ip:${meta.ip}`;
  await assertNotLocked(db, [loginKey, ipKey]);
  const [c] = await db.select().from(contracts).where(eq(contracts.number, contractNo));
  const ok = await verifyPassword(c?.passwordHash, input.password);
  if (!c || !ok) return failed(db, loginKey, ipKey);
  // Only someone who knows the password learns that the contract is closed.
  if (c.status === 'terminated') throw new AppError('contract_terminated_login');
  await resetKey(db, loginKey);
  const session = await createSession(db, { type: 'subscriber', contractId: c.id }, meta);
  return { ...session, mustChangePassword: c.mustChangePassword === 1, contractId: c.id };
}

/** Staff sign-in with e-mail, password and, when enabled, a TOTP code (asked for after the password). */
export async function signInStaff(
  db: Db,
  input: { email: string; password: string; totp?: string },
  meta: ClientMeta,
  keys: SecretKeys,
) {
  const email = input.email.trim().toLowerCase();
  const loginKey = `login:staff:${email}`;
  const ipKey = `login:ip:${meta.ip}`;
  await assertNotLocked(db, [loginKey, ipKey]);
  const [u] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email}`);
  const ok = await verifyPassword(u?.active ? u.passwordHash : null, input.password);
  if (!u || !ok) {
    await recordAudit(db, {
      actorType: 'staff',
      actorId: u?.id ?? null,
      action: 'staff.login_failed',
      entity: 'staff',
      entityId: u?.id ?? null,
      after: { email },
      ip: meta.ip,
    });
    return failed(db, loginKey, ipKey);
  }
  if (u.totpSecret) {
    if (!input.totp) throw new AppError('totp_required');
    if (!verifyTotp(storedTotpSecret(u.totpSecret, keys), input.totp))
      return failed(db, loginKey, ipKey).catch((e: AppError) => {
        throw e.code === 'rate_limited' ? e : new AppError('totp_invalid');
      });
  }
  await resetKey(db, loginKey);
  const session = await createSession(db, { type: 'staff', staffId: u.id }, meta);
  await recordAudit(db, {
    actorType: 'staff',
    actorId: u.id,
    action: 'staff.login',
    entity: 'staff',
    entityId: u.id,
    ip: meta.ip,
  });
  return {
    ...session,
    staff: { id: u.id, email: u.email, fullName: u.fullName, role: u.role, totpEnabled: !!u.totpSecret },
  };
}
