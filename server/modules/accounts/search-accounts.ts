import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { AccountStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

export interface AccountHit {
  id: number;
  number: string;
  contract: string;
  subscriber: string;
  phone: string;
  region: string;
  status: AccountStatus;
  balance: number;
}

/**
 * Staff search by personal account number, contract number, phone (digits) or part of the name.
 * Exact numbers match first; names match case-insensitively anywhere. At most `limit` rows.
 */
export async function searchAccounts(
  db: Db,
  opts: { q: string; limit: number; regions: RegionScope },
): Promise<AccountHit[]> {
  const q = opts.q.trim();
  const digits = q.replace(/\D/g, '');
  const phone = digits.length >= 10 ? `7${digits.slice(-10)}` : null;
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return queryRows<AccountHit>(
    db,
    sql`select a.id, a.number, c.number as contract, s.full_name as subscriber, s.phone, r.name_ru as region, a.status, a.balance
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id
        join regions r on r.id = a.region_id
        where (a.number = ${q} or c.number = ${q} or s.phone = ${phone} or s.full_name ilike ${like})
          and ${inRegions(opts.regions, sql`a.region_id`)}
        order by (a.number = ${q} or c.number = ${q}) desc, s.full_name
        limit ${opts.limit}`,
  );
}
