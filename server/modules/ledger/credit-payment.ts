import { eq, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { AppError } from '../../../common/errors.js';
import { MAX_PAYMENT_KOPECKS } from '../../../common/money.js';
import { prepayBonus } from '../../../common/prepay.js';
import { queryRows, type Db } from '../../db/client.js';
import { accounts, type RegionSettings } from '../../db/schema/index.js';
import { postEntry } from './post-entry.js';
import { restoreIfCovered } from './restore-if-covered.js';
import { recordAudit } from '../audit/record-audit.js';

export interface CreditPaymentInput {
  accountId: number;
  amount: number;
  /** Unique key of this money input; the same key again credits nothing and returns the first result. */
  idempotencyKey: string;
  source: string;
  effectiveOn: string;
  comment?: string | null;
  /** Skip the prepay bonus (refund reversals, corrections). */
  noBonus?: boolean;
}

export interface CreditPaymentResult {
  entryId: number;
  balance: number;
  created: boolean;
  bonus: number;
  unblocked: boolean;
}

export function validatePaymentAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_PAYMENT_KOPECKS) {
    throw new AppError('bad_amount', { max: (MAX_PAYMENT_KOPECKS / 100).toLocaleString('ru-RU') });
  }
}

/**
 * Credits a payment: the ledger entry, the prepay bonus, and unblocking when the balance is back
 * within the limit, all in one transaction (opened here unless the caller passes one).
 * Hooks that other modules need on every payment (promised-payment repayment) run in `afterCredit`.
 */
export async function creditPayment(db: Db, input: CreditPaymentInput): Promise<CreditPaymentResult> {
  validatePaymentAmount(input.amount);
  // Inside the caller's transaction, run in it directly (a savepoint would cost two round trips).
  return db instanceof PgTransaction ? credit(db as unknown as Db, input) : db.transaction((tx) => credit(tx, input));
}

async function credit(tx: Db, input: CreditPaymentInput): Promise<CreditPaymentResult> {
  // Lock the account first: every money path locks the account row before writing entries. The
  // same round trip brings what the bonus needs (monthly fees, the region's tiers).
  const [acc] = await queryRows<{
    id: number; balance: number; status: string; promised_credit: number; settings: RegionSettings; monthly: number;
  }>(
    tx,
    sql`select a.id, a.balance, a.status, a.promised_credit, r.settings,
               (select coalesce(sum(s.monthly_fee), 0)::int8 from subscriptions s
                where s.account_id = a.id and s.starts_on <= ${input.effectiveOn}::date
                  and (s.ends_on is null or s.ends_on >= ${input.effectiveOn}::date)) as monthly
        from accounts a join regions r on r.id = a.region_id
        where a.id = ${input.accountId} for update of a`,
  );
  if (!acc) throw new AppError('account_not_found', { account: input.accountId });
  if (acc.status === 'terminated') throw new AppError('account_terminated');

  const posted = await postEntry(tx, {
    accountId: acc.id,
    kind: 'payment',
    amount: input.amount,
    effectiveOn: input.effectiveOn,
    source: input.source,
    comment: input.comment,
    idempotencyKey: input.idempotencyKey,
  });
  if (!posted.created) {
    const [bonusRow] = await queryRows<{ amount: number }>(
      tx,
      sql`select amount from ledger_entries where idempotency_key = ${`bonus:${input.idempotencyKey}`}`,
    );
    return { entryId: posted.entryId, balance: posted.balance, created: false, bonus: bonusRow?.amount ?? 0, unblocked: false };
  }

  let balance = posted.balance;
  let bonus = 0;
  if (!input.noBonus) {
    const b = prepayBonus({
      amount: input.amount,
      monthlyFee: acc.monthly,
      balanceBefore: acc.balance,
      tiers: acc.settings.prepayTiers,
    });
    if (b && b.bonus > 0) {
      const bonusEntry = await postEntry(tx, {
        accountId: acc.id,
        kind: 'bonus',
        amount: b.bonus,
        effectiveOn: input.effectiveOn,
        source: input.source,
        comment: `prepay ${b.months} months: ${b.percent}%`,
        idempotencyKey: `bonus:${input.idempotencyKey}`,
      });
      balance = bonusEntry.balance;
      bonus = b.bonus;
    }
  }
  for (const hook of afterCreditHooks) {
    balance = (await hook(tx, { accountId: acc.id, effectiveOn: input.effectiveOn, source: input.source, promisedCredit: acc.promised_credit })) ?? balance;
  }
  const unblocked = acc.status === 'blocked' ? await restoreIfCovered(tx, acc.id) : false;
  await recordAudit(tx, {
    actorType: input.source.startsWith('staff:') ? 'staff' : 'system',
    actorId: input.source,
    action: 'payment.credited',
    entity: 'account',
    entityId: String(acc.id),
    before: { balance: acc.balance, status: acc.status },
    after: { amount: input.amount, bonus, balance, key: input.idempotencyKey, unblocked },
  });
  return { entryId: posted.entryId, balance, created: true, bonus, unblocked };
}

/**
 * Called inside the payment's transaction after the payment (and bonus) are posted, before the
 * unblock check. Returns the new balance when it posted entries (e.g. a promised-payment repayment).
 */
export type AfterCreditHook = (
  tx: Db,
  ctx: { accountId: number; effectiveOn: string; source: string; /** before this payment */ promisedCredit: number },
) => Promise<number | void>;

export const afterCreditHooks: AfterCreditHook[] = [];

export async function findAccountByNumber(db: Db, number: string) {
  const [acc] = await db.select().from(accounts).where(eq(accounts.number, number));
  if (!acc) throw new AppError('account_not_found', { account: number });
  return acc;
}
