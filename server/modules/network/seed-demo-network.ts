import { sql } from 'drizzle-orm';

import type { SecretKeys } from '../../crypto/secret-box.js';
import { type Db, queryRows } from '../../db/client.js';
import { issueNetworkAccess } from './issue-network-access.js';
import { encryptSecret } from './network-crypto.js';

export const DEMO_NAS_SECRET = 'abonent-demo-nas';

/**
 * Demo network: PPPoE access for every demo account (login = contract number), a demo NAS at
 * 127.0.0.1 (so `radtest` through deploy/freeradius works on a fresh install), and a month of past
 * sessions with traffic for the statistics page. Returns the PPPoE passwords by contract number.
 */
export async function seedDemoNetwork(
  db: Db,
  opts: { appSecret: string | SecretKeys; now?: Date },
): Promise<Map<string, string>> {
  const passwords = new Map<string, string>();
  const accounts = await queryRows<{ id: number; contract: string; region_id: number; status: string }>(
    db,
    sql`select a.id, c.number as contract, a.region_id, a.status from accounts a join contracts c on c.id = a.contract_id
        where not exists (select 1 from network_access n where n.account_id = a.id) order by a.id`,
  );
  for (const a of accounts) {
    const issued = await issueNetworkAccess(db, { accountId: a.id, login: a.contract, appSecret: opts.appSecret });
    if (issued) passwords.set(a.contract, issued.password);
  }
  const first = accounts[0];
  if (!first) return passwords;
  await db.execute(
    sql`insert into nas (region_id, name, address, secret_enc, vendor, description)
        values (${first.region_id}, 'Демо BRAS', '127.0.0.1', ${encryptSecret('nas-secret', DEMO_NAS_SECRET, opts.appSecret)},
                'mikrotik', 'Демонстрационный NAS: radtest через deploy/freeradius')
        on conflict (address) do nothing`,
  );
  const now = (opts.now ?? new Date()).getTime();
  let seed = 7;
  const rand = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  const rows: object[] = [];
  for (const a of accounts.filter((x) => x.status !== 'terminated')) {
    for (let d = 30; d >= 1; d -= 1 + Math.floor(rand() * 3)) {
      const start = now - d * 86_400_000 + Math.floor(rand() * 40_000_000);
      const secs = 1800 + Math.floor(rand() * 30_000);
      rows.push({
        sid: `demo-${a.id}-${d}`,
        user: a.contract.toLowerCase(),
        accountId: a.id,
        ip: `100.64.${a.id % 250}.${(d % 250) + 1}`,
        start: new Date(start).toISOString(),
        stop: new Date(start + secs * 1000).toISOString(),
        secs,
        inB: Math.floor(rand() * 300_000_000),
        outB: Math.floor(rand() * 4_000_000_000),
      });
    }
  }
  await db.execute(
    sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, framed_ip, started_at,
          updated_at, stopped_at, input_bytes, output_bytes, session_seconds, terminate_cause)
        select '127.0.0.1', sid, "user", "accountId", ip::inet, start, stop, stop, "inB", "outB", secs, 'User-Request'
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as x(sid text, "user" text, "accountId" int8, ip text, start timestamptz, stop timestamptz, secs int4,
               "inB" int8, "outB" int8)
        on conflict do nothing`,
  );
  return passwords;
}
