import { createHash } from 'node:crypto';

import { sql } from 'drizzle-orm';

import { addDays, isValidDay } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { ReconciliationDifferenceKind, RegistryLineRecord } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { recordAudit } from '../audit/record-audit.js';
import { adapterFor, type ChannelAdapter, type RegistryLine } from './channel-adapters.js';
import { fetchTbankReport } from './fetch-tbank-report.js';
import { showReconciliation } from './show-reconciliation.js';

interface OurPayment {
  id: number;
  external_id: string;
  amount: number;
  account: string;
  day: string;
}

/** Our credited payments of a channel: succeeded (or refunded since) and carrying their ledger entry. */
export function creditedPayments(a: ChannelAdapter) {
  return sql`select p.id, p.external_id, p.amount, acc.number as account, ${a.daySql} as day
             from payments p join accounts acc on acc.id = p.account_id
             where p.provider = ${a.provider} and p.status in ('succeeded', 'refunded') and p.ledger_entry_id is not null`;
}

export interface Difference {
  kind: ReconciliationDifferenceKind;
  externalId: string;
  account: string | null;
  registryAmount: number | null;
  ourAmount: number | null;
  paymentId: number | null;
  registryAt: string | null;
}

/**
 * Compares a provider's report for one channel and day with what the ledger credited (docs/reports.md,
 * "Reconciliation"): a payment in the report we never credited, one we credited that the report lacks,
 * one whose amount differs. A report line we credited on a neighbouring day (a payment at midnight)
 * matches it; our payment that a neighbouring day's stored report lists is not "missing". The report
 * and its differences are stored (a day may be reconciled again); a difference finance already
 * resolved keeps its resolution when the same difference shows up again.
 */
export async function reconcileChannel(
  db: Db,
  input: {
    channel: string;
    day: string;
    /** The report's text, or for a channel read from its provider's API the lines read (fetch-tbank-report.ts). */
    text?: string | null;
    lines?: RegistryLine[];
    fileName?: string | null;
    staffId: number;
    ip?: string;
  },
  deps: { acquirers?: AppDeps['acquirers'] } = {},
) {
  if (!isValidDay(input.day)) throw new AppError('bad_date', { value: input.day });
  const adapter = adapterFor(input.channel);
  if (!adapter) throw new AppError('reconciliation_channel_unknown', { channel: input.channel });
  if (adapter.kind === 'agent') {
    const [agent] = await queryRows(db, sql`select 1 from agents where code = ${input.channel.slice(6)}`);
    if (!agent) throw new AppError('agent_not_found', { code: input.channel.slice(6) });
  }
  if (adapter.fromApi && !input.lines)
    input = { ...input, lines: await fetchTbankReport(db, deps.acquirers?.tbank, input.day) };
  if (!input.lines && !input.text)
    throw new AppError('bad_provider_report', { format: adapter.format, line: '-', details: 'no report' });
  const lines = input.lines ?? adapter.parse(input.text!, input.day);
  const source = input.text ?? JSON.stringify(lines);
  const credited = creditedPayments(adapter);
  const ours = await queryRows<OurPayment>(db, sql`select * from (${credited}) x where x.day = ${input.day}`);
  const byId = new Map(ours.map((p) => [p.external_id, p]));
  const ids = lines.map((l) => l.externalId);
  // Report lines we credited on another day (the provider and we cut days at different moments).
  const elsewhere = new Map(
    (
      await queryRows<OurPayment>(
        db,
        sql`select * from (${credited}) x where x.external_id = any(${`{${ids.map((i) => `"${i}"`).join(',')}}`}::text[])
              and x.day <> ${input.day}`,
      )
    ).map((p) => [p.external_id, p]),
  );
  // Our payments that a neighbouring day's stored report lists.
  const neighbours = new Set(
    (
      await queryRows<{ id: string }>(
        db,
        sql`select distinct l->>'externalId' as id
            from (select distinct on (day) lines from reconciliations
                  where channel = ${input.channel} and day in (${addDays(input.day, -1)}::date, ${addDays(input.day, 1)}::date)
                  order by day, id desc) r, jsonb_array_elements(r.lines) l`,
      )
    ).map((r) => r.id),
  );
  const differences: Difference[] = [];
  for (const l of lines) {
    const p = byId.get(l.externalId) ?? elsewhere.get(l.externalId);
    byId.delete(l.externalId);
    const base = { externalId: l.externalId, registryAmount: l.amount, registryAt: l.at };
    if (!p) differences.push({ ...base, kind: 'missing_here', account: l.account, ourAmount: null, paymentId: null });
    else if (p.amount !== l.amount)
      differences.push({ ...base, kind: 'sum_mismatch', account: p.account, ourAmount: p.amount, paymentId: p.id });
  }
  for (const p of byId.values()) {
    if (neighbours.has(p.external_id)) continue;
    differences.push({
      kind: 'missing_in_registry',
      externalId: p.external_id,
      account: p.account,
      registryAmount: null,
      ourAmount: p.amount,
      paymentId: p.id,
      registryAt: null,
    });
  }
  const records: RegistryLineRecord[] = lines.map((l) => ({ ...l }));
  const id = await inTransaction(db, async (tx) => {
    const [rec] = await queryRows<{ id: number }>(
      tx,
      sql`insert into reconciliations (channel, day, registry_count, registry_sum, registry_fee, our_count, our_sum, lines,
                                       file_name, file_sha256, created_by)
          values (${input.channel}, ${input.day}::date, ${lines.length}, ${lines.reduce((s, l) => s + l.amount, 0)},
                  ${lines.some((l) => l.fee !== null) ? lines.reduce((s, l) => s + (l.fee ?? 0), 0) : null},
                  ${ours.length}, ${ours.reduce((s, p) => s + p.amount, 0)}, ${JSON.stringify(records)}::jsonb,
                  ${input.fileName ?? null}, ${createHash('sha256').update(source).digest('hex')}, ${input.staffId})
          returning id`,
    );
    if (differences.length)
      await tx.execute(
        sql`insert into reconciliation_items (reconciliation_id, kind, external_id, account, registry_amount, our_amount,
                                              payment_id, registry_at, status, note, resolved_by, resolved_at, ledger_entry_id)
            select ${rec!.id}, d.kind, d.external_id, d.account, d.registry_amount, d.our_amount, d.payment_id, d.registry_at,
                   coalesce(prev.status, 'open'), prev.note, prev.resolved_by, prev.resolved_at, prev.ledger_entry_id
            from jsonb_to_recordset(${JSON.stringify(
              differences.map((d) => ({
                kind: d.kind,
                external_id: d.externalId,
                account: d.account,
                registry_amount: d.registryAmount,
                our_amount: d.ourAmount,
                payment_id: d.paymentId,
                registry_at: d.registryAt,
              })),
            )}::jsonb) as d(kind text, external_id text, account text, registry_amount int8, our_amount int8,
                            payment_id int8, registry_at text)
            left join lateral (
              select i.status, i.note, i.resolved_by, i.resolved_at, i.ledger_entry_id
              from reconciliation_items i join reconciliations r on r.id = i.reconciliation_id
              where r.channel = ${input.channel} and i.kind = d.kind and i.external_id = d.external_id
                and i.status <> 'open'
                and i.registry_amount is not distinct from d.registry_amount and i.our_amount is not distinct from d.our_amount
              order by i.id desc limit 1) prev on true`,
      );
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: input.staffId,
      action: 'reconciliation.created',
      entity: 'reconciliation',
      entityId: rec!.id,
      ip: input.ip,
      after: { channel: input.channel, day: input.day, lines: lines.length, differences: differences.length },
    });
    return rec!.id;
  });
  return showReconciliation(db, id);
}
