import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { contracts, staffUsers } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { roleRequiresTotp } from '../staff/role-totp.js';
import { attemptFailed, type AttemptKey, attemptSucceeded, takeAttempt } from './attempts.js';
import { deviceOf, type DeviceOwner, issueDeviceToken } from './device-token.js';
import {
  addressAttempt,
  type AuthSettings,
  ceilingAttempt,
  PER_CONTRACT,
  PER_DEVICE,
  PER_STAFF_EMAIL,
} from './limits.js';
import { noticeNewDevice } from './new-device-notice.js';
import { verifyPassword } from './passwords.js';
import { checkTotp } from './second-factor.js';
import { createSession } from './sessions.js';

export interface ClientMeta {
  ip: string;
  userAgent?: string;
}

/**
 * The keys one sign-in attempt counts against, in order: the caller's address; then, from a device
 * this login signed in on before, that device — else the login itself (`loginKey` with `loginRule`) and
 * the endpoint's global ceiling.
 */
export function signInAttempt(o: {
  ip: string;
  device: string | null;
  loginKey: string;
  loginRule: AttemptKey['rule'];
  ceiling: AttemptKey;
}): AttemptKey[] {
  return [
    addressAttempt(o.ip),
    ...(o.device
      ? [{ key: `login:device:${o.device}`, rule: PER_DEVICE, onSuccess: 'reset' as const }]
      : [{ key: o.loginKey, rule: o.loginRule, onSuccess: 'reset' as const, refundIfLaterRefused: true }, o.ceiling]),
  ];
}

/**
 * Subscriber sign-in with contract number and password (and the TOTP code when the subscriber turned it
 * on). An unknown contract and a wrong password get the same answer after the same work. Every attempt
 * is counted before the password is checked (limits.ts). A sign-in from a device this contract never
 * signed in on tells the subscriber (inbox, and e-mail/SMS as they chose).
 */
export async function signInSubscriber(
  db: Db,
  input: { contract: string; password: string; totp?: string; deviceToken?: string },
  meta: ClientMeta,
  settings: AuthSettings,
) {
  const contractNo = input.contract.trim();
  const [c] = await db.select().from(contracts).where(eq(contracts.number, contractNo));
  const owner: DeviceOwner | null = c ? { type: 'subscriber', id: c.id } : null;
  const device = owner ? deviceOf(settings.secrets, owner, input.deviceToken) : null;
  const taken = await takeAttempt(
    db,
    'subscriber_sign_in',
    signInAttempt({
      ip: meta.ip,
      device,
      loginKey: `login:contract:${contractNo}`,
      loginRule: PER_CONTRACT,
      ceiling: ceilingAttempt('subscriber_sign_in', settings.attemptsPerMinute),
    }),
  );
  const ok = await verifyPassword(c?.passwordHash, input.password);
  if (!c || !owner || !ok) attemptFailed(taken, new AppError('invalid_credentials'));
  await attemptSucceeded(db, taken);
  // Only someone who knows the password learns that the contract is closed.
  if (c.status === 'terminated') throw new AppError('contract_terminated_login');
  if (c.totpSecret) await checkTotp(db, { owner, stored: c.totpSecret, code: input.totp, ip: meta.ip }, settings);
  if (!device) await noticeNewDevice(db, { contractId: c.id, meta });
  const session = await createSession(db, { type: 'subscriber', contractId: c.id }, meta);
  return {
    ...session,
    deviceToken: issueDeviceToken(settings.secrets, owner, device ?? undefined),
    mustChangePassword: c.mustChangePassword === 1,
    contractId: c.id,
  };
}

/**
 * Staff sign-in with e-mail, password and, when set up, a TOTP code (asked for after the password).
 * From a device not known to this login, tries are slowed down, never locked (limits.ts).
 */
export async function signInStaff(
  db: Db,
  input: { email: string; password: string; totp?: string; deviceToken?: string },
  meta: ClientMeta,
  settings: AuthSettings,
) {
  const email = input.email.trim().toLowerCase();
  const [found] = await db
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email}`);
  const u = found?.active ? found : undefined;
  const owner: DeviceOwner | null = u ? { type: 'staff', id: u.id } : null;
  const device = owner ? deviceOf(settings.secrets, owner, input.deviceToken) : null;
  const taken = await takeAttempt(
    db,
    'staff_sign_in',
    signInAttempt({
      ip: meta.ip,
      device,
      loginKey: `login:staff:${email}`,
      loginRule: PER_STAFF_EMAIL,
      ceiling: ceilingAttempt('staff_sign_in', settings.attemptsPerMinute),
    }),
  );
  const ok = await verifyPassword(u?.passwordHash ?? null, input.password);
  if (!u || !owner || !ok) {
    await recordAudit(db, {
      actorType: 'staff',
      actorId: found?.id ?? null,
      action: 'staff.login_failed',
      entity: 'staff',
      entityId: found?.id ?? null,
      after: { email },
      ip: meta.ip,
    });
    attemptFailed(taken, new AppError('invalid_staff_credentials'));
  }
  await attemptSucceeded(db, taken);
  if (u.totpSecret) {
    try {
      await checkTotp(db, { owner, stored: u.totpSecret, code: input.totp, ip: meta.ip }, settings);
    } catch (e) {
      if (e instanceof AppError && e.code !== 'totp_required')
        await recordAudit(db, {
          actorType: 'staff',
          actorId: u.id,
          action: 'staff.totp_failed',
          entity: 'staff',
          entityId: u.id,
          ip: meta.ip,
        });
      throw e;
    }
  }
  const totpRequired = await roleRequiresTotp(db, u.role);
  const session = await createSession(db, { type: 'staff', staffId: u.id }, meta, settings.staffSessionSeconds);
  await recordAudit(db, {
    actorType: 'staff',
    actorId: u.id,
    action: 'staff.login',
    entity: 'staff',
    entityId: u.id,
    after: { newDevice: !device },
    ip: meta.ip,
  });
  return {
    ...session,
    deviceToken: issueDeviceToken(settings.secrets, owner, device ?? undefined),
    staff: {
      id: u.id,
      email: u.email,
      fullName: u.fullName,
      role: u.role,
      totpEnabled: !!u.totpSecret,
      totpRequired,
      mustChangePassword: u.mustChangePassword,
      totpSetupRequired: !u.totpSecret && totpRequired,
    },
  };
}
