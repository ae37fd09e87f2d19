import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { connectedAddons, SELF_SERVICE_KINDS, type ServiceRow } from './addon-rules.js';
import { freeAddresses } from './static-ip.js';

/**
 * The add-ons page: the region's TV packages, static IP and mobile-internet packages with their fees,
 * which are connected (with the address and dates) — whatever their kind, so each can be seen and
 * removed — and why one cannot be connected here now: a static IP already held or an empty pool, a
 * mobile package that is connected through a request (docs/services.md).
 */
export async function listAddons(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const [catalogue, connected, free] = await Promise.all([
    queryRows<ServiceRow>(
      db,
      sql`select id, region_id, kind, name_ru, name_en, description_ru, description_en, monthly_fee, archived
          from services where region_id = ${a.regionId} and not archived
          order by case kind when 'tv' then 0 when 'static_ip' then 1 else 2 end, monthly_fee, id`,
    ),
    connectedAddons(db, accountId, a.today),
    freeAddresses(db, a.regionId),
  ]);
  const addresses = await queryRows<{ subscription_id: number; address: string }>(
    db,
    sql`select subscription_id, host(address) as address from ip_addresses where account_id = ${accountId}`,
  );
  const connectedIds = new Set(connected.map((c) => c.service_id));
  // A connected add-on that has since left the catalogue (archived) is still listed, so it can be removed.
  const extra = connected.filter((c) => !catalogue.some((s) => s.id === c.service_id)).map((c) => c.service_id);
  const archived = extra.length
    ? await queryRows<ServiceRow>(
        db,
        sql`select id, region_id, kind, name_ru, name_en, description_ru, description_en, monthly_fee, archived
            from services where id in (${sql.join(
              extra.map((id) => sql`${id}`),
              sql`, `,
            )})`,
      )
    : [];
  const hasStaticIp = connected.some((c) => c.kind === 'static_ip');
  return {
    today: a.today,
    addons: [...catalogue, ...archived].map((s) => {
      const sub = connected.find((c) => c.service_id === s.id);
      return {
        serviceId: s.id,
        kind: s.kind,
        nameRu: s.name_ru,
        nameEn: s.name_en,
        descriptionRu: s.description_ru,
        descriptionEn: s.description_en,
        monthlyFee: s.monthly_fee,
        connected: connectedIds.has(s.id),
        subscription: sub
          ? {
              id: sub.subscription_id,
              startsOn: sub.starts_on,
              endsOn: sub.ends_on,
              monthlyFee: sub.monthly_fee,
              address: addresses.find((x) => x.subscription_id === sub.subscription_id)?.address ?? null,
            }
          : null,
        /** Why it cannot be connected now, or null. */
        unavailable: connectedIds.has(s.id)
          ? null
          : !(SELF_SERVICE_KINDS as readonly string[]).includes(s.kind)
            ? ('by_request' as const)
            : s.kind === 'static_ip' && hasStaticIp
              ? ('already_connected' as const)
              : s.kind === 'static_ip' && free === 0
                ? ('pool_empty' as const)
                : null,
      };
    }),
  };
}
