import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { BulkState } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { type BulkAction, bulkAction } from './bulk.schemas.js';
import { execute, type ItemResult } from './bulk-actions.js';

export const BULK_BATCH = 500;

export interface RunHooks {
  /** Called inside each batch's transaction after the work, before the items are marked (tests kill here). */
  inBatch?: (batch: number) => Promise<void> | void;
  /** Called after each batch committed; false stops the run (its job lease was lost). */
  afterBatch?: (batch: number) => Promise<boolean | void> | boolean | void;
  signal?: AbortSignal;
}

interface OpRow {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  state: BulkState;
  created_by: number;
  stop_requested_at: string | null;
}

/**
 * One batch: the next pending items (locked, SKIP LOCKED: a second runner of the same operation takes
 * other rows), the action done for them (bulk-actions.ts `execute`), the items marked and the
 * operation's counters moved — one transaction, so a batch is either wholly done or not at all, and a
 * run killed mid-way leaves only whole batches behind. Returns how many items it took (0: none left).
 */
export async function runBatch(
  db: Db,
  op: { id: number; staffId: number; action: BulkAction },
  opts: { batchSize?: number; batchNo?: number; inBatch?: RunHooks['inBatch'] } = {},
): Promise<number> {
  return inTransaction(db, async (tx) => {
    const items = await queryRows<{ account_id: number }>(
      tx,
      sql`select account_id from bulk_operation_items
          where operation_id = ${op.id} and state = 'pending'
          order by account_id limit ${opts.batchSize ?? BULK_BATCH}
          for update skip locked`,
    );
    if (items.length === 0) return 0;
    const ids = items.map((i) => Number(i.account_id));
    const results = await execute(tx, { operationId: op.id, staffId: op.staffId, action: op.action }, ids);
    await opts.inBatch?.(opts.batchNo ?? 0);
    await markItems(tx, op.id, ids, results);
    return ids.length;
  });
}

async function markItems(tx: Db, operationId: number, ids: number[], results: ItemResult[]) {
  const byId = new Map(results.map((r) => [r.accountId, r]));
  // An account gone from the database (never, but a batch must still finish) is failed as not found.
  const rows = ids.map(
    (id) => byId.get(id) ?? { accountId: id, state: 'failed', reason: 'account_not_found', moved: 0 },
  );
  const json = JSON.stringify(rows.map((r) => ({ a: r.accountId, s: r.state, r: r.reason, m: r.moved })));
  await tx.execute(
    sql`with r as (select * from jsonb_to_recordset(${json}::jsonb) as x(a int8, s text, r text, m int8)),
        upd as (
          update bulk_operation_items i set state = r.s, reason = r.r, done_at = now()
          from r where i.operation_id = ${operationId} and i.account_id = r.a and i.state = 'pending'
          returning r.s, r.m)
        update bulk_operations o set
          processed = o.processed + t.n, succeeded = o.succeeded + t.done, skipped = o.skipped + t.skipped,
          failed = o.failed + t.failed, amount_moved = o.amount_moved + t.moved
        from (select count(*) as n, count(*) filter (where s = 'done') as done,
                     count(*) filter (where s = 'skipped') as skipped, count(*) filter (where s = 'failed') as failed,
                     coalesce(sum(m), 0) as moved from upd) t
        where o.id = ${operationId}`,
  );
}

/**
 * Runs an operation to its end (the `bulk.run` job; docs/bulk.md "Running"): batch after batch until
 * no item is pending, then `done`. A stop request is honoured between batches (`stopped`, the rest left
 * pending and shown so in the report). Safe to run again or twice at once: items already done are never
 * taken again, and each compensation is one ledger entry keyed by the operation and the account.
 */
export async function runBulk(
  db: Db,
  opts: { operationId: number; batchSize?: number } & RunHooks,
): Promise<BulkState | 'missing'> {
  const read = async () =>
    (
      await queryRows<OpRow>(
        db,
        sql`select id, kind, params, state, created_by, stop_requested_at from bulk_operations where id = ${opts.operationId}`,
      )
    )[0];
  let op = await read();
  if (!op) return 'missing';
  if (op.state === 'queued')
    await db.execute(
      sql`update bulk_operations set state = 'running', started_at = coalesce(started_at, now())
          where id = ${op.id} and state = 'queued'`,
    );
  const action = bulkAction.parse({ kind: op.kind, ...op.params });
  const run = { id: Number(op.id), staffId: Number(op.created_by), action };
  for (let batch = 1; ; batch++) {
    op = await read();
    if (!op || ['done', 'stopped', 'failed'].includes(op.state)) return op?.state ?? 'missing';
    if (op.stop_requested_at) return finish(db, run.id, 'stopped');
    opts.signal?.throwIfAborted();
    const n = await runBatch(db, run, { batchSize: opts.batchSize, batchNo: batch, inBatch: opts.inBatch });
    if (n === 0) {
      // Another runner may still hold the last rows: done only when nothing is pending at all.
      const [left] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int8 as n from bulk_operation_items where operation_id = ${run.id} and state = 'pending'`,
      );
      if (Number(left?.n ?? 0) > 0) return 'running';
      return finish(db, run.id, 'done');
    }
    if ((await opts.afterBatch?.(batch)) === false) return 'running';
  }
}

async function finish(db: Db, id: number, state: 'done' | 'stopped'): Promise<BulkState> {
  return inTransaction(db, async (tx) => {
    const [op] = await queryRows<Record<string, number | string>>(
      tx,
      sql`update bulk_operations set state = ${state}, finished_at = now()
          where id = ${id} and state in ('queued', 'running', 'stopping')
          returning processed, succeeded, skipped, failed, amount_moved, total`,
    );
    if (op)
      await recordAudit(tx, {
        actorType: 'system',
        action: state === 'done' ? 'bulk.finished' : 'bulk.stopped',
        entity: 'bulk_operation',
        entityId: id,
        after: op,
      });
    return state;
  });
}

/** The job gave up (its last attempt failed): the operation says so, with the error. */
export async function failBulk(db: Db, id: number, error: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const rows = await queryRows<{ id: number }>(
      tx,
      sql`update bulk_operations set state = 'failed', finished_at = now(), last_error = ${error.slice(0, 2000)}
          where id = ${id} and state in ('queued', 'running', 'stopping') returning id`,
    );
    if (rows.length)
      await recordAudit(tx, {
        actorType: 'system',
        action: 'bulk.failed',
        entity: 'bulk_operation',
        entityId: id,
        after: { error },
      });
  });
}
