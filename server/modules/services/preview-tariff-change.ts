import { addDays } from '../../../common/dates.js';
import { dailyCharge, daysLeft } from '../../../common/days-left.js';
import { discountedFee } from '../../../common/promotions.js';
import type { Db } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { feesOn } from './account-fees.js';
import { checkTariffChange, currentTariff, findTariff, type TariffRow } from './tariff-change-rules.js';

const plan = (t: TariffRow, fee: number) => ({
  id: t.id,
  nameRu: t.name_ru,
  nameEn: t.name_en,
  monthlyFee: fee,
  speedDownKbps: t.speed_down_kbps,
  speedUpKbps: t.speed_up_kbps,
});

/**
 * What a tariff change would do, without doing it: the plans side by side, the day it takes effect
 * (tomorrow's charge), tomorrow's charge and the days the money lasts at the new fees (add-ons and any
 * promotion discount counted). Refused with the reason, like the change itself.
 */
export async function previewTariffChange(
  db: Db,
  opts: { accountId: number; tariffId: number; staff?: boolean; now?: Date },
) {
  const a = await loadAccount(db, opts.accountId, { now: opts.now });
  const from = addDays(a.today, 1);
  const [current, target] = await Promise.all([currentTariff(db, a.id), findTariff(db, opts.tariffId)]);
  checkTariffChange(a, current, target, { staff: opts.staff ?? false, from });
  const fees = await feesOn(db, a.id, from);
  const tariffLine = fees.find((f) => f.kind === 'tariff');
  const newFee = tariffLine?.discountPercent
    ? discountedFee(target.monthly_fee, tariffLine.discountPercent)
    : target.monthly_fee;
  const monthly = fees.map((f) => (f.kind === 'tariff' ? newFee : f.monthlyFee));
  if (!tariffLine) monthly.push(newFee);
  return {
    current: current ? plan(current, current.agreed_fee) : null,
    next: plan(target, target.monthly_fee),
    from,
    discountPercent: tariffLine?.discountPercent ?? null,
    monthlyFeeBefore: fees.reduce((s, f) => s + f.monthlyFee, 0),
    monthlyFeeAfter: monthly.reduce((s, f) => s + f, 0),
    nextCharge: { on: from, amount: dailyCharge(monthly, from) },
    daysLeft: daysLeft({ money: a.balance + a.creditLimit, monthlyFees: monthly, today: a.today }),
    replacesPending: current?.pending_tariff_id ?? null,
  };
}
