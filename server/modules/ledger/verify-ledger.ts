import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { LEDGER_KINDS, type LedgerKind } from '../../db/schema/index.js';
import { archiveHorizon, latestCheckpoint } from './checkpoint-ledger.js';

export interface LedgerMismatch {
  accountId: number;
  accountNumber: string;
  balance: number;
  ledgerSum: number;
}

export interface LedgerVerification {
  accounts: number;
  mismatches: LedgerMismatch[];
  orphanEntries: number;
  /** incremental: from the latest checkpoint; full: every entry still in the ledger. */
  mode: 'incremental' | 'full';
  /** The checkpoint the check started from (null: from the first entry). */
  since: string | null;
  /** Full mode: accounts whose opening balance at `since` differs from their entries before it. */
  checkpointMismatches: { accountId: number; opening: number; ledgerSum: number }[];
  /** With `period`: the ledger's own sums for it, read from the entries (no checkpoint, no rollup). */
  period?: PeriodSums;
}

/**
 * What the ledger says about a period, summed straight from its entries: the balance of all accounts
 * before `from`, the movements of each kind in [from, to], and the balance after `to`. The accountant's
 * turnover sheet must give the same totals (docs/finance.md); an archived month's entries before
 * `from` count through the closing balances kept at the archive horizon.
 */
export interface PeriodSums {
  from: string;
  to: string;
  opening: number;
  byKind: Record<LedgerKind, number>;
  closing: number;
}

/**
 * Proves balance = sum of ledger entries for every account and lists each account where it does not
 * hold (docs/ledger-partitions.md). Incremental (default): each account's opening balance at the
 * latest verified checkpoint plus the entries since — a day or two of entries, however old the ledger.
 * Full: every entry still attached (plus the closing balances of archived months), and the latest
 * checkpoint itself checked against the entries before it.
 */
export async function verifyLedger(
  db: Db,
  opts: { full?: boolean; period?: { from: string; to: string } } = {},
): Promise<LedgerVerification> {
  const full = opts.full ?? false;
  const since = await latestCheckpoint(db);
  const horizon = await archiveHorizon(db);
  // Incremental starts at the latest checkpoint; full at the archive horizon (or the beginning).
  const from = full ? horizon : since;
  const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from accounts`);
  const entries = sql`select account_id, sum(amount) as total
                        ${full && since ? sql`, sum(amount) filter (where effective_on < ${since}::date) as before` : sql``}
                      from ledger_entries ${from ? sql`where effective_on >= ${from}::date` : sql``}
                      group by account_id`;
  const rows = await queryRows<{
    id: number;
    number: string;
    balance: number;
    ledger_sum: number;
    opening: number | null;
    before_sum: number | null;
  }>(
    db,
    sql`select a.id, a.number, a.balance,
               (coalesce(o.balance, 0) + coalesce(l.total, 0))::int8 as ledger_sum,
               ${full && since ? sql`coalesce(c.balance, 0)::int8 as opening, (coalesce(o.balance, 0) + coalesce(l.before, 0))::int8 as before_sum` : sql`null as opening, null as before_sum`}
        from accounts a
        left join (${entries}) l on l.account_id = a.id
        left join ledger_openings o on o.account_id = a.id and ${from ? sql`o.as_of = ${from}::date` : sql`false`}
        ${full && since ? sql`left join ledger_openings c on c.account_id = a.id and c.as_of = ${since}::date` : sql``}
        where a.balance <> coalesce(o.balance, 0) + coalesce(l.total, 0)
          ${full && since ? sql`or coalesce(c.balance, 0) <> coalesce(o.balance, 0) + coalesce(l.before, 0)` : sql``}
        order by a.id`,
  );
  // Entries (and openings) whose account does not exist: the table has no FK (docs/decisions/0003).
  const [orphans] = await queryRows<{ n: number }>(
    db,
    sql`select ((select count(*) from ledger_entries l
                 where ${from ? sql`l.effective_on >= ${from}::date and` : sql``}
                       not exists (select 1 from accounts a where a.id = l.account_id))
              + (select count(*) from ledger_openings o
                 where ${from ? sql`o.as_of = ${from}::date` : sql`false`}
                   and not exists (select 1 from accounts a where a.id = o.account_id)))::int8 as n`,
  );
  return {
    ...(opts.period ? { period: await periodSums(db, opts.period, horizon) } : {}),
    accounts: count?.n ?? 0,
    orphanEntries: orphans?.n ?? 0,
    mode: full ? 'full' : 'incremental',
    since: from,
    mismatches: rows
      .filter((r) => r.balance !== r.ledger_sum)
      .map((r) => ({ accountId: r.id, accountNumber: r.number, balance: r.balance, ledgerSum: r.ledger_sum })),
    checkpointMismatches: rows
      .filter((r) => r.opening !== null && r.opening !== r.before_sum)
      .map((r) => ({ accountId: r.id, opening: r.opening!, ledgerSum: r.before_sum! })),
  };
}

async function periodSums(db: Db, p: { from: string; to: string }, horizon: string | null): Promise<PeriodSums> {
  if (horizon && p.from < horizon) throw new Error(`ledger: ${p.from} is before the archive horizon ${horizon}`);
  const [open] = await queryRows<{ total: number }>(
    db,
    sql`select ((select coalesce(sum(amount), 0) from ledger_entries where effective_on < ${p.from}::date)
              + (select coalesce(sum(balance), 0) from ledger_openings where ${horizon ? sql`as_of = ${horizon}::date` : sql`false`}))::int8 as total`,
  );
  const kinds = await queryRows<{ kind: LedgerKind; total: number }>(
    db,
    sql`select kind, sum(amount)::int8 as total from ledger_entries
        where effective_on >= ${p.from}::date and effective_on <= ${p.to}::date group by kind`,
  );
  const byKind = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as Record<LedgerKind, number>;
  for (const k of kinds) byKind[k.kind] = k.total;
  const opening = open?.total ?? 0;
  return { from: p.from, to: p.to, opening, byKind, closing: opening + kinds.reduce((s, k) => s + k.total, 0) };
}
