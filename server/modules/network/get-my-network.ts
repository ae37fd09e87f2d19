import { eq } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import type { Db } from '../../db/client.js';
import { networkAccess } from '../../db/schema/index.js';
import { decryptSecret } from './network-crypto.js';

/** How the subscriber connects (for the router's settings): PPPoE login, or IPoE, and the static IP. */
export async function getMyNetwork(db: Db, accountId: number) {
  const [a] = await db.select().from(networkAccess).where(eq(networkAccess.accountId, accountId));
  const kind = a?.login && a.passwordEnc ? 'pppoe' : a?.mac || a?.opt82CircuitId ? 'ipoe' : 'none';
  return { login: a?.login ?? null, kind, staticIp: a?.staticIp ?? null } as const;
}

/** The PPPoE password in clear, for the subscriber to type into the router (shown on request only). */
export async function getMyNetworkPassword(db: Db, accountId: number, appSecret: string | SecretKeys) {
  const [a] = await db.select().from(networkAccess).where(eq(networkAccess.accountId, accountId));
  if (!a?.login || !a.passwordEnc) throw new AppError('network_access_not_found');
  return { login: a.login, password: decryptSecret('network-password', a.passwordEnc, appSecret) };
}
