import { sql } from 'drizzle-orm';

import { addDays, todayIn } from '../../../common/dates.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { addMonths, type LedgerPartition, listLedgerPartitions, monthOf } from './ledger-partitions.js';

/**
 * Verified checkpoints of the ledger (docs/ledger-partitions.md). A checkpoint at day T holds, in
 * ledger_openings, each account's sum of entries dated before T; it is made from the previous
 * checkpoint plus the entries in between, so making one reads days or a month of entries, never the
 * whole history. `ledger verify` then needs only the entries since the latest checkpoint, a statement
 * only those since the month start before it, and archived months only their closing checkpoint.
 *
 * Checkpoints: every month start (kept), and the day before yesterday (UTC; replaced daily).
 * An entry dated before a checkpoint that already exists (a back-dated correction, a billing catch-up)
 * fires the `ledger_entries_late` trigger, which marks that checkpoint and every later one stale;
 * the next run makes them again from the last good one. The trigger sits only on partitions a
 * checkpoint covers — on the current month's with a WHEN on the date — so the daily charge and
 * today's payments never run it.
 */
export interface CheckpointSummary {
  made: string[];
  removed: string[];
  /** Another run is making checkpoints right now. */
  busy?: boolean;
}

interface CheckpointRow {
  as_of: string;
  kind: 'month' | 'day';
  state: 'computing' | 'ready';
  stale: boolean;
  age_seconds: number;
}

/** A run that has been computing for longer is considered dead and its checkpoint made again. */
const COMPUTING_LEASE_SECONDS = 3600;

export async function checkpointLedger(
  db: Db,
  opts: { now?: Date; lockTimeoutMs?: number } = {},
): Promise<CheckpointSummary> {
  const today = todayIn('UTC', opts.now);
  const existing = await readCheckpoints(db);
  if (existing.some((c) => c.state === 'computing' && c.age_seconds < COMPUTING_LEASE_SECONDS)) {
    return { made: [], removed: [], busy: true };
  }
  const partitions = await listLedgerPartitions(db);
  const first = await firstEntryMonth(db, partitions);
  if (!first) return { made: [], removed: [] };

  const targets: { asOf: string; kind: 'month' | 'day' }[] = [];
  const currentMonth = monthOf(today);
  for (let m = addMonths(first, 1); m <= currentMonth; m = addMonths(m, 1)) targets.push({ asOf: m, kind: 'month' });
  const day = addDays(today, -1);
  if (day > currentMonth && day > first) targets.push({ asOf: day, kind: 'day' });

  const made: string[] = [];
  for (const t of targets) {
    const have = existing.find((c) => c.as_of === t.asOf);
    if (have && have.state === 'ready' && !have.stale) continue;
    await makeCheckpoint(db, t, partitions, opts.lockTimeoutMs ?? 5000);
    made.push(t.asOf);
  }
  const removed = await removeSupersededDays(db);
  return { made, removed };
}

export async function readCheckpoints(db: Db): Promise<CheckpointRow[]> {
  return queryRows<CheckpointRow>(
    db,
    sql`select as_of::text as as_of, kind, state, stale,
               extract(epoch from now() - created_at)::float8 as age_seconds
        from ledger_checkpoints order by as_of`,
  );
}

/** The latest checkpoint that can be trusted (ready, not stale) on or before `day` (default: any). */
export async function latestCheckpoint(db: Db, day?: string): Promise<string | null> {
  const [row] = await queryRows<{ as_of: string | null }>(
    db,
    sql`select max(as_of)::text as as_of from ledger_checkpoints
        where state = 'ready' and not stale ${day ? sql`and as_of <= ${day}::date` : sql``}`,
  );
  return row?.as_of ?? null;
}

/**
 * The month of the oldest entry still in the ledger: the first non-empty month partition or the
 * default partition's oldest entry, and never before the archive horizon (archived months end at the
 * horizon's checkpoint, which is kept and never made again).
 */
async function firstEntryMonth(db: Db, partitions: LedgerPartition[]): Promise<string | null> {
  const candidates: string[] = [];
  const [dflt] = await queryRows<{ d: string | null }>(
    db,
    sql`select min(effective_on)::text as d from ledger_entries_default`,
  );
  if (dflt?.d) candidates.push(monthOf(dflt.d));
  for (const p of partitions) {
    const [row] = await queryRows<{ any: boolean }>(
      db,
      sql`select exists (select 1 from ${sql.identifier(p.name)}) as any`,
    );
    if (row?.any) {
      candidates.push(p.month);
      break;
    }
  }
  const first = candidates.sort()[0];
  if (!first) return null;
  const horizon = await archiveHorizon(db);
  return horizon && horizon > first ? horizon : first;
}

/** The first month not archived (entries before it are detached), or null when nothing is archived. */
export async function archiveHorizon(db: Db): Promise<string | null> {
  const [row] = await queryRows<{ month: string | null }>(
    db,
    sql`select max(month)::text as month from ledger_archive`,
  );
  return row?.month ? addMonths(row.month, 1) : null;
}

/**
 * Two steps. First, in a short transaction: wait until no transaction is writing into the months the
 * checkpoint covers, (re)install the late-entry triggers there, and register the checkpoint as
 * computing — from then on any entry dated before it marks it stale. Then one statement computes the
 * openings from the last good checkpoint and marks it ready (unless something marked it stale meanwhile).
 */
async function makeCheckpoint(
  db: Db,
  t: { asOf: string; kind: 'month' | 'day' },
  partitions: LedgerPartition[],
  lockTimeoutMs: number,
): Promise<void> {
  const base = await latestCheckpointBefore(db, t.asOf);
  await inTransaction(db, async (tx) => {
    await tx.execute(sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`);
    const [top] = await queryRows<{ as_of: string | null }>(
      tx,
      sql`select greatest(max(as_of), ${t.asOf}::date)::text as as_of from ledger_checkpoints`,
    );
    const upTo = top?.as_of ?? t.asOf;
    const covered = partitions.filter((p) => p.month < t.asOf);
    const locked = [...covered.map((p) => p.name), 'ledger_entries_default'];
    await tx.execute(
      sql`lock table ${sql.join(
        locked.map((n) => sql.identifier(n)),
        sql`, `,
      )} in share mode`,
    );
    for (const p of partitions.filter((x) => x.month < upTo)) await installLateTrigger(tx, p, upTo);
    await tx.execute(sql`delete from ledger_openings where as_of = ${t.asOf}::date`);
    await tx.execute(
      sql`insert into ledger_checkpoints (as_of, kind, state, stale, created_at, ready_at)
          values (${t.asOf}::date, ${t.kind}, 'computing', false, now(), null)
          on conflict (as_of) do update set kind = excluded.kind, state = 'computing', stale = false,
            created_at = now(), ready_at = null`,
    );
  });
  await db.execute(
    sql`with base as (
          select account_id, balance from ledger_openings where ${base ? sql`as_of = ${base}::date` : sql`false`}
        ),
        delta as (
          select account_id, sum(amount) as total, count(*) as n from ledger_entries
          where effective_on < ${t.asOf}::date ${base ? sql`and effective_on >= ${base}::date` : sql``}
          group by account_id
        ),
        merged as (
          select coalesce(b.account_id, d.account_id) as account_id,
                 coalesce(b.balance, 0) + coalesce(d.total, 0) as balance
          from base b full join delta d on d.account_id = b.account_id
        ),
        ins as (
          insert into ledger_openings (as_of, account_id, balance)
          select ${t.asOf}::date, account_id, balance from merged where balance <> 0
          returning balance
        )
        update ledger_checkpoints
        set state = 'ready', ready_at = now(),
            accounts = (select count(*) from ins), total = (select coalesce(sum(balance), 0) from ins),
            entries = (select coalesce(sum(n), 0) from delta)
        where as_of = ${t.asOf}::date`,
  );
}

async function latestCheckpointBefore(db: Db, asOf: string): Promise<string | null> {
  const [row] = await queryRows<{ as_of: string | null }>(
    db,
    sql`select max(as_of)::text as as_of from ledger_checkpoints
        where state = 'ready' and not stale and as_of < ${asOf}::date`,
  );
  return row?.as_of ?? null;
}

/**
 * A partition wholly before the newest checkpoint gets the trigger for any insert; the one the
 * newest checkpoint falls in, only for entries dated before that day (the WHEN keeps the trigger
 * function off today's charges and payments). On a month in ten-day parts the trigger is made on the
 * month: PostgreSQL clones it onto each part (and drops the clones with it), so the month's own trigger —
 * not a clone — is what says whether it is in place.
 */
async function installLateTrigger(tx: Db, p: LedgerPartition, upTo: string): Promise<void> {
  const table = sql.identifier(p.name);
  const triggers = await queryRows<{ name: string; def: string }>(
    tx,
    sql`select tgname as name, pg_get_triggerdef(oid) as def from pg_trigger
        where tgrelid = ${p.name}::regclass and tgparentid = 0
          and tgname in ('ledger_entries_late', 'ledger_entries_late_before')`,
  );
  const whole = p.next <= upTo;
  if (whole) {
    if (!triggers.some((t) => t.name === 'ledger_entries_late')) {
      await tx.execute(
        sql`create trigger ledger_entries_late after insert on ${table}
            for each row execute function ledger_entries_late()`,
      );
    }
    if (triggers.some((t) => t.name === 'ledger_entries_late_before')) {
      await tx.execute(sql`drop trigger ledger_entries_late_before on ${table}`);
    }
    return;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(upTo)) throw new Error(`not a day: ${upTo}`);
  const current = triggers.find((t) => t.name === 'ledger_entries_late_before');
  if (current?.def.includes(`'${upTo}'`)) return;
  if (current) await tx.execute(sql`drop trigger ledger_entries_late_before on ${table}`);
  await tx.execute(
    sql`create trigger ledger_entries_late_before after insert on ${table}
        for each row when (new.effective_on < ${sql.raw(`'${upTo}'::date`)})
        execute function ledger_entries_late()`,
  );
}

/** Day checkpoints older than the newest ready one are not needed any more. */
async function removeSupersededDays(db: Db): Promise<string[]> {
  const rows = await queryRows<{ as_of: string }>(
    db,
    sql`with newest as (
          select max(as_of) as d from ledger_checkpoints where kind = 'day' and state = 'ready' and not stale
        ),
        gone as (
          delete from ledger_checkpoints c using newest
          where c.kind = 'day' and c.as_of < newest.d
          returning c.as_of
        ),
        openings as (delete from ledger_openings o using gone where o.as_of = gone.as_of)
        select as_of::text as as_of from gone`,
  );
  return rows.map((r) => r.as_of);
}
