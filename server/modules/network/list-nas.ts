import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { NasVendor } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

export interface NasView {
  id: number;
  regionId: number;
  region: string;
  name: string;
  address: string;
  vendor: NasVendor;
  coaPort: number;
  active: boolean;
  description: string;
  online: number;
}

/**
 * The NAS registry (one region's, or all the caller's regions), with how many sessions each has open;
 * never the secrets.
 */
export async function listNas(
  db: Db,
  opts: { regionId?: number; lang?: 'ru' | 'en'; regions?: RegionScope } = {},
): Promise<NasView[]> {
  const rows = await queryRows<{
    id: number;
    region_id: number;
    region: string;
    name: string;
    address: string;
    vendor: NasVendor;
    coa_port: number;
    active: boolean;
    description: string;
    online: number;
  }>(
    db,
    sql`select n.id, n.region_id, ${opts.lang === 'en' ? sql`r.name_en` : sql`r.name_ru`} as region, n.name,
               host(n.address) as address, n.vendor, n.coa_port, n.active, n.description,
               (select count(*) from radius_sessions s
                where s.nas_address = n.address and s.stopped_at is null)::int as online
        from nas n join regions r on r.id = n.region_id
        where ${inRegions(opts.regions ?? 'all', sql`n.region_id`)}
          ${opts.regionId ? sql`and n.region_id = ${opts.regionId}` : sql``}
        order by r.id, n.name`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    regionId: Number(r.region_id),
    region: r.region,
    name: r.name,
    address: r.address,
    vendor: r.vendor,
    coaPort: Number(r.coa_port),
    active: r.active,
    description: r.description,
    online: Number(r.online),
  }));
}
