import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';

export interface Ipv6PoolInput {
  regionId: number;
  kind: 'framed' | 'delegated';
  prefix: string;
  assignLength: number;
}

/** The IPv6 pools (all, or a region's), with how many prefixes each has given and can give. */
export async function listIpv6Pools(db: Db, regionId: number | undefined, regions: RegionScope) {
  const rows = await queryRows<{
    id: number;
    region_id: number;
    kind: 'framed' | 'delegated';
    prefix: string;
    assign_length: number;
    next_index: number;
  }>(
    db,
    sql`select id, region_id, kind, prefix::text as prefix, assign_length, next_index from ipv6_pools
        where ${inRegions(regions, sql`region_id`)} ${regionId ? sql`and region_id = ${regionId}` : sql``} order by region_id, kind, id`,
  );
  return {
    pools: rows.map((r) => {
      const bits = Number(r.assign_length) - Number(r.prefix.split('/')[1]);
      return {
        id: Number(r.id),
        regionId: Number(r.region_id),
        kind: r.kind,
        prefix: r.prefix,
        assignLength: Number(r.assign_length),
        assigned: Number(r.next_index),
        // 2^bits prefixes; past 2^53 it is more than any ISP has subscribers.
        capacity: bits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** bits,
      };
    }),
  };
}

/**
 * Admins add an IPv6 pool to a region (docs/network.md, "IPv6"): `framed` gives each subscriber a /64,
 * `delegated` a prefix of `assignLength` (/48–/64) for their router. The prefix is stored as given with
 * its host bits cleared; one overlapping another pool is refused. The region's subscribers get prefixes
 * within a minute (network.ipv6-assign). Audited.
 */
export async function createIpv6Pool(db: Db, input: Ipv6PoolInput, ctx: { staffId: number; ip?: string }) {
  const length = Number(input.prefix.split('/')[1]);
  if (input.kind === 'framed' && input.assignLength !== 64) throw new AppError('bad_network_value', { field: FIELD });
  if (input.assignLength <= length || input.assignLength > 64)
    throw new AppError('bad_network_value', { field: FIELD });
  return inTransaction(db, async (tx) => {
    const [region] = await queryRows<{ id: number }>(tx, sql`select id from regions where id = ${input.regionId}`);
    if (!region) throw new AppError('region_not_found');
    const [overlap] = await queryRows<{ id: number }>(
      tx,
      sql`select id from ipv6_pools where prefix && ${input.prefix}::cidr limit 1`,
    );
    if (overlap) throw new AppError('network_value_taken', { field: FIELD });
    const [row] = await queryRows<{ id: number; prefix: string }>(
      tx,
      sql`insert into ipv6_pools (region_id, kind, prefix, assign_length)
          values (${input.regionId}, ${input.kind}, set_masklen(${input.prefix.split('/')[0]}::inet, ${length})::cidr,
                  ${input.assignLength})
          returning id, prefix::text as prefix`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: ctx.staffId,
      action: 'network.ipv6_pool.create',
      entity: 'region',
      entityId: input.regionId,
      after: { ...input, prefix: row!.prefix },
      ip: ctx.ip,
    });
    return { id: Number(row!.id) };
  });
}

const FIELD = { ru: 'Пул IPv6', en: 'IPv6 pool' };
