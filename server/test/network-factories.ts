import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Config } from '../config.js';
import type { SecretKeys } from '../crypto/secret-box.js';
import type { Db } from '../db/client.js';
import { nas, type NasVendor, networkAccess } from '../db/schema/index.js';
import { encryptSecret } from '../modules/network/network-crypto.js';

/** Config for tests of the network: RADIUS on, spools in a fresh temporary directory. */
export function networkTestConfig(extra: Partial<Config> = {}): Partial<Config> {
  return {
    RADIUS_API_KEY: 'test-radius-key-0123456789',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'abonent-net-')),
    ...extra,
  };
}

export const radiusAuth = (key = 'test-radius-key-0123456789') => ({
  authorization: `Basic ${Buffer.from(`freeradius:${key}`).toString('base64')}`,
});

let seq = 0;

/** A NAS in the registry (127.0.0.x unless `address`). */
export async function buildNas(
  db: Db,
  o: {
    regionId: number;
    appSecret: string | SecretKeys;
    address?: string;
    secret?: string;
    vendor?: NasVendor;
    coaPort?: number;
  },
) {
  const [row] = await db
    .insert(nas)
    .values({
      regionId: o.regionId,
      name: `BRAS-${++seq}`,
      address: o.address ?? `127.0.${Math.floor(seq / 250)}.${(seq % 250) + 2}`,
      secretEnc: encryptSecret('nas-secret', o.secret ?? 'nas-secret-123', o.appSecret),
      vendor: o.vendor ?? 'mikrotik',
      coaPort: o.coaPort ?? 3799,
    })
    .returning();
  return row!;
}

/** Network access for an account: PPPoE login/password and/or IPoE identifiers. */
export async function buildNetworkAccess(
  db: Db,
  o: {
    accountId: number;
    appSecret: string | SecretKeys;
    login?: string | null;
    password?: string;
    mac?: string;
    opt82RemoteId?: string;
    opt82CircuitId?: string;
    staticIp?: string;
  },
) {
  const login = o.login === undefined ? `pppoe${Date.now().toString(36)}${++seq}` : o.login;
  const password = o.password ?? `pw-${seq}-Secret`;
  await db.insert(networkAccess).values({
    accountId: o.accountId,
    login,
    passwordEnc: login ? encryptSecret('network-password', password, o.appSecret) : null,
    mac: o.mac ?? null,
    opt82RemoteId: o.opt82RemoteId ?? null,
    opt82CircuitId: o.opt82CircuitId ?? null,
    staticIp: o.staticIp ?? null,
  });
  return { login, password };
}
