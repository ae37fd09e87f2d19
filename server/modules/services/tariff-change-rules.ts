import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { type AccountContext, assertNotTerminated } from '../accounts/load-account.js';

export interface TariffRow {
  id: number;
  region_id: number;
  name_ru: string;
  name_en: string;
  monthly_fee: number;
  speed_down_kbps: number;
  speed_up_kbps: number;
  active_from: string;
  active_to: string | null;
  archived: boolean;
}

export interface CurrentTariff extends TariffRow {
  subscription_id: number;
  /** What this subscriber pays for it (the fee agreed when it started). */
  agreed_fee: number;
  pending_tariff_id: number | null;
  pending_from: string | null;
}

/** The account's open tariff subscription (the plan it will be on tomorrow unless changed). */
export async function currentTariff(db: Db, accountId: number): Promise<CurrentTariff | null> {
  const [row] = await queryRows<CurrentTariff>(
    db,
    sql`select t.*, s.id as subscription_id, s.monthly_fee as agreed_fee, s.pending_tariff_id, s.pending_from
        from subscriptions s join tariffs t on t.id = s.tariff_id
        where s.account_id = ${accountId} and s.kind = 'tariff' and s.ends_on is null
        order by s.starts_on desc, s.id desc limit 1`,
  );
  return row ?? null;
}

export async function findTariff(db: Db, tariffId: number): Promise<TariffRow> {
  const [t] = await queryRows<TariffRow>(
    db,
    sql`select id, region_id, name_ru, name_en, monthly_fee, speed_down_kbps, speed_up_kbps, active_from, active_to, archived
        from tariffs where id = ${tariffId}`,
  );
  if (!t) throw new AppError('tariff_not_found');
  return t;
}

/**
 * Whether the account may move to `target` from tomorrow (docs/services.md): not for a terminated
 * contract; not while blocked for debt (staff may); only a plan of the account's region that is offered
 * tomorrow and not archived; not the plan it is already on.
 */
export function checkTariffChange(
  a: AccountContext,
  current: CurrentTariff | null,
  target: TariffRow,
  opts: { staff: boolean; from: string },
): void {
  assertNotTerminated(a);
  if (a.status === 'blocked' && !opts.staff) throw new AppError('blocked_for_debt');
  if (target.region_id !== a.regionId) throw new AppError('tariff_not_available');
  if (target.archived) throw new AppError('tariff_archived');
  if (target.active_from > opts.from || (target.active_to !== null && target.active_to < opts.from))
    throw new AppError('tariff_not_available');
  if (current && current.id === target.id) throw new AppError('tariff_same');
}
