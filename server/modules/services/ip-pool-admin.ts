import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { getRegion } from '../catalog/catalog.js';

/** The largest range added at once: a /20 (4 094 usable addresses). */
export const MAX_RANGE_ADDRESSES = 4096;

/** "203.0.113.0/28" → its prefix length, or null when it is not an IPv4 network in CIDR form. */
export function parseCidr(cidr: string): { prefix: number; size: number } | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  if (size > MAX_RANGE_ADDRESSES) return null;
  return { prefix, size };
}

/**
 * Adds a network's usable addresses to a region's pool (for /30 and wider, not the network and broadcast
 * addresses). An address already in any pool is skipped, so adding a range twice adds nothing. Audited.
 */
export async function addIpRange(
  db: Db,
  opts: { regionId: number; cidr: string; staffId: number; ip?: string | null },
): Promise<{ added: number; skipped: number }> {
  const parsed = parseCidr(opts.cidr);
  if (!parsed) throw new AppError('bad_ip_range', { max: MAX_RANGE_ADDRESSES - 2 });
  await getRegion(db, opts.regionId);
  const first = parsed.prefix >= 31 ? 0 : 1;
  const last = parsed.prefix >= 31 ? parsed.size - 1 : parsed.size - 2;
  return inTransaction(db, async (tx) => {
    const [r] = await queryRows<{ added: number }>(
      tx,
      sql`with ins as (
            insert into ip_addresses (region_id, address)
            select ${opts.regionId}, host(network(${opts.cidr.trim()}::cidr) + i)::inet
            from generate_series(${first}::int8, ${last}::int8) i
            on conflict (address) do nothing returning 1)
          select count(*)::int8 as added from ins`,
    );
    const added = r?.added ?? 0;
    const result = { added, skipped: last - first + 1 - added };
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: 'ip_pool.range_added',
      entity: 'region',
      entityId: opts.regionId,
      after: { cidr: opts.cidr.trim(), ...result },
      ip: opts.ip ?? null,
    });
    return result;
  });
}

/** A region's pool: totals and the addresses in use with their accounts. */
export async function listIpPool(db: Db, regionId: number) {
  const [totals] = await queryRows<{ total: number; free: number }>(
    db,
    sql`select count(*)::int8 as total, count(*) filter (where subscription_id is null)::int8 as free
        from ip_addresses where region_id = ${regionId}`,
  );
  const assigned = await queryRows<{ address: string; accountId: number; account: string; assignedAt: string }>(
    db,
    sql`select host(i.address) as address, a.id as "accountId", a.number as account, i.assigned_at::text as "assignedAt"
        from ip_addresses i join accounts a on a.id = i.account_id
        where i.region_id = ${regionId} and i.subscription_id is not null
        order by i.address limit 500`,
  );
  return { total: totals?.total ?? 0, free: totals?.free ?? 0, assigned };
}
