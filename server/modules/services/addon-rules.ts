import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { type AccountContext, assertNotTerminated } from '../accounts/load-account.js';

/** Add-on kinds a subscriber connects in the cabinet (mobile internet goes through a request). */
export const SELF_SERVICE_KINDS = ['tv', 'static_ip'] as const;

export interface ServiceRow {
  id: number;
  region_id: number;
  kind: 'tv' | 'static_ip' | 'mobile';
  name_ru: string;
  name_en: string;
  description_ru: string;
  description_en: string;
  monthly_fee: number;
  archived: boolean;
}

export async function findService(db: Db, serviceId: number): Promise<ServiceRow> {
  const [s] = await queryRows<ServiceRow>(
    db,
    sql`select id, region_id, kind, name_ru, name_en, description_ru, description_en, monthly_fee, archived
        from services where id = ${serviceId}`,
  );
  if (!s) throw new AppError('service_not_found');
  return s;
}

export interface ConnectedAddon {
  subscription_id: number;
  service_id: number;
  kind: string;
  starts_on: string;
  ends_on: string | null;
  monthly_fee: number;
}

/** Add-on subscriptions that are on or still to come (not ended before today). */
export async function connectedAddons(db: Db, accountId: number, today: string): Promise<ConnectedAddon[]> {
  return queryRows<ConnectedAddon>(
    db,
    sql`select s.id as subscription_id, s.service_id, v.kind, s.starts_on, s.ends_on, s.monthly_fee
        from subscriptions s join services v on v.id = s.service_id
        where s.account_id = ${accountId} and s.kind = 'service'
          and (s.ends_on is null or s.ends_on >= ${today}::date) and (s.ends_on is null or s.ends_on >= s.starts_on)
        order by s.id`,
  );
}

/**
 * Whether the account may connect `service` (docs/services.md): a live contract not blocked for debt
 * (staff may), a TV package or static IP of the account's own region that is not archived, not already
 * connected — one static IP per account, each TV package once.
 */
export function checkConnect(
  a: AccountContext,
  service: ServiceRow,
  connected: ConnectedAddon[],
  opts: { staff: boolean },
): void {
  assertNotTerminated(a);
  if (a.status === 'blocked' && !opts.staff) throw new AppError('blocked_for_debt');
  if (
    service.region_id !== a.regionId ||
    service.archived ||
    !(SELF_SERVICE_KINDS as readonly string[]).includes(service.kind)
  )
    throw new AppError('addon_not_available');
  if (connected.some((c) => c.service_id === service.id || (service.kind === 'static_ip' && c.kind === 'static_ip')))
    throw new AppError('addon_already_connected');
}
