import { addDays } from '../../../common/dates.js';
import type { Db } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { listAvailableTariffs } from '../catalog/catalog.js';
import { currentTariff, findTariff } from './tariff-change-rules.js';

/** The tariff page: the plans of the account's region offered tomorrow, the current plan and a pending change. */
export async function listTariffOptions(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const tomorrow = addDays(a.today, 1);
  const [current, plans] = await Promise.all([currentTariff(db, accountId), listAvailableTariffs(db, a.regionId, now)]);
  const pending = current?.pending_tariff_id ? await findTariff(db, current.pending_tariff_id) : null;
  return {
    status: a.status,
    current: current
      ? {
          id: current.id,
          nameRu: current.name_ru,
          nameEn: current.name_en,
          monthlyFee: current.agreed_fee,
          speedDownKbps: current.speed_down_kbps,
          speedUpKbps: current.speed_up_kbps,
          archived: current.archived,
        }
      : null,
    pending: pending
      ? { id: pending.id, nameRu: pending.name_ru, nameEn: pending.name_en, from: current!.pending_from! }
      : null,
    plans: plans
      .filter((p) => p.activeFrom <= tomorrow && (p.activeTo === null || p.activeTo >= tomorrow))
      .map((p) => ({
        id: p.id,
        nameRu: p.nameRu,
        nameEn: p.nameEn,
        descriptionRu: p.descriptionRu,
        descriptionEn: p.descriptionEn,
        monthlyFee: p.monthlyFee,
        speedDownKbps: p.speedDownKbps,
        speedUpKbps: p.speedUpKbps,
        current: current?.id === p.id,
      })),
  };
}
