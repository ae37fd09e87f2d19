import { eq, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { normaliseLogin, normaliseMac, normaliseOption82 } from '../../../common/network.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { accounts, networkAccess } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { encryptSecret, generateNetworkPassword } from './network-crypto.js';
import { uniqueViolation } from './unique-violation.js';

export interface AccessChange {
  login?: string | null;
  mac?: string | null;
  option82RemoteId?: string | null;
  option82CircuitId?: string | null;
}

const FIELD = {
  login: { ru: 'Логин PPPoE', en: 'PPPoE login' },
  mac: { ru: 'MAC-адрес', en: 'MAC address' },
  option82: { ru: 'Option 82', en: 'Option 82' },
  staticIp: { ru: 'Статический IP', en: 'Static IP' },
} as const;

const TAKEN: Record<string, keyof typeof FIELD> = {
  network_access_login: 'login',
  network_access_mac: 'mac',
  network_access_opt82: 'option82',
  network_access_static_ip: 'staticIp',
};

/**
 * Staff set how an account reaches the network: PPPoE login, IPoE MAC, Option 82 (docs/network.md).
 * Values are normalised as the RADIUS path reads them; a value another account has is refused. The
 * row is created when the account had none. Audited. Existing sessions are not touched: the change
 * applies to the next connection.
 */
export async function updateNetworkAccess(
  db: Db,
  accountId: number,
  change: AccessChange,
  ctx: { staffId: number; ip?: string },
): Promise<void> {
  const set: Partial<typeof networkAccess.$inferInsert> = {};
  if (change.login !== undefined) {
    const v = change.login === null || change.login.trim() === '' ? null : normaliseLogin(change.login);
    if (v === null && change.login !== null && change.login.trim() !== '')
      throw new AppError('bad_network_value', { field: FIELD.login });
    set.login = v;
  }
  if (change.mac !== undefined) {
    const v = change.mac === null || change.mac.trim() === '' ? null : normaliseMac(change.mac);
    if (v === null && change.mac !== null && change.mac.trim() !== '')
      throw new AppError('bad_network_value', { field: FIELD.mac });
    set.mac = v;
  }
  for (const [k, col] of [
    ['option82RemoteId', 'opt82RemoteId'],
    ['option82CircuitId', 'opt82CircuitId'],
  ] as const) {
    const raw = change[k];
    if (raw === undefined) continue;
    const v = raw === null ? '' : normaliseOption82(raw);
    if (v === null) throw new AppError('bad_network_value', { field: FIELD.option82 });
    set[col] = v === '' ? null : v;
  }
  try {
    await inTransaction(db, async (tx) => {
      const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw new AppError('account_not_found', { account: accountId });
      const [before] = await tx.select().from(networkAccess).where(eq(networkAccess.accountId, accountId));
      const after = { ...before, ...set };
      if (after.opt82RemoteId && !after.opt82CircuitId)
        throw new AppError('bad_network_value', { field: FIELD.option82 });
      if (before) {
        await tx
          .update(networkAccess)
          .set({ ...set, updatedAt: sql`now()` })
          .where(eq(networkAccess.accountId, accountId));
      } else {
        await tx.insert(networkAccess).values({ accountId, ...set });
      }
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: ctx.staffId,
        action: 'network.access.update',
        entity: 'account',
        entityId: accountId,
        before: before ? { ...before, passwordEnc: undefined } : null,
        after: set,
        ip: ctx.ip,
      });
    });
  } catch (e) {
    const c = uniqueViolation(e);
    if (c && TAKEN[c]) throw new AppError('network_value_taken', { field: FIELD[TAKEN[c]] });
    throw e;
  }
}

/**
 * Staff issue a new PPPoE password (the subscriber forgot it, or it leaked). Returns it once in clear
 * for the operator to pass on; audited without it. The live session keeps running until it ends.
 */
export async function resetNetworkPassword(
  db: Db,
  accountId: number,
  ctx: { staffId: number; ip?: string; appSecret: string | SecretKeys },
): Promise<{ login: string | null; password: string }> {
  const password = generateNetworkPassword();
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(networkAccess)
      .set({ passwordEnc: encryptSecret('network-password', password, ctx.appSecret), updatedAt: sql`now()` })
      .where(eq(networkAccess.accountId, accountId))
      .returning({ login: networkAccess.login });
    if (!row) throw new AppError('network_access_not_found');
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'network.password.reset',
      entity: 'account',
      entityId: accountId,
      ip: ctx.ip,
    });
    return { login: row.login, password };
  });
}
