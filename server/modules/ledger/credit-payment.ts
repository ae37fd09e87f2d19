import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { validatePaymentAmount } from '../../../common/payment-amount.js';
import { DEFAULT_PREPAY_TIERS, prepayBonus } from '../../../common/prepay.js';
import { type Db, preparedStatement, queryRows, queryRowsPrepared } from '../../db/client.js';
import type { RegionSettings } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { becomesUnblocked } from './coverage.js';
import { ACCOUNT_LOCK } from './lock-account.js';

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
  /**
   * Writes that belong to this credit (marking the payment succeeded, its receipt), run in the same
   * statement. Each gets `credited`, a relation with one row (entry_id, bonus) when the money was
   * posted by this call and none when the key was used before, and must write only `from` it.
   */
  alongside?: (credited: SQL) => SQL[];
}

export interface CreditPaymentResult {
  entryId: number;
  balance: number;
  created: boolean;
  bonus: number;
  unblocked: boolean;
}

/**
 * Credits a payment: the ledger entry, the prepay bonus, repayment of a promised payment, and
 * unblocking when the account is covered again, all in one statement inside one transaction (opened
 * here unless the caller passes one). The account row is locked first (lock-account.ts) unless the
 * caller already locked it and passes its snapshot (`locked`, from lockForCredit or a read `for no
 * key update of a`). Whatever else must change with the credit (the payment's status, its receipt)
 * comes in `alongside`: nothing is registered elsewhere.
 */
export async function creditPayment(
  db: Db,
  input: CreditPaymentInput,
  locked?: CreditSnapshot,
): Promise<CreditPaymentResult> {
  validatePaymentAmount(input.amount);
  return inTransaction(db, (tx) => credit(tx, input, locked));
}

/**
 * What a credit needs to know about the account: read under the account's row lock (creditPayment), or
 * read without it and checked again under it (creditPaymentIfUnchanged).
 */
export interface CreditSnapshot {
  account_id: number;
  balance: number;
  account_status: string;
  promised_credit: number;
  settings: RegionSettings;
  /** The account's monthly fees on the credit's day: the prepay bonus counts months of them. */
  monthly: number;
}

/**
 * Select-list columns of a CreditSnapshot over `accounts a join regions r`. A caller that locks other
 * rows anyway (the payment) selects these in the same statement with `for no key update of a, …`
 * (the account first: lock-account.ts) and passes the row to creditPayment, which then skips its own
 * lock query.
 */
export function creditSnapshotColumns(on: SQL): SQL {
  return sql`a.id as account_id, a.balance, a.status as account_status, a.promised_credit, r.settings, ${monthlyFees(on)} as monthly`;
}

/** The monthly fees of account `a` in force on day `on` (what the prepay bonus counts months of). */
function monthlyFees(on: SQL): SQL {
  return sql`(select coalesce(sum(s.monthly_fee), 0)::int8 from subscriptions s
    where s.account_id = a.id and s.starts_on <= ${on} and (s.ends_on is null or s.ends_on >= ${on}))`;
}

async function credit(tx: Db, input: CreditPaymentInput, locked?: CreditSnapshot): Promise<CreditPaymentResult> {
  // Every money path locks the account row before writing entries (lock-account.ts).
  const acc =
    locked ??
    (
      await queryRowsPrepared<CreditSnapshot>(
        tx,
        sql`select ${creditSnapshotColumns(sql`${input.effectiveOn}::date`)}
            from accounts a join regions r on r.id = a.region_id
            where a.id = ${input.accountId} ${ACCOUNT_LOCK} of a`,
      )
    )[0];
  checkSnapshot(input, acc);
  const posted = await queryRowsPrepared<PostedCredit>(tx, creditStatement(input, acc, bonusFor(input, acc)));
  if (!posted[0]) return alreadyCredited(tx, input);
  const { entry_id: entryId, balance, unblocked, bonus } = posted[0];
  return { entryId, balance, created: true, bonus, unblocked };
}

/**
 * Locks the account (by id or personal account number) as the first step of a credit's transaction
 * and returns what creditPayment needs, so the caller can insert its own rows (the payment) after the
 * lock and pass the snapshot on. `on` is the credit's day (default: today in the account's region).
 */
export async function lockForCredit(
  tx: Db,
  which: { accountId: number } | { number: string },
  on?: string,
): Promise<CreditSnapshot & { number: string; today: string }> {
  const day = on ? sql`${on}::date` : sql`(now() at time zone r.time_zone)::date`;
  const [acc] = await queryRowsPrepared<CreditSnapshot & { number: string; today: string }>(
    tx,
    sql`select ${creditSnapshotColumns(day)}, a.number, ${day}::text as today
        from accounts a join regions r on r.id = a.region_id
        where ${'accountId' in which ? sql`a.id = ${which.accountId}` : sql`a.number = ${which.number}`}
        ${ACCOUNT_LOCK} of a`,
  );
  if (!acc) throw new AppError('account_not_found', { account: 'accountId' in which ? which.accountId : which.number });
  return acc;
}

type PostedCredit = { entry_id: number; balance: number; bonus: number; unblocked: boolean };

function checkSnapshot(input: CreditPaymentInput, acc: CreditSnapshot | undefined): asserts acc is CreditSnapshot {
  if (!acc) throw new AppError('account_not_found', { account: input.accountId });
  if (acc.account_id !== input.accountId) throw new Error('creditPayment: snapshot of another account');
  if (acc.account_status === 'terminated') throw new AppError('account_terminated');
}

function bonusFor(input: CreditPaymentInput, acc: CreditSnapshot) {
  if (input.noBonus) return null;
  const b = prepayBonus({
    amount: input.amount,
    monthlyFee: acc.monthly,
    balanceBefore: acc.balance,
    tiers: acc.settings.prepayTiers,
  });
  return b && b.bonus > 0 ? b : null;
}

/**
 * creditPayment for a hot path, without a transaction: one statement (one round trip, committing on
 * its own) from a snapshot read WITHOUT a lock. The statement first runs the caller's `guard` — a
 * SELECT … FOR UPDATE of the account (alias `a`) and whatever else must still hold (the payment is
 * still pending), with `snapshotUnchanged(snapshot)` in its WHERE — and writes only if the guard
 * returns a row. PostgreSQL re-checks a locked row's conditions against its newest version, so when
 * anything the credit was computed from changed meanwhile (a billing run charged the account, another
 * notification credited the payment), nothing is written and 'changed' comes back: read again.
 * The guard must lock the account first: `for no key update of a, …` (lock-account.ts).
 */
export async function creditPaymentIfUnchanged(
  db: Db,
  input: CreditPaymentInput,
  snapshot: CreditSnapshot,
  guard: SQL,
): Promise<CreditPaymentResult | 'changed'> {
  validatePaymentAmount(input.amount);
  checkSnapshot(input, snapshot);
  const [posted] = await queryRowsPrepared<PostedCredit>(
    db,
    creditStatement(input, snapshot, bonusFor(input, snapshot), guard),
  );
  if (!posted) return 'changed';
  return {
    entryId: posted.entry_id,
    balance: posted.balance,
    created: true,
    bonus: posted.bonus,
    unblocked: posted.unblocked,
  };
}

/** WHERE condition over `accounts a`: the account is as the snapshot says (what the credit depends on). */
export function snapshotUnchanged(acc: CreditSnapshot, on: SQL): SQL {
  return sql`a.id = ${acc.account_id} and a.balance = ${acc.balance} and a.status = ${acc.account_status}
    and a.promised_credit = ${acc.promised_credit} and ${monthlyFees(on)} = ${acc.monthly}`;
}

/**
 * One statement, one round trip: the payment entry, its bonus entry, the new balance, repayment of a
 * promised payment, unblocking when the money covers the debt (with the 'unblocked' event the network
 * listens to), the 'payment_credited' event (the subscriber's notice), the audit row, and the caller's `alongside` writes. Nothing of it happens when the
 * idempotency key was used before (the insert conflicts, every later part reads from its empty result).
 *
 * Repayment (docs/decisions/0004): the promised credit shrinks to what the account still needs,
 * max(0, min(promised_credit, −(balance + credit_limit))), and at 0 the promised payment is repaid. It
 * never changes whether the account is covered, so unblocking is decided on the old promised credit.
 */
function creditStatement(
  input: CreditPaymentInput,
  acc: CreditSnapshot,
  bonus: { bonus: number; months: number; percent: number } | null,
  /** creditPaymentIfUnchanged's lock-and-check: no row, no writes. */
  guard?: SQL,
): SQL {
  const key = input.idempotencyKey;
  const entryValues = (kind: string, amount: number, k: string, comment: string | null) =>
    sql`${acc.account_id}, ${kind}, ${amount}, ${input.effectiveOn}::date, ${input.source}, ${comment}, ${k}`;
  const columns = sql`(account_id, kind, amount, effective_on, source, comment, idempotency_key)`;
  const covered = becomesUnblocked('a', sql`c.total`);
  const promised = acc.promised_credit > 0;
  const alongside = input.alongside?.(sql.raw('credited')) ?? [];
  return sql`with guard as (${guard ?? sql`select 1`}),
    ins as (
      insert into ledger_entries ${columns} select ${entryValues('payment', input.amount, key, input.comment ?? null)}
      from (select 1 from guard limit 1) g
      on conflict do nothing returning id),
    bon as (
      insert into ledger_entries ${columns}
      select ${bonus ? entryValues('bonus', bonus.bonus, `bonus:${key}`, `prepay ${bonus.months} months: ${bonus.percent}%`) : sql`null, null, null, null, null, null, null`}
      from ins where ${bonus !== null}
      on conflict do nothing returning amount),
    credited as (
      select ins.id as entry_id, coalesce((select sum(amount) from bon), 0)::int8 as bonus,
             ${input.amount}::int8 + coalesce((select sum(amount) from bon), 0)::int8 as total
      from ins),
    upd as (
      update accounts a set balance = a.balance + c.total,
        ${promised ? sql`promised_credit = greatest(0, least(a.promised_credit, -(a.balance + c.total + a.credit_limit))),` : sql``}
        status = case when ${covered} then 'active' else a.status end,
        status_changed_at = case when ${covered} then now() else a.status_changed_at end
      from credited c where a.id = ${acc.account_id}
      returning c.entry_id, c.bonus, a.balance, a.status <> ${acc.account_status} as unblocked, a.promised_credit),
    ${promised ? sql`repaid as (update promised_payments set status = 'repaid', closed_at = now() where account_id = ${acc.account_id} and status = 'active' and exists (select 1 from upd where upd.promised_credit = 0)),` : sql``}
    ev as (
      insert into account_events (account_id, kind, data)
      select ${acc.account_id}::int8, 'unblocked', '{}'::jsonb from upd where unblocked
      union all
      select ${acc.account_id}::int8, 'payment_credited',
             jsonb_build_object('amount', ${input.amount}::int8, 'bonus', upd.bonus, 'balance', upd.balance)
      from upd),
    aud as (
      insert into audit_log (actor_type, actor_id, action, entity, entity_id, before, after)
      select ${input.source.startsWith('staff:') ? 'staff' : 'system'}, ${input.source}, 'payment.credited', 'account', ${String(acc.account_id)},
             ${JSON.stringify({ balance: acc.balance, status: acc.account_status })}::jsonb,
             jsonb_build_object('amount', ${input.amount}::int8, 'bonus', upd.bonus, 'balance', upd.balance, 'key', ${key}::text, 'unblocked', upd.unblocked)
      from upd)
    ${sql.join(alongside.map((w, i) => sql`, also${sql.raw(String(i))} as (${w})`))}
    select entry_id, bonus, balance, unblocked from upd`;
}

/** The key was used before: nothing was written now; answer with the first credit (it must match). */
async function alreadyCredited(tx: Db, input: CreditPaymentInput): Promise<CreditPaymentResult> {
  const [prev] = await queryRows<{
    id: number;
    account_id: number;
    amount: number;
    kind: string;
    balance: number;
    bonus: number | null;
  }>(
    tx,
    sql`select l.id, l.account_id, l.amount, l.kind, a.balance,
               (select amount from ledger_entries where idempotency_key = ${`bonus:${input.idempotencyKey}`}) as bonus
        from ledger_entries l join accounts a on a.id = l.account_id
        where l.idempotency_key = ${input.idempotencyKey}`,
  );
  if (!prev || prev.account_id !== input.accountId || prev.amount !== input.amount || prev.kind !== 'payment') {
    throw new AppError('idempotency_conflict');
  }
  return { entryId: prev.id, balance: prev.balance, created: false, bonus: prev.bonus ?? 0, unblocked: false };
}

/**
 * The whole credit in ONE statement (prepared once: the values come as placeholders), for a caller that finds and locks what is credited in SQL (a
 * provider's notice: the payment and its account), so no read comes first. `target` is a SELECT of at
 * most one row that locks the account first (`for no key update of a, …`, lock-account.ts) and selects
 * account_id, amount, idempotency_key, source, comment, effective_on (a date), balance,
 * account_status and promised_credit — these three from the locked row, i.e. its newest version —
 * plus whatever the `alongside` writes read from `credited` (which carries every
 * column of target, and entry_id and bonus).
 *
 * It writes what creditStatement writes (entry, balance, repayment of a promised payment, unblocking
 * with its event, the 'payment_credited' event, the audit row, the alongside writes) and keeps the same
 * rules; it credits only where that needs no decision made in JS: the account is not terminated and
 * no prepay bonus can apply (prepayBonus's condition: some tier's months × the monthly fees fit in
 * the amount less the debt). Otherwise — and when target has no row, or the key was used before —
 * nothing is written and null comes back: the caller then reads and credits with creditPayment /
 * creditPaymentIfUnchanged, which decide those cases. Returns the function that runs it with the
 * placeholders' values.
 */
export function creditLockedRow<T extends object>(
  build: () => {
    target: SQL;
    alongside: (credited: SQL) => SQL[];
    /** More columns of `credited c` to return (besides entry_id, bonus, balance, unblocked), e.g. sql`c.payment_id`. */
    returning: SQL;
  },
): (db: Db, values: Record<string, unknown>) => Promise<(PostedCredit & T) | null> {
  const run = preparedStatement<PostedCredit & T>(() => {
    const { target, alongside, returning } = build();
    return creditLockedRowStatement(target, alongside(sql.raw('credited')), returning);
  });
  return async (db, values) => (await run(db, values))[0] ?? null;
}

function creditLockedRowStatement(target: SQL, writes: SQL[], returning: SQL): SQL {
  const covered = becomesUnblocked('a', sql`c.total`);
  const tiers = sql`case when jsonb_typeof(r.settings->'prepayTiers') = 'array' then r.settings->'prepayTiers'
                    else ${JSON.stringify(DEFAULT_PREPAY_TIERS)}::jsonb end`;
  return sql`with t as (${target}),
    acc as (
      select t.* from t join accounts a on a.id = t.account_id join regions r on r.id = a.region_id
      where t.account_status <> 'terminated' and t.amount > 0
        and not exists (
          select 1 from jsonb_to_recordset(${tiers}) tier(months numeric),
                        (select ${monthlyFees(sql`t.effective_on`)} as fees) m
          where m.fees > 0 and tier.months > 0 and t.amount + least(t.balance, 0) >= tier.months * m.fees)),
    ins as (
      insert into ledger_entries (account_id, kind, amount, effective_on, source, comment, idempotency_key)
      select account_id, 'payment', amount, effective_on, source, comment, idempotency_key from acc
      on conflict do nothing returning id),
    credited as (select ins.id as entry_id, 0::int8 as bonus, acc.amount::int8 as total, acc.* from ins, acc),
    upd as (
      update accounts a set balance = a.balance + c.total,
        promised_credit = greatest(0, least(a.promised_credit, -(a.balance + c.total + a.credit_limit))),
        status = case when ${covered} then 'active' else a.status end,
        status_changed_at = case when ${covered} then now() else a.status_changed_at end
      from credited c where a.id = c.account_id
      returning a.id as account_id, a.balance, a.status <> c.account_status as unblocked, a.promised_credit,
                c.promised_credit as promised_before),
    repaid as (
      update promised_payments set status = 'repaid', closed_at = now()
      where account_id = (select account_id from upd) and status = 'active'
        and exists (select 1 from upd where upd.promised_credit = 0 and upd.promised_before > 0)),
    ev as (
      insert into account_events (account_id, kind, data)
      select account_id, 'unblocked', '{}'::jsonb from upd where unblocked
      union all
      select upd.account_id, 'payment_credited',
             jsonb_build_object('amount', c.amount::int8, 'bonus', c.bonus, 'balance', upd.balance)
      from upd, credited c),
    aud as (
      insert into audit_log (actor_type, actor_id, action, entity, entity_id, before, after)
      select case when c.source like 'staff:%' then 'staff' else 'system' end, c.source, 'payment.credited', 'account',
             c.account_id::text, jsonb_build_object('balance', c.balance, 'status', c.account_status),
             jsonb_build_object('amount', c.amount::int8, 'bonus', c.bonus, 'balance', upd.balance, 'key', c.idempotency_key,
                                'unblocked', upd.unblocked)
      from upd, credited c)
    ${sql.join(writes.map((w, i) => sql`, also${sql.raw(String(i))} as (${w})`))}
    select c.entry_id, c.bonus, upd.balance, upd.unblocked, ${returning} from upd, credited c`;
}
