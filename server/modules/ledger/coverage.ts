import { type SQL, sql } from 'drizzle-orm';

/**
 * THE money rule, written once: an account is covered while
 *
 *     balance + credit_limit + promised_credit >= 0
 *
 * Below it an active account is blocked for debt (after a day's charge, or when a promised payment
 * expires); at or above it a blocked account is restored at once (a payment, a correction, a promised
 * payment, a declined refund coming back). Every statement that decides on blocking uses these
 * fragments over an `accounts` alias; code that has the numbers in hand uses `isCovered`.
 */

/** `alias.balance + delta + alias.credit_limit + alias.promised_credit`: the money the account may spend. */
export function spendable(alias: string, delta?: SQL): SQL {
  const a = sql.raw(alias);
  return delta
    ? sql`(${a}.balance + ${delta} + ${a}.credit_limit + ${a}.promised_credit)`
    : sql`(${a}.balance + ${a}.credit_limit + ${a}.promised_credit)`;
}

/** The account (optionally after adding `delta` to its balance) is covered. */
export function coveredSql(alias: string, delta?: SQL): SQL {
  return sql`${spendable(alias, delta)} >= 0`;
}

/** An active account that this change leaves uncovered: it becomes blocked. */
export function becomesBlocked(alias: string, delta?: SQL): SQL {
  return sql`(${sql.raw(alias)}.status = 'active' and ${spendable(alias, delta)} < 0)`;
}

/** A blocked account that this change covers again: it becomes active. */
export function becomesUnblocked(alias: string, delta?: SQL): SQL {
  return sql`(${sql.raw(alias)}.status = 'blocked' and ${coveredSql(alias, delta)})`;
}

export interface MoneyState {
  balance: number;
  creditLimit: number;
  promisedCredit: number;
}

/** The money the account may spend, for numbers in hand (days left, how much to pay). */
export function spendableMoney(a: MoneyState): number {
  return a.balance + a.creditLimit + a.promisedCredit;
}

/** The same rule for numbers in hand. */
export function isCovered(a: MoneyState): boolean {
  return spendableMoney(a) >= 0;
}

/** The least payment that covers the account again (0 when it is covered). */
export function amountToCover(a: MoneyState): number {
  return Math.max(0, -spendableMoney(a));
}
