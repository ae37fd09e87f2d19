import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { readCheckpoints } from './checkpoint-ledger.js';
import { addMonths, listLedgerPartitions, monthOf } from './ledger-partitions.js';

/** Months that always stay in the ledger (statements reach three years back, docs/statement.md). */
export const MIN_MONTHS_KEPT = 37;

export interface ArchivedMonth {
  month: string;
  /** The detached month partition. */
  table: string;
  /** It and its ten-day parts (none for a month made before them): what to dump, then drop with it. */
  tables: string[];
  entries: number;
  total: number;
}

/**
 * Retention (docs/ledger-partitions.md): detaches the month partitions before `before` (a month
 * start) from ledger_entries. Balances are not touched: the verified checkpoint at `before` holds
 * every account's closing balance of the archived months, and verification, statements and the next
 * checkpoints start from it. The detached tables stay in the database, each with all its rows (a month
 * in ten-day parts keeps them as its partitions), for the operator to dump (pg_dump -t, the month and
 * its parts) and drop; `ledger_archive` records each month's count and sum.
 * Idempotency keys stay registered (ledger_keys), so a payment of an archived month is never
 * credited again, and entries dated in an archived month are refused.
 */
export async function archiveLedgerMonths(
  db: Db,
  opts: { before: string; now?: Date; minMonthsKept?: number; lockTimeoutMs?: number },
): Promise<ArchivedMonth[]> {
  const before = opts.before;
  if (!/^\d{4}-\d{2}-01$/.test(before)) throw new AppError('bad_date', { value: before });
  const keep = opts.minMonthsKept ?? MIN_MONTHS_KEPT;
  const latestAllowed = addMonths(monthOf(todayIn('UTC', opts.now)), -keep);
  if (before > latestAllowed) {
    throw new AppError('ledger_archive_too_recent', { before, latest: latestAllowed, months: keep });
  }
  const checkpoint = (await readCheckpoints(db)).find((c) => c.as_of === before);
  if (!checkpoint || checkpoint.state !== 'ready' || checkpoint.stale) {
    throw new AppError('ledger_checkpoint_missing', { day: before });
  }
  // Entries of those months that went to the default partition get their month partition first.
  const early = await queryRows<{ month: string }>(
    db,
    sql`select distinct date_trunc('month', effective_on)::date::text as month from ledger_entries_default
        where effective_on < ${before}::date`,
  );
  for (const e of early) await db.execute(sql`select ledger_ensure_partition(${e.month}::date)`);

  const out: ArchivedMonth[] = [];
  for (const p of (await listLedgerPartitions(db)).filter((x) => x.next <= before)) {
    const archived = await inTransaction(db, async (tx) => {
      await tx.execute(sql`select set_config('lock_timeout', ${`${opts.lockTimeoutMs ?? 5000}ms`}, true)`);
      const [sum] = await queryRows<{ n: number; total: number }>(
        tx,
        sql`select count(*)::int8 as n, coalesce(sum(amount), 0)::int8 as total from ${sql.identifier(p.name)}`,
      );
      const parts = await queryRows<{ name: string }>(
        tx,
        sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = ${p.name}::regclass order by c.relname`,
      );
      // A month in ten-day parts is detached whole: it stays a partitioned table holding its parts.
      await tx.execute(sql`alter table ledger_entries detach partition ${sql.identifier(p.name)}`);
      await tx.execute(
        sql`insert into ledger_archive (month, table_name, entries, total)
            values (${p.month}::date, ${p.name}, ${sum!.n}, ${sum!.total})`,
      );
      return {
        month: p.month,
        table: p.name,
        tables: [p.name, ...parts.map((x) => x.name)],
        entries: sum!.n,
        total: sum!.total,
      };
    });
    out.push(archived);
  }
  // Checkpoints inside the archived months describe detached history; the one at `before` stays.
  await db.execute(sql`delete from ledger_openings where as_of < ${before}::date`);
  await db.execute(sql`delete from ledger_checkpoints where as_of < ${before}::date`);
  return out;
}
