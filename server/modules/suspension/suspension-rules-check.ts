import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import {
  daysIn,
  periodsOverlap,
  SUSPENSION_MAX_AHEAD_DAYS,
  type SuspensionRules,
} from '../../../common/suspension-rules.js';
import { type AccountContext, assertNotTerminated } from '../accounts/load-account.js';
import { lastDayOf, OPEN_STATES, type SuspensionRow } from './suspension-history.js';

/**
 * The rules an application must meet (docs/suspension.md): a live contract not blocked for debt (staff
 * may apply for a debtor), the first day tomorrow at the earliest and within SUSPENSION_MAX_AHEAD_DAYS,
 * from `minDays` to `maxDays` days, no day shared with another open application or suspension.
 */
export function checkApplication(
  a: AccountContext,
  rows: SuspensionRow[],
  period: { startsOn: string; endsOn: string },
  rules: SuspensionRules,
  opts: { staff: boolean; exceptId?: number },
): void {
  assertNotTerminated(a);
  if (a.status === 'blocked' && !opts.staff) throw new AppError('blocked_for_debt');
  const days = daysIn(period.startsOn, period.endsOn);
  const tomorrow = addDays(a.today, 1);
  if (
    period.startsOn < tomorrow ||
    period.startsOn > addDays(a.today, SUSPENSION_MAX_AHEAD_DAYS) ||
    days < rules.minDays ||
    days > rules.maxDays
  ) {
    throw new AppError('suspension_bad_dates', {
      ahead: SUSPENSION_MAX_AHEAD_DAYS,
      min: rules.minDays,
      max: rules.maxDays,
    });
  }
  const clash = rows.find(
    (r) =>
      r.id !== opts.exceptId &&
      OPEN_STATES.includes(r.status) &&
      periodsOverlap(
        { startsOn: r.starts_on, lastDay: lastDayOf(r) },
        { startsOn: period.startsOn, lastDay: period.endsOn },
      ),
  );
  if (clash) throw new AppError('suspension_overlap', { from: clash.starts_on, to: lastDayOf(clash) });
}
