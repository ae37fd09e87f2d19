import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { amountForMonths, prepayBonus } from '../../../common/prepay.js';
import { type Db, queryRows } from '../../db/client.js';

/** "Pay N months": the amount and the prepay bonus the payer will get, shown before paying (same rule as creditPayment). */
export async function quoteMonths(db: Db, accountId: number, months: number) {
  if (!Number.isInteger(months) || months < 1 || months > 12) throw new AppError('bad_months');
  const [a] = await queryRows<{
    balance: number;
    fee: number;
    settings: { prepayTiers?: { months: number; percent: number }[] };
  }>(
    db,
    sql`select a.balance, r.settings,
               (select coalesce(sum(monthly_fee), 0)::int8 from subscriptions s where s.account_id = a.id
                 and s.starts_on <= current_date and (s.ends_on is null or s.ends_on >= current_date)) as fee
        from accounts a join regions r on r.id = a.region_id where a.id = ${accountId}`,
  );
  if (!a) throw new AppError('account_not_found', { account: accountId });
  if (a.fee <= 0) throw new AppError('no_monthly_fee');
  const amount = amountForMonths(months, a.fee, a.balance);
  const b = prepayBonus({ amount, monthlyFee: a.fee, balanceBefore: a.balance, tiers: a.settings?.prepayTiers });
  return {
    months,
    monthlyFee: a.fee,
    debt: Math.max(0, -a.balance),
    amount,
    bonus: b?.bonus ?? 0,
    bonusPercent: b?.percent ?? 0,
  };
}
