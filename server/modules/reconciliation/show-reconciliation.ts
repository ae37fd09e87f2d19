import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ReconciliationDifferenceKind, ReconciliationResolution } from '../../db/schema/index.js';
import { adapterFor } from './channel-adapters.js';

/** A reconciliation with its differences, as the finance screen shows it. */
export async function showReconciliation(db: Db, id: number) {
  const [r] = await queryRows<{
    id: number;
    channel: string;
    day: string;
    registry_count: number;
    registry_sum: number;
    registry_fee: number | null;
    our_count: number;
    our_sum: number;
    file_name: string | null;
    created_by: number;
    created_at: string;
    latest: boolean;
  }>(
    db,
    sql`select r.id, r.channel, r.day::text as day, r.registry_count, r.registry_sum, r.registry_fee, r.our_count, r.our_sum,
               r.file_name, r.created_by, r.created_at,
               not exists (select 1 from reconciliations n where n.channel = r.channel and n.day = r.day and n.id > r.id) as latest
        from reconciliations r where r.id = ${id}`,
  );
  if (!r) throw new AppError('reconciliation_not_found');
  const items = await queryRows<{
    id: number;
    kind: ReconciliationDifferenceKind;
    external_id: string;
    account: string | null;
    registry_amount: number | null;
    our_amount: number | null;
    payment_id: number | null;
    registry_at: string | null;
    status: ReconciliationResolution;
    note: string | null;
    resolved_by: number | null;
    resolved_at: string | null;
    ledger_entry_id: number | null;
  }>(db, sql`select * from reconciliation_items where reconciliation_id = ${id} order by id`);
  const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
  return {
    id: r.id,
    channel: r.channel,
    kind: adapterFor(r.channel)?.kind ?? 'agent',
    day: r.day,
    registry: { count: r.registry_count, sum: r.registry_sum, fee: r.registry_fee },
    ours: { count: r.our_count, sum: r.our_sum },
    fileName: r.file_name,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    latest: r.latest,
    open: items.filter((i) => i.status === 'open').length,
    differences: items.map((i) => ({
      id: i.id,
      kind: i.kind,
      externalId: i.external_id,
      account: i.account,
      registryAmount: i.registry_amount,
      ourAmount: i.our_amount,
      paymentId: i.payment_id,
      registryAt: i.registry_at,
      status: i.status,
      note: i.note,
      resolvedBy: i.resolved_by,
      resolvedAt: iso(i.resolved_at),
      ledgerEntryId: i.ledger_entry_id,
    })),
  };
}
