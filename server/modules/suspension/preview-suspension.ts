import { addDays, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { suspensionCost } from '../../../common/suspension-rules.js';
import type { Db } from '../../db/client.js';
import { loadAccount } from '../accounts/load-account.js';
import { listAccountSuspensions, projectedFreeDays, rulesOf } from './suspension-history.js';
import { checkApplication } from './suspension-rules-check.js';

export function assertDays(p: { startsOn: string; endsOn: string }): void {
  for (const d of [p.startsOn, p.endsOn]) if (!isValidDay(d)) throw new AppError('bad_date', { value: d });
}

/**
 * What an application for [startsOn, endsOn] would cost, refused with the reason when it breaks a rule:
 * its free days (the allowance left at its start, counting every other application), the paid days and
 * the daily fee after them, and whether the region approves it without a review.
 */
export async function previewSuspension(
  db: Db,
  opts: { accountId: number; startsOn: string; endsOn: string; staff?: boolean; now?: Date },
) {
  assertDays(opts);
  const a = await loadAccount(db, opts.accountId, { now: opts.now });
  const rules = rulesOf(a.settings);
  const rows = await listAccountSuspensions(db, a.id);
  checkApplication(a, rows, opts, rules, { staff: opts.staff ?? false });
  const free = projectedFreeDays(rows, opts.startsOn, opts.endsOn, rules);
  const available = projectedFreeDays(rows, opts.startsOn, addDays(opts.startsOn, rules.freeDays - 1), rules);
  return {
    startsOn: opts.startsOn,
    endsOn: opts.endsOn,
    resumesOn: addDays(opts.endsOn, 1),
    ...suspensionCost({ startsOn: opts.startsOn, endsOn: opts.endsOn, freeDays: free, dailyFee: rules.dailyFee }),
    dailyFee: rules.dailyFee,
    freeDaysAvailable: available,
    autoApprove: rules.autoApprove,
  };
}
