import { sql } from 'drizzle-orm';

import { normaliseLogin } from '../../../common/network.js';
import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import { encryptSecret, generateNetworkPassword } from './network-crypto.js';

/**
 * Issues PPPoE access to an account at contract signing (docs/decisions/0007): login = the contract
 * number, a new random password, stored encrypted. Returns the clear password for the contract PDF;
 * it is shown to the subscriber in the cabinet and reset by staff, never logged. Run in the signing
 * transaction. An account that already has access keeps it (returns null).
 */
export async function issueNetworkAccess(
  db: Db,
  input: { accountId: number; login: string; appSecret: string | SecretKeys },
): Promise<{ login: string; password: string } | null> {
  const login = normaliseLogin(input.login);
  if (!login) throw new Error(`not a network login: ${input.login}`);
  const password = generateNetworkPassword();
  const rows = await queryRows<{ account_id: number }>(
    db,
    sql`insert into network_access (account_id, login, password_enc)
        values (${input.accountId}, ${login}, ${encryptSecret('network-password', password, input.appSecret)})
        on conflict (account_id) do nothing
        returning account_id`,
  );
  return rows.length > 0 ? { login, password } : null;
}
