import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';

/** "Иванов Иван Иванович" → "Иванов И. И.": enough for a payer to recognise the account, not to learn the name. */
export function maskHolderName(full: string): string {
  const [last, ...rest] = full.trim().split(/\s+/);
  return [last, ...rest.map((w) => `${w[0]!.toUpperCase()}.`)].join(' ');
}

/** Public payer check before paying by account number: only existing, not terminated accounts. */
export async function findPayer(db: Db, number: string) {
  const [r] = await queryRows<{ id: number; number: string; full_name: string }>(
    db,
    sql`select a.id, a.number, s.full_name from accounts a join contracts c on c.id = a.contract_id
        join subscribers s on s.id = c.subscriber_id where a.number = ${number} and a.status <> 'terminated'`,
  );
  if (!r) throw new AppError('account_not_found', { account: number });
  return { accountId: r.id, account: r.number, holder: maskHolderName(r.full_name) };
}
