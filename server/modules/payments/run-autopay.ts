import { sql } from 'drizzle-orm';

import { declineRule } from '../../../common/decline-reasons.js';
import { formatRubles } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction, inTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { ProviderRefusedError, REPEAT_WITH_SAME_KEY_MS } from '../../integrations/acquiring/provider.js';
import { notify } from '../notifications/notify.js';
import { applyProviderStatus } from './apply-provider-status.js';
import { disableAutopay, nextMonthlyCharge } from './autopay-settings.js';
import { providerByName } from './get-provider.js';
import {
  attachExternalId,
  cancelPendingPayment,
  newPaymentIdAndKey,
  notePost,
  noteProviderError,
  pendingPaymentColumns,
  type PendingPaymentRow,
  providerKeyOf,
  requestWindow,
  resolvePendingPayment,
} from './provider-requests.js';

/**
 * Charges declined for a passing reason (common/decline-reasons.ts: `retry`) are tried again after 1 h,
 * 6 h, 24 h (or later where the reason says so); the 4th failure turns autopay off. Other reasons stop
 * autopay at once: the card cannot be used without the payer (`relink`) or only the bank can tell.
 */
export const AUTOPAY_RETRY_HOURS = [1, 6, 24];
const DAY = 24 * 3600_000;

/**
 * Announces upcoming charges (376-ФЗ: at least a day before, with a cancel link). Threshold mode: an
 * account under its threshold gets a charge planned 24 h after the notice. Monthly mode: the notice
 * goes out within 48 h of the charge; a late notice pushes the charge to 24 h after it.
 */
export async function announceAutopay(db: Db, deps: AppDeps, now = new Date()): Promise<number> {
  const rows = await queryRows<{
    account_id: number;
    number: string;
    mode: string;
    amount: number;
    title: string;
    charge_at: string | Date | null;
  }>(
    db,
    sql`select s.account_id, a.number, s.mode, s.amount, m.title, s.charge_at from autopay_settings s
        join accounts a on a.id = s.account_id join saved_payment_methods m on m.id = s.method_id
        where s.enabled and s.noticed_at is null and a.status <> 'terminated'
          and ((s.mode = 'threshold' and s.charge_at is null and a.balance < s.threshold)
            or (s.mode = 'monthly' and s.charge_at <= ${new Date(now.getTime() + 2 * DAY).toISOString()}::timestamptz))`,
  );
  for (const r of rows) {
    const planned = r.charge_at ? new Date(r.charge_at) : new Date(0);
    const chargeAt = new Date(Math.max(planned.getTime(), now.getTime() + DAY));
    await inTransaction(db, async (tx) => {
      await tx.execute(
        sql`update autopay_settings set noticed_at = ${now.toISOString()}, charge_at = ${chargeAt.toISOString()} where account_id = ${r.account_id}`,
      );
      await notify(tx, {
        accountId: r.account_id,
        template: 'autopay_notice',
        params: {
          date: chargeAt.toISOString().slice(0, 10),
          card: r.title,
          amount: formatRubles(r.amount),
          account: r.number,
          link: `${deps.config.publicUrl}/cabinet/payments#autopay`,
        },
      });
    });
  }
  return rows.length;
}

/**
 * Charges every announced autopay that is due (notice at least 24 h old), within the monthly limit —
 * never twice (docs/payments.md, "Autopay against the provider"):
 * 1. An account's earlier autopay charge still pending (the provider said `pending`, answered 5xx or
 *    202, or never answered) is settled first, and while one is unresolved no new charge starts.
 * 2. The charge of this schedule slot is one `payments` row (key `autopay:<account>:<time>:<failures>`)
 *    and one Idempotence-Key (`<installation>:payment:<id>`, stored on the row): every attempt, in any pass, repeats the same request
 *    (same body) while the key lives (23 h), so the provider replays the first answer instead of
 *    charging again; after that the payment is only looked up (by our id in its metadata).
 * 3. Only a final answer counts: succeeded → credited once (the state machine), next charge planned;
 *    canceled or refused → a failure, handled by its decline reason: a passing one is retried (1 h, 6 h,
 *    24 h; the 4th turns autopay off); a revoked permission, an expired or blocked card, suspected fraud…
 *    stop autopay and ask the subscriber to link a card again; "ask your bank" stops it until turned on.
 */
export async function chargeDueAutopay(
  db: Db,
  deps: AppDeps,
  now = new Date(),
): Promise<{ charged: number; failed: number; waiting: number }> {
  assertNoTransaction(db, 'chargeDueAutopay: it charges cards at the provider between its steps');
  const due = await queryRows<{
    account_id: number;
    number: string;
    method_id: number;
    amount: number;
    monthly_limit: number;
    mode: string;
    day_of_month: number | null;
    failures: number;
    provider: string;
    method_ref: string;
    title: string;
    charge_at: string | Date;
    spent: number;
  }>(
    db,
    sql`select s.account_id, a.number, s.method_id, s.amount, s.monthly_limit, s.mode, s.day_of_month, s.failures, m.provider, m.method_ref, m.title, s.charge_at,
          (select coalesce(sum(p.amount), 0)::int8 from payments p where p.account_id = s.account_id and p.method = 'autopay'
             and p.status in ('succeeded', 'pending') and p.created_at >= date_trunc('month', ${now.toISOString()}::timestamptz)) as spent
        from autopay_settings s join accounts a on a.id = s.account_id join saved_payment_methods m on m.id = s.method_id
        where s.enabled and s.noticed_at is not null and s.charge_at <= ${now.toISOString()}::timestamptz
          and s.noticed_at <= s.charge_at - interval '24 hours'`,
  );
  let charged = 0;
  let failed = 0;
  let waiting = 0;
  const link = `${deps.config.publicUrl}/cabinet/payments#autopay`;
  for (const s of due) {
    const next = s.mode === 'monthly' ? nextMonthlyCharge(s.day_of_month!, now).toISOString() : null;
    const key = `autopay:${s.account_id}:${new Date(s.charge_at).toISOString()}:${s.failures}`;
    const succeeded = async () => {
      charged++;
      await db.execute(
        sql`update autopay_settings set failures = 0, noticed_at = null, charge_at = ${next}, decline_reason = null where account_id = ${s.account_id}`,
      );
    };

    // 1. Earlier charges still unresolved are settled first; while one stays unresolved, nothing new.
    const open = await queryRows<PendingPaymentRow>(
      db,
      sql`select ${pendingPaymentColumns} from payments
          where account_id = ${s.account_id} and method = 'autopay' and status = 'pending' order by id`,
    );
    let outcome: 'pending' | 'succeeded' | 'canceled' | null = null;
    let earlierSucceeded = false;
    let unresolved = false;
    for (const p of open) {
      const o = await settleAutopayCharge(db, deps, p, now);
      if (p.idempotency_key === key) outcome = o;
      else if (o === 'succeeded') earlierSucceeded = true;
      if (o === 'pending') unresolved = true;
    }
    if (unresolved) {
      waiting++;
      continue;
    }
    if (earlierSucceeded) {
      // An earlier charge went through after all: this slot is paid, plan the next one.
      await succeeded();
      continue;
    }

    // 2. This slot's charge: created now, or found already settled (a notification, an earlier pass).
    if (outcome === null) {
      const [row] = await queryRows<PendingPaymentRow>(
        db,
        sql`select ${pendingPaymentColumns} from payments where idempotency_key = ${key}`,
      );
      if (row) outcome = row.status === 'succeeded' ? 'succeeded' : row.status === 'canceled' ? 'canceled' : 'pending';
      else if (s.spent + s.amount > s.monthly_limit) {
        // Over this month's limit: skip this charge (no money taken) and plan the next one.
        await db.execute(
          sql`update autopay_settings set charge_at = ${next}, noticed_at = null where account_id = ${s.account_id}`,
        );
        continue;
      } else {
        const [created] = await queryRows<PendingPaymentRow>(
          db,
          sql`insert into payments (id, provider_key, account_id, provider, idempotency_key, amount, status, method, description, metadata)
              select n.id, n.key, ${s.account_id}, ${s.provider}, ${key}, ${s.amount}, 'pending', 'autopay', ${`Автоплатёж ${s.number}`},
                      ${JSON.stringify({ methodRef: s.method_ref })}::jsonb
              from ${newPaymentIdAndKey} n
              on conflict (idempotency_key) do nothing returning ${pendingPaymentColumns}`,
        );
        if (!created) {
          waiting++; // another process created it this moment: it settles it
          continue;
        }
        outcome = await settleAutopayCharge(db, deps, created, now);
      }
    }
    if (outcome === 'pending') {
      waiting++;
      continue;
    }
    if (outcome === 'succeeded') {
      await succeeded();
      continue;
    }

    // 3. Declined (or refused): a failure of this slot, acted on as the decline reason says.
    failed++;
    const failures = s.failures + 1;
    const [slot] = await queryRows<{ reason: string | null }>(
      db,
      sql`select metadata->>'declineReason' as reason from payments where idempotency_key = ${key}`,
    );
    const rule = declineRule(slot?.reason);
    const reasonWords = { ru: rule.ru, en: rule.en };
    await inTransaction(db, async (tx) => {
      await tx.execute(
        sql`update autopay_settings set decline_reason = ${rule.reason} where account_id = ${s.account_id}`,
      );
      if (rule.action === 'relink') {
        // The card cannot be charged without the payer any more: forget it, stop, ask for a new one.
        await disableAutopay(tx, s.account_id, 'card_unusable');
        await tx.execute(
          sql`update saved_payment_methods set deleted_at = now() where id = ${s.method_id} and deleted_at is null`,
        );
        await notify(tx, {
          accountId: s.account_id,
          template: 'autopay_relink',
          params: { account: s.number, card: s.title, reason: reasonWords, link },
        });
        return;
      }
      if (rule.action === 'contact_bank') {
        // Only the bank can say why: no charge again until the subscriber turns autopay on.
        await disableAutopay(tx, s.account_id, 'declined_by_bank');
        await notify(tx, {
          accountId: s.account_id,
          template: 'autopay_declined',
          params: { amount: formatRubles(s.amount), card: s.title, reason: reasonWords, link },
        });
        return;
      }
      if (failures > AUTOPAY_RETRY_HOURS.length) {
        await disableAutopay(tx, s.account_id, 'charge_failed');
        await notify(tx, {
          accountId: s.account_id,
          template: 'autopay_disabled',
          params: { account: s.number, reason: 'card declined', link },
        });
        return;
      }
      const hours = Math.max(AUTOPAY_RETRY_HOURS[failures - 1]!, rule.retryAfterHours ?? 0);
      const retryAt = new Date(now.getTime() + hours * 3600_000).toISOString();
      await tx.execute(sql`update autopay_settings set failures = ${failures}, charge_at = ${retryAt}, noticed_at = least(noticed_at, ${now.toISOString()}::timestamptz - interval '24 hours')
                           where account_id = ${s.account_id}`);
      await notify(tx, {
        accountId: s.account_id,
        template: 'autopay_failed',
        params: { amount: formatRubles(s.amount), card: s.title, reason: reasonWords, link },
      });
    });
  }
  return { charged, failed, waiting };
}

/**
 * Brings one autopay charge as far as the provider's answers allow. With the provider's id: GET it.
 * Without, while our Idempotence-Key lives: (re)send the same charge — the first time it charges, every
 * repeat only replays the answer; the id is stored at once. After that: look it up, never POST.
 * A refusal (4xx) cancels it; an undecided answer (5xx, timeout, 202, `pending`) leaves it pending.
 */
async function settleAutopayCharge(
  db: Db,
  deps: AppDeps,
  p: PendingPaymentRow,
  now: Date,
): Promise<'pending' | 'succeeded' | 'canceled'> {
  if (p.status === 'succeeded' || p.status === 'canceled') return p.status;
  try {
    const provider = providerByName(deps, p.provider);
    if (!p.external_id && p.metadata?.methodRef) {
      const { first } = requestWindow(p);
      const posted = Boolean(p.metadata?.requests?.first);
      if (!posted || now.getTime() - first.getTime() < REPEAT_WITH_SAME_KEY_MS) {
        await notePost(db, p.id);
        const seen = await provider.chargeSaved({
          amount: p.amount,
          description: p.description ?? 'Автоплатёж',
          idempotenceKey: providerKeyOf(p),
          paymentId: p.id,
          methodRef: p.metadata.methodRef,
        });
        await attachExternalId(db, p.id, seen.externalId);
        const r = await applyProviderStatus(db, p.id, seen);
        return r.status === 'succeeded' || r.status === 'canceled' ? r.status : 'pending';
      }
    }
    return await resolvePendingPayment(db, deps, p, now);
  } catch (e) {
    if (e instanceof ProviderRefusedError) {
      return (await cancelPendingPayment(db, p.id, e.message)) ? 'canceled' : 'pending';
    }
    await noteProviderError(db, p.id, e);
    return 'pending';
  }
}
