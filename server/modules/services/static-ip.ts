import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

/**
 * Gives a static-IP subscription an address from its region's pool, inside the caller's transaction.
 * The free row is claimed with FOR UPDATE SKIP LOCKED (concurrent requests take different rows, none
 * waits) and the UPDATE checks again that it is still free; `ip_addresses.subscription_id` is unique,
 * so an address can never be held twice. Least recently released addresses go first. An empty pool
 * refuses with the reason. Writes the assignment history and a `static_ip_assigned` account event.
 */
export async function allocateStaticIp(
  db: Db,
  opts: { regionId: number; accountId: number; subscriptionId: number },
): Promise<string> {
  const [row] = await queryRows<{ address: string }>(
    db,
    sql`with pick as (
          select id from ip_addresses
          where region_id = ${opts.regionId} and subscription_id is null
          order by released_at asc nulls first, address
          limit 1 for update skip locked),
        taken as (
          update ip_addresses i set subscription_id = ${opts.subscriptionId}, account_id = ${opts.accountId}, assigned_at = now()
          from pick where i.id = pick.id and i.subscription_id is null
          returning i.address),
        hist as (
          insert into ip_assignments (address, account_id, subscription_id)
          select address, ${opts.accountId}, ${opts.subscriptionId} from taken),
        ev as (
          insert into account_events (account_id, kind, data)
          select ${opts.accountId}, 'static_ip_assigned', jsonb_build_object('address', host(address), 'subscriptionId', ${opts.subscriptionId}::int8)
          from taken)
        select host(address) as address from taken`,
  );
  if (!row) throw new AppError('ip_pool_empty');
  return row.address;
}

/**
 * Returns the addresses held by the subscriptions `which` selects (a query returning subscription ids)
 * to the pool, in one statement: history closed, `static_ip_released` events written. Used when an
 * add-on is removed, when a contract is terminated, and by the daily run for subscriptions that ended.
 */
export async function releaseStaticIps(db: Db, which: SQL): Promise<{ address: string; accountId: number }[]> {
  return queryRows<{ address: string; accountId: number }>(
    db,
    sql`with old as (
          select id, address, account_id, subscription_id from ip_addresses
          where subscription_id in (${which}) for update),
        freed as (
          update ip_addresses i set subscription_id = null, account_id = null, released_at = now()
          from old where i.id = old.id
          returning old.address, old.account_id, old.subscription_id),
        hist as (
          update ip_assignments h set released_at = now()
          from freed where h.subscription_id = freed.subscription_id and h.released_at is null),
        ev as (
          insert into account_events (account_id, kind, data)
          select account_id, 'static_ip_released', jsonb_build_object('address', host(address), 'subscriptionId', subscription_id)
          from freed)
        select host(address) as address, account_id as "accountId" from freed`,
  );
}

/** Free addresses left in a region's pool. */
export async function freeAddresses(db: Db, regionId: number): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int8 as n from ip_addresses where region_id = ${regionId} and subscription_id is null`,
  );
  return r?.n ?? 0;
}
