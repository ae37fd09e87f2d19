import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { enqueue } from '../../jobs/queue.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { recordAudit } from '../audit/record-audit.js';
import { attachCompensation } from '../outages/close-outage.js';
import { bulkRunJob } from './bulk.job.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import { checkAction } from './check-action.js';
import { planBulk } from './plan-bulk.js';

export interface CreateBulkInput {
  key: string;
  filter: BulkFilter;
  action: BulkAction;
  expect: { accounts: number; amount: number };
  outageId?: number;
  scope: RegionScope;
  staffId: number;
  role: string;
  ip?: string | null;
}

/**
 * Creates a bulk operation and queues its job (docs/bulk.md), in one transaction: the selection is
 * walked and classified as the preview did (planBulk), every selected account becomes an item with the
 * money planned for it, and unless that is still the count and the amount staff confirmed, nothing is
 * created (bulk_preview_changed with the new figures). The client's `key` is the operation id: the same
 * key again returns the operation made the first time.
 */
export async function createBulk(db: Db, input: CreateBulkInput): Promise<{ id: number; created: boolean }> {
  await checkAction(db, input);
  const { kind, ...params } = input.action;
  return inTransaction(db, async (tx) => {
    const [existing] = await queryRows<{ id: number; kind: string; created_by: number; params: unknown }>(
      tx,
      sql`select id, kind, created_by, params from bulk_operations where key = ${input.key}`,
    );
    if (existing) {
      if (existing.kind !== kind || Number(existing.created_by) !== input.staffId) throw new AppError('bulk_key_taken');
      return { id: Number(existing.id), created: false };
    }
    const [op] = await queryRows<{ id: number }>(
      tx,
      sql`insert into bulk_operations (key, kind, filter, params, region_ids, created_by, outage_id)
          values (${input.key}, ${kind}, ${JSON.stringify(input.filter)}::jsonb, ${JSON.stringify(params)}::jsonb,
                  ${input.scope === 'all' ? null : `{${input.scope.join(',')}}`}::int8[], ${input.staffId}, ${input.outageId ?? null})
          on conflict (key) do nothing
          returning id`,
    );
    // A concurrent create with the same key won the insert: its operation is this one.
    if (!op) throw new AppError('bulk_key_taken');
    const id = Number(op.id);
    const totals = await planBulk(tx, input, async (outcomes) => {
      const items = JSON.stringify(outcomes.map((o) => ({ a: o.accountId, m: o.reason === null ? o.amount : 0 })));
      await tx.execute(
        sql`insert into bulk_operation_items (operation_id, account_id, amount)
            select ${id}, x.a, x.m from jsonb_to_recordset(${items}::jsonb) as x(a int8, m int8)`,
      );
    });
    if (totals.accounts === 0) throw new AppError('bulk_empty');
    if (totals.accounts !== input.expect.accounts || totals.amount !== input.expect.amount)
      throw new AppError('bulk_preview_changed', { accounts: totals.accounts, amount: totals.amount });
    await tx.execute(
      sql`update bulk_operations set total = ${totals.accounts}, planned_amount = ${totals.amount} where id = ${id}`,
    );
    if (input.outageId) await attachCompensation(tx, input.outageId, id);
    await enqueue(tx, bulkRunJob, { operationId: id }, { key: `bulk:${id}` });
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      ip: input.ip ?? null,
      action: 'bulk.created',
      entity: 'bulk_operation',
      entityId: id,
      after: {
        kind,
        filter: input.filter,
        params,
        accounts: totals.accounts,
        apply: totals.apply,
        amount: totals.amount,
        outageId: input.outageId ?? null,
      },
    });
    return { id, created: true };
  });
}
