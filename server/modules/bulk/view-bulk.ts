import { type SQL, sql } from 'drizzle-orm';

import { AppError, type ErrorCode, errorMessage, type Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { BulkItemState, BulkKind, BulkState } from '../../db/schema/index.js';
import type { RegionScope } from '../../policy/region-scope.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import { idArray } from './id-array.js';
import { reasonList } from './preview-bulk.js';

/**
 * An operation is visible to staff who see every region it was made over: staff of some regions see
 * the operations made within them (made by staff who see every region: only such staff see it).
 */
export function operationVisible(scope: RegionScope, alias = 'o'): SQL {
  if (scope === 'all') return sql`true`;
  return sql`(${sql.raw(alias)}.region_ids is not null and ${sql.raw(alias)}.region_ids <@ ${idArray(scope)}::int8[])`;
}

interface OpRow {
  id: number;
  kind: BulkKind;
  state: BulkState;
  filter: BulkFilter;
  params: Record<string, unknown>;
  total: number;
  processed: number;
  succeeded: number;
  skipped: number;
  failed: number;
  planned_amount: number;
  amount_moved: number;
  created_by: number;
  staff_name: string | null;
  outage_id: number | null;
  stop_requested_at: Date | string | null;
  last_error: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const SELECT = sql`select o.id, o.kind, o.state, o.filter, o.params, o.total, o.processed, o.succeeded, o.skipped,
                          o.failed, o.planned_amount, o.amount_moved, o.created_by, u.full_name as staff_name,
                          o.outage_id, o.stop_requested_at, o.last_error, o.created_at, o.started_at, o.finished_at
                   from bulk_operations o left join staff_users u on u.id = o.created_by`;

function view(r: OpRow) {
  return {
    id: Number(r.id),
    kind: r.kind,
    state: r.state,
    filter: r.filter,
    action: { kind: r.kind, ...r.params } as BulkAction,
    total: Number(r.total),
    processed: Number(r.processed),
    succeeded: Number(r.succeeded),
    skipped: Number(r.skipped),
    failed: Number(r.failed),
    plannedAmount: Number(r.planned_amount),
    amountMoved: Number(r.amount_moved),
    createdBy: { id: Number(r.created_by), fullName: r.staff_name ?? '' },
    outageId: r.outage_id === null ? null : Number(r.outage_id),
    stopRequestedAt: iso(r.stop_requested_at),
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

/** Operations, newest first, that the staff member's regions cover. */
export async function listBulk(db: Db, opts: { scope: RegionScope; page: number; pageSize: number }) {
  const where = operationVisible(opts.scope);
  const rows = await queryRows<OpRow>(
    db,
    sql`${SELECT} where ${where} order by o.id desc limit ${opts.pageSize} offset ${(opts.page - 1) * opts.pageSize}`,
  );
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int8 as n from bulk_operations o where ${where}`,
  );
  return { operations: rows.map(view), page: opts.page, pageSize: opts.pageSize, total: Number(count?.n ?? 0) };
}

/** One operation with its progress and its not-done accounts counted by reason (the report's head). */
export async function showBulk(db: Db, opts: { id: number; scope: RegionScope; lang: Lang }) {
  const [r] = await queryRows<OpRow>(db, sql`${SELECT} where o.id = ${opts.id} and ${operationVisible(opts.scope)}`);
  if (!r) throw new AppError('bulk_not_found');
  const reasons = await queryRows<{ reason: string; count: number }>(
    db,
    sql`select reason, count(*)::int8 as count from bulk_operation_items
        where operation_id = ${opts.id} and reason is not null group by reason`,
  );
  return {
    ...view(r),
    reasons: reasonList(
      reasons.map((x) => ({ reason: x.reason, count: Number(x.count) })),
      opts.lang,
    ),
  };
}

export interface ItemRow {
  account_id: number;
  number: string;
  full_name: string;
  region: string;
  state: BulkItemState;
  reason: string | null;
  amount: number;
  done_at: Date | string | null;
}

function itemsSql(id: number, state: BulkItemState | undefined): SQL {
  return sql`from bulk_operation_items i
             join accounts a on a.id = i.account_id
             join contracts c on c.id = a.contract_id
             join subscribers s on s.id = c.subscriber_id
             join regions r on r.id = a.region_id
             where i.operation_id = ${id} ${state ? sql`and i.state = ${state}` : sql``}`;
}

const itemView = (lang: Lang) => (r: ItemRow) => ({
  accountId: Number(r.account_id),
  number: r.number,
  fullName: r.full_name,
  state: r.state,
  reason: r.reason,
  reasonText: r.reason ? errorMessage(r.reason as ErrorCode, {}, lang) : null,
  amount: Number(r.amount),
  doneAt: iso(r.done_at),
});

/** The accounts of an operation with what happened to each (failed ones first when not filtered). */
export async function listBulkItems(
  db: Db,
  opts: { id: number; scope: RegionScope; state?: BulkItemState; page: number; pageSize: number; lang: Lang },
) {
  await showBulk(db, { id: opts.id, scope: opts.scope, lang: opts.lang });
  const rows = await queryRows<ItemRow>(
    db,
    sql`select i.account_id, a.number, s.full_name, r.name_ru as region, i.state, i.reason, i.amount, i.done_at
        ${itemsSql(opts.id, opts.state)}
        order by (i.state = 'failed') desc, i.account_id
        limit ${opts.pageSize} offset ${(opts.page - 1) * opts.pageSize}`,
  );
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int8 as n from bulk_operation_items i
        where i.operation_id = ${opts.id} ${opts.state ? sql`and i.state = ${opts.state}` : sql``}`,
  );
  return {
    items: rows.map(itemView(opts.lang)),
    page: opts.page,
    pageSize: opts.pageSize,
    total: Number(count?.n ?? 0),
  };
}

/** Every item of an operation for the CSV report, in account order, a page at a time. */
export async function* allBulkItems(db: Db, id: number, lang: Lang) {
  let after = 0;
  for (;;) {
    const rows = await queryRows<ItemRow>(
      db,
      sql`select i.account_id, a.number, s.full_name, ${lang === 'en' ? sql`r.name_en` : sql`r.name_ru`} as region,
                 i.state, i.reason, i.amount, i.done_at
          ${itemsSql(id, undefined)} and i.account_id > ${after}
          order by i.account_id limit 5000`,
    );
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.account_id);
    yield rows.map((r) => ({ ...itemView(lang)(r), region: r.region }));
  }
}
