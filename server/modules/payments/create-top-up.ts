import { randomBytes } from 'node:crypto';

import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { formatRubles } from '../../../common/money.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { amountForMonths } from '../../../common/prepay.js';
import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { type PayMethod, ProviderRefusedError } from '../../integrations/acquiring/provider.js';
import { providerForAccount } from './get-provider.js';
import {
  cancelPendingPayment,
  newPaymentIdAndKey,
  notePost,
  noteProviderError,
  providerKeyOf,
} from './provider-requests.js';

/**
 * YooKassa's SBP limits: from 1 ₽ to 700 000 ₽ a payment ("Система быстрых платежей (СБП)", Лимиты).
 * Checked here so the payer is told at once instead of getting a refused payment.
 */
export const SBP_MIN_KOPECKS = 100;
export const SBP_MAX_KOPECKS = 70_000_000;

export interface TopUpInput {
  accountId: number;
  /** Kopecks; or `months` to pay N months of the fee plus any debt. */
  amount?: number;
  months?: number;
  saveMethod?: boolean;
  /** Card (default) or SBP. */
  method?: PayMethod;
  /** SBP: a desktop shows a QR code to scan with the phone; a phone goes to its bank app. */
  device?: 'desktop' | 'phone';
  /** Where the payer comes back after the card page: 'cabinet' or 'public'. */
  from: 'cabinet' | 'public';
  /** Origin of the return link (server/plugins/base-url.ts); default PUBLIC_URL. */
  baseUrl?: string;
}

/**
 * Starts a card payment: a pending `payments` row, then the provider's payment with the Idempotence-Key
 * `<installation>:payment:<id>` stored on the row (a retried call reuses it). Money moves only when the provider confirms (see
 * apply-provider-status.ts). The provider's id is stored as soon as it answers. A refusal (4xx) cancels
 * the row; an answer that decides nothing (5xx, timeout, 202) leaves it pending without an id for the
 * reconciliation to find by our payment id — either way the payer is told to try again.
 */
export async function createTopUp(db: Db, deps: AppDeps, i: TopUpInput) {
  assertNoTransaction(db, 'createTopUp: it creates the payment at the provider after recording it');
  const [acc] = await queryRows<{ id: number; number: string; status: string; balance: number; fee: number }>(
    db,
    sql`select a.id, a.number, a.status, a.balance,
               (select coalesce(sum(monthly_fee), 0)::int8 from subscriptions s where s.account_id = a.id
                 and s.starts_on <= current_date and (s.ends_on is null or s.ends_on >= current_date)) as fee
        from accounts a where a.id = ${i.accountId}`,
  );
  if (!acc) throw new AppError('account_not_found', { account: i.accountId });
  if (acc.status === 'terminated') throw new AppError('account_terminated');
  let amount = i.amount;
  if (i.months !== undefined) {
    if (!Number.isInteger(i.months) || i.months < 1 || i.months > 12) throw new AppError('bad_months');
    if (acc.fee <= 0) throw new AppError('no_monthly_fee');
    amount = amountForMonths(i.months, acc.fee, acc.balance);
  }
  if (amount === undefined) throw new AppError('validation_failed', { details: 'amount or months' });
  validatePaymentAmount(amount);
  const method = i.method ?? 'card';
  if (method === 'sbp' && (amount < SBP_MIN_KOPECKS || amount > SBP_MAX_KOPECKS))
    throw new AppError('sbp_amount_limit', {
      min: formatRubles(SBP_MIN_KOPECKS).replace(/\s?₽$/, ''),
      max: formatRubles(SBP_MAX_KOPECKS).replace(/\s?₽$/, ''),
    });
  const provider = await providerForAccount(db, deps, acc.id, method);
  // SBP is not saved for autopay here: autopay charges saved cards.
  const saveMethod = method === 'card' && !!i.saveMethod;
  const confirmation = method === 'sbp' && i.device !== 'phone' ? 'qr' : 'redirect';
  const publicId = randomBytes(16).toString('base64url');
  const [row] = await queryRows<{ id: number; provider_key: string }>(
    db,
    sql`insert into payments (id, provider_key, account_id, provider, amount, status, method, prepay_months, description, metadata, public_id)
        select n.id, n.key, ${acc.id}, ${provider.name}, ${amount}, 'pending', ${method}, ${i.months ?? null},
                ${`Пополнение лицевого счёта ${acc.number}`}, ${JSON.stringify({ saveMethod, from: i.from, confirmation })}::jsonb, ${publicId}
        from ${newPaymentIdAndKey} n
        returning id, provider_key`,
  );
  const paymentId = row!.id;
  const base = i.baseUrl ?? deps.config.publicUrl;
  // The public page comes back with the unguessable id only: no sequential id, no account number.
  const returnUrl =
    i.from === 'cabinet' ? `${base}/cabinet/payments?payment=${paymentId}` : `${base}/pay?payment=${publicId}`;
  try {
    await notePost(db, paymentId);
    const created = await provider.createPayment({
      amount,
      description: `Пополнение лицевого счёта ${acc.number}`,
      returnUrl,
      savePaymentMethod: saveMethod,
      method,
      confirmation,
      idempotenceKey: providerKeyOf(row!),
      paymentId,
      accountId: acc.id,
    });
    await db.execute(sql`update payments set external_id = ${created.externalId},
                           metadata = metadata || ${JSON.stringify({ confirmationUrl: created.confirmationUrl, qrData: created.qrData ?? null })}::jsonb where id = ${paymentId}`);
    if (created.status === 'canceled') {
      // Refused at once (a test shop's object in production): the payer is not sent anywhere.
      await cancelPendingPayment(db, paymentId, created.cancelReason ?? 'canceled by the provider');
      throw new AppError('payment_provider_unavailable');
    }
    if (confirmation === 'qr' && !created.qrData)
      throw new Error(`${provider.name} gave no QR data for an SBP payment`);
    return {
      paymentId,
      publicId,
      amount,
      method,
      confirmationUrl: created.confirmationUrl ?? returnUrl,
      qr: confirmation === 'qr' ? (created.qrData ?? null) : null,
    };
  } catch (e) {
    if (e instanceof ProviderRefusedError) await cancelPendingPayment(db, paymentId, e.message);
    else await noteProviderError(db, paymentId, e); // maybe created: the reconciliation looks it up
    throw new AppError('payment_provider_unavailable');
  }
}
