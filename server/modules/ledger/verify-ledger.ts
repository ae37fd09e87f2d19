import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

export interface LedgerMismatch {
  accountId: number;
  accountNumber: string;
  balance: number;
  ledgerSum: number;
}

/** Proves balance = sum of ledger entries for every account; lists each account where it does not hold. */
export async function verifyLedger(
  db: Db,
): Promise<{ accounts: number; mismatches: LedgerMismatch[]; orphanEntries: number }> {
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from accounts`);
  const rows = await queryRows<{ id: number; number: string; balance: number; ledger_sum: number }>(
    db,
    sql`select a.id, a.number, a.balance, coalesce(l.total, 0)::int8 as ledger_sum
        from accounts a
        left join (select account_id, sum(amount) as total from ledger_entries group by account_id) l
          on l.account_id = a.id
        where a.balance <> coalesce(l.total, 0)
        order by a.id`,
  );
  // Entries whose account does not exist (the table has no FK, see docs/decisions/0003).
  const [orphans] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int8 as n from ledger_entries l where not exists (select 1 from accounts a where a.id = l.account_id)`,
  );
  return {
    accounts: count?.n ?? 0,
    orphanEntries: orphans?.n ?? 0,
    mismatches: rows.map((r) => ({
      accountId: r.id,
      accountNumber: r.number,
      balance: r.balance,
      ledgerSum: r.ledger_sum,
    })),
  };
}
