import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';

/**
 * The month partitions of ledger_entries (docs/ledger-partitions.md). post-migrate.sql defines the
 * layout and `ledger_ensure_partition(month)`; this module keeps months made ahead and lists them.
 */

/** Months of partitions kept ready after the current one. */
export const MONTHS_AHEAD = 3;

export interface LedgerPartition {
  name: string;
  /** First day of its month, YYYY-MM-DD. */
  month: string;
  /** First day of the next month (exclusive upper bound). */
  next: string;
}

const NAME = /^ledger_entries_y(\d{4})m(\d{2})$/;

/** First day of the month of a YYYY-MM-DD day. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** First day of the month `k` months after the month of `day`. */
export function addMonths(day: string, k: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + k;
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}-01`;
}

export async function listLedgerPartitions(db: Db): Promise<LedgerPartition[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'ledger_entries'::regclass order by c.relname`,
  );
  return rows.flatMap((r) => {
    const m = NAME.exec(r.name);
    if (!m) return [];
    const month = `${m[1]}-${m[2]}-01`;
    return [{ name: r.name, month, next: addMonths(month, 1) }];
  });
}

/**
 * Makes the partitions from the current month to MONTHS_AHEAD months ahead (and moves their entries
 * out of the default partition, if any went there). Returns the months made. `lockTimeoutMs` bounds
 * the wait for the short lock attaching takes; the job tries again on its next run.
 */
export async function ensureLedgerPartitions(
  db: Db,
  opts: { now?: Date; monthsAhead?: number; lockTimeoutMs?: number } = {},
): Promise<string[]> {
  const current = monthOf(todayIn('UTC', opts.now));
  const made: string[] = [];
  for (let k = 0; k <= (opts.monthsAhead ?? MONTHS_AHEAD); k++) {
    const month = addMonths(current, k);
    const created = await inTransaction(db, async (tx) => {
      await tx.execute(sql`select set_config('lock_timeout', ${`${opts.lockTimeoutMs ?? 5000}ms`}, true)`);
      const [r] = await queryRows<{ made: boolean }>(tx, sql`select ledger_ensure_partition(${month}::date) as made`);
      return r?.made ?? false;
    });
    if (created) made.push(month);
  }
  return made;
}

/** Consecutive months after the current one that have their partition (0: next month's is missing). */
export function monthsAhead(partitions: LedgerPartition[], now?: Date): number {
  const have = new Set(partitions.map((p) => p.month));
  const current = monthOf(todayIn('UTC', now));
  let k = 0;
  while (have.has(addMonths(current, k + 1))) k++;
  return k;
}
