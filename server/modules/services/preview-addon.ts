import { addDays } from '../../../common/dates.js';
import { dailyCharge, daysLeft } from '../../../common/days-left.js';
import { AppError } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { assertNotTerminated, loadAccount } from '../accounts/load-account.js';
import { feesOn } from './account-fees.js';
import { checkConnect, connectedAddons, findService } from './addon-rules.js';
import { freeAddresses } from './static-ip.js';

/**
 * What connecting or disconnecting an add-on would do: the fee, from which day it is charged (or the
 * last day it is), tomorrow's charge and the days the money lasts afterwards. Refused with the reason
 * exactly as the action itself would be (an empty static-IP pool included).
 */
export async function previewAddon(
  db: Db,
  opts: { accountId: number; serviceId: number; action: 'connect' | 'disconnect'; staff?: boolean; now?: Date },
) {
  const a = await loadAccount(db, opts.accountId, { now: opts.now });
  const tomorrow = addDays(a.today, 1);
  const [service, connected, fees] = await Promise.all([
    findService(db, opts.serviceId),
    connectedAddons(db, a.id, a.today),
    feesOn(db, a.id, tomorrow),
  ]);
  const before = fees.map((f) => f.monthlyFee);
  let after: number[];
  if (opts.action === 'connect') {
    checkConnect(a, service, connected, { staff: opts.staff ?? false });
    if (service.kind === 'static_ip' && (await freeAddresses(db, a.regionId)) === 0)
      throw new AppError('ip_pool_empty');
    after = [...before, service.monthly_fee];
  } else {
    assertNotTerminated(a);
    const sub = connected.find((c) => c.service_id === service.id);
    if (!sub) throw new AppError('addon_not_connected');
    after = fees.filter((f) => f.subscriptionId !== sub.subscription_id).map((f) => f.monthlyFee);
  }
  return {
    action: opts.action,
    service: {
      id: service.id,
      kind: service.kind,
      nameRu: service.name_ru,
      nameEn: service.name_en,
      monthlyFee: service.monthly_fee,
    },
    /** connect: the first charged day; disconnect: the last day it works (today). */
    day: opts.action === 'connect' ? tomorrow : a.today,
    monthlyFeeBefore: before.reduce((s, f) => s + f, 0),
    monthlyFeeAfter: after.reduce((s, f) => s + f, 0),
    nextCharge: { on: tomorrow, amount: dailyCharge(after, tomorrow) },
    daysLeft: daysLeft({ money: a.balance + a.creditLimit, monthlyFees: after, today: a.today }),
  };
}
