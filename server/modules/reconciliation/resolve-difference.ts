import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ReconciliationResolution } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { correctBalance } from '../finance/correct-balance.js';
import { creditPayment, lockForCredit } from '../ledger/credit-payment.js';
import { afterPaymentSucceeded } from '../receipts/after-payment-succeeded.js';
import { adapterFor } from './channel-adapters.js';
import { showReconciliation } from './show-reconciliation.js';

export type ResolveAction = 'accept' | 'credit' | 'adjust' | 'refund' | 'investigate';

const ALLOWED: Record<ResolveAction, string[]> = {
  accept: ['missing_here', 'missing_in_registry', 'sum_mismatch'],
  credit: ['missing_here'],
  adjust: ['sum_mismatch'],
  refund: ['missing_in_registry'],
  investigate: ['missing_in_registry', 'missing_here'],
};
const STATUS: Record<ResolveAction, ReconciliationResolution> = {
  accept: 'accepted',
  credit: 'credited',
  adjust: 'adjusted',
  refund: 'refund',
  investigate: 'investigate',
};

interface Item {
  id: number;
  reconciliation_id: number;
  kind: string;
  external_id: string;
  account: string | null;
  registry_amount: number | null;
  our_amount: number | null;
  status: string;
  channel: string;
  day: string;
}

/**
 * Finance resolves one difference (docs/reports.md, "Reconciliation"), audited with its note:
 * - accept: as it is (the provider's mistake, settled outside);
 * - credit: a payment the report has and we never credited is credited through the ledger now, keyed
 *   as the provider's own notice of it would be (`agent:<code>:<txn>`, the acquirer's payment id, the
 *   desk's receipt number), so the notice arriving later credits nothing twice;
 * - adjust: the difference of a sum mismatch is posted as a correction (key `reconciliation:<id>`);
 * - refund / investigate: a payment the provider does not know of is marked for a refund or an inquiry
 *   (no money moves here: a refund is finance's own action with its own checks).
 */
export async function resolveDifference(
  db: Db,
  input: { itemId: number; action: ResolveAction; note: string; account?: string | null; staffId: number; ip?: string },
) {
  const note = input.note.trim();
  if (!note) throw new AppError('note_required');
  const item = await readItem(db, input.itemId);
  if (!ALLOWED[input.action].includes(item.kind))
    throw new AppError('reconciliation_action_invalid', { action: input.action, kind: item.kind });
  if (item.status !== 'open') throw new AppError('reconciliation_item_resolved', { status: item.status });
  await inTransaction(db, async (tx) => {
    let ledgerEntryId: number | null = null;
    if (input.action === 'credit')
      ledgerEntryId = await creditMissing(tx, item, input.account ?? item.account, input.staffId);
    if (input.action === 'adjust') {
      const [p] = await queryRows<{ account_id: number }>(
        tx,
        sql`select p.account_id from reconciliation_items i join payments p on p.id = i.payment_id where i.id = ${item.id}`,
      );
      const r = await correctBalance(tx, {
        accountId: p!.account_id,
        amount: item.registry_amount! - item.our_amount!,
        reason: `Сверка ${item.channel} ${item.day}, платёж ${item.external_id}: ${note}`,
        idempotencyKey: `reconciliation:${item.id}`,
        staffId: input.staffId,
        ip: input.ip,
      });
      ledgerEntryId = r.entryId;
    }
    // After the money (the account row first), the difference itself: still open, or nothing happened.
    const [locked] = await queryRows<{ status: string }>(
      tx,
      sql`select status from reconciliation_items where id = ${item.id} for update`,
    );
    if (locked!.status !== 'open') throw new AppError('reconciliation_item_resolved', { status: locked!.status });
    await tx.execute(
      sql`update reconciliation_items set status = ${STATUS[input.action]}, note = ${note}, resolved_by = ${input.staffId},
            resolved_at = now(), ledger_entry_id = ${ledgerEntryId}
          where id = ${item.id}`,
    );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: 'reconciliation.resolved',
      entity: 'reconciliation_item',
      entityId: item.id,
      ip: input.ip,
      before: { status: 'open', kind: item.kind, externalId: item.external_id },
      after: { status: STATUS[input.action], note, ledgerEntryId },
    });
  });
  return showReconciliation(db, item.reconciliation_id);
}

async function readItem(db: Db, id: number): Promise<Item> {
  const [item] = await queryRows<Item>(
    db,
    sql`select i.id, i.reconciliation_id, i.kind, i.external_id, i.account, i.registry_amount, i.our_amount, i.status,
               r.channel, r.day::text as day
        from reconciliation_items i join reconciliations r on r.id = i.reconciliation_id where i.id = ${id}`,
  );
  if (!item) throw new AppError('reconciliation_item_not_found');
  return item;
}

/**
 * Credits a payment the provider reported and we never credited. An existing payments row of the same
 * provider and id (a card payment still pending with us) is the one credited; otherwise a row is made
 * with the provider's id. Either way the ledger key is the payment's own, so whichever comes second —
 * this credit or the provider's late notice — finds it credited.
 */
async function creditMissing(tx: Db, item: Item, account: string | null, staffId: number): Promise<number> {
  const adapter = adapterFor(item.channel);
  if (!adapter) throw new AppError('reconciliation_channel_unknown', { channel: item.channel });
  const [existing] = await queryRows<{ id: number; account_id: number; status: string }>(
    tx,
    sql`select id, account_id, status from payments where provider = ${adapter.provider} and external_id = ${item.external_id}`,
  );
  if (!existing && !account) throw new AppError('validation_failed', { details: 'account' });
  const acc = await lockForCredit(tx, existing ? { accountId: existing.account_id } : { number: account! });
  const today = acc.today;
  const agentKey = adapter.kind === 'agent' ? `${adapter.provider}:${item.external_id}` : null;
  const cashKey = adapter.kind === 'cash' ? `office_cash:${item.external_id}` : null;
  let paymentId = existing?.id;
  if (existing && existing.status !== 'pending' && existing.status !== 'canceled')
    throw new AppError('reconciliation_item_resolved', { status: `payment ${existing.status}` });
  if (!paymentId) {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into payments (account_id, provider, external_id, idempotency_key, amount, status, method, description, metadata)
          values (${acc.account_id}, ${adapter.provider}, ${item.external_id},
                  ${agentKey ?? cashKey ?? `reconciliation:${item.id}`}, ${item.registry_amount}, 'pending', ${adapter.method},
                  ${`Зачислен по сверке ${item.channel} за ${item.day}`},
                  ${JSON.stringify({ reconciliationItem: item.id, ...(agentKey ? { txnDay: item.day } : {}) })}::jsonb)
          returning id`,
    );
    paymentId = row!.id;
  }
  if (acc.account_status === 'terminated') throw new AppError('account_terminated');
  const credited = await creditPayment(
    tx,
    {
      accountId: acc.account_id,
      amount: item.registry_amount!,
      idempotencyKey: agentKey ?? `payment:${paymentId}`,
      source: `staff:${staffId}`,
      effectiveOn: today,
      comment: `Сверка ${item.channel} ${item.day}: ${item.external_id}`,
      alongside: (c) => [
        sql`update payments set status = 'succeeded', succeeded_at = now(), canceled_at = null, ledger_entry_id = c.entry_id,
              amount = ${item.registry_amount}
            from ${c} c where payments.id = ${paymentId}`,
      ],
    },
    acc,
  );
  if (adapter.kind !== 'cash') await afterPaymentSucceeded(tx, paymentId);
  return credited.entryId;
}
