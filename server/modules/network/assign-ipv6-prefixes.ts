import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';

interface Pool {
  id: number;
  region_id: number;
  kind: 'framed' | 'delegated';
  prefix: string;
  assign_length: number;
  next_index: number;
}

/**
 * Gives IPv6 prefixes to accounts with network access in regions that have IPv6 pools (docs/network.md,
 * "IPv6"): a /64 from the region's `framed` pool and a prefix of the pool's length from its `delegated`
 * pool, each the pool's next one, kept by the account for good. One region at a time, its pools locked, up
 * to `batch` accounts per statement; returns how many accounts got something. The directory hears of
 * them by NOTIFY (post-migrate.sql) and answers with them at once. Run every minute by network.ipv6-assign.
 */
export async function assignIpv6Prefixes(db: Db, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 5_000;
  const regions = await queryRows<{ region_id: number }>(db, sql`select distinct region_id from ipv6_pools`);
  let assigned = 0;
  for (const { region_id } of regions) {
    for (;;) {
      const r = await inTransaction(db, (tx) => assignInRegion(tx, Number(region_id), batch));
      assigned += r.accounts;
      // A full pool leaves accounts without: they would be picked again forever.
      if (r.accounts < batch || r.poolFull) break;
    }
  }
  return assigned;
}

async function assignInRegion(
  tx: Db,
  regionId: number,
  batch: number,
): Promise<{ accounts: number; poolFull: boolean }> {
  const pools = (
    await queryRows<Pool>(
      tx,
      sql`select id, region_id, kind, prefix::text as prefix, assign_length, next_index from ipv6_pools
          where region_id = ${regionId} order by id for update`,
    )
  ).map((p) => ({ ...p, id: Number(p.id), assign_length: Number(p.assign_length), next_index: Number(p.next_index) }));
  const hasFramed = pools.some((p) => p.kind === 'framed');
  const hasDelegated = pools.some((p) => p.kind === 'delegated');
  const needs = await queryRows<{ account_id: number; framed: boolean; delegated: boolean }>(
    tx,
    sql`select n.account_id,
               ${hasFramed} and ia.framed_prefix is null as framed,
               ${hasDelegated} and ia.delegated_prefix is null as delegated
        from network_access n
        join accounts a on a.id = n.account_id
        left join ipv6_assignments ia on ia.account_id = n.account_id
        where a.region_id = ${regionId} and a.status <> 'terminated'
          and ((${hasFramed} and ia.framed_prefix is null) or (${hasDelegated} and ia.delegated_prefix is null))
        order by n.account_id
        limit ${batch}`,
  );
  if (needs.length === 0) return { accounts: 0, poolFull: false };
  const take = (kind: Pool['kind']): string | null => {
    for (const p of pools) {
      if (p.kind !== kind) continue;
      const prefix = nthPrefix(p.prefix, p.assign_length, p.next_index);
      if (prefix === null) continue; // full
      p.next_index++;
      return prefix;
    }
    return null;
  };
  const rows = needs.map((r) => ({
    a: Number(r.account_id),
    f: r.framed ? take('framed') : null,
    d: r.delegated ? take('delegated') : null,
  }));
  await tx.execute(
    sql`insert into ipv6_assignments (account_id, framed_prefix, delegated_prefix)
        select a, f::cidr, d::cidr from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(a int8, f text, d text)
        on conflict (account_id) do update set
          framed_prefix = coalesce(ipv6_assignments.framed_prefix, excluded.framed_prefix),
          delegated_prefix = coalesce(ipv6_assignments.delegated_prefix, excluded.delegated_prefix)`,
  );
  for (const p of pools) {
    await tx.execute(sql`update ipv6_pools set next_index = ${p.next_index} where id = ${p.id}`);
  }
  const poolFull = rows.some((r, i) => (needs[i]!.framed && r.f === null) || (needs[i]!.delegated && r.d === null));
  return { accounts: rows.length, poolFull };
}

/** The `index`-th prefix of length `length` in `pool` (`2001:db8::/40`), or null past its end. */
export function nthPrefix(pool: string, length: number, index: number): string | null {
  const [address, bits] = pool.split('/');
  const poolLength = Number(bits);
  if (length < poolLength || length > 128) return null;
  if (BigInt(index) >= 1n << BigInt(length - poolLength)) return null;
  const base = ipv6ToBigInt(address!);
  return `${bigIntToIpv6(base + (BigInt(index) << BigInt(128 - length)))}/${length}`;
}

export function ipv6ToBigInt(address: string): bigint {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`not an IPv6 address: ${address}`);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function bigIntToIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // The longest run of zero groups (two or more) becomes '::' (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}
