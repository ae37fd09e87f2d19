/**
 * An independent model of the daily charge, written from docs/billing.md ("The daily charge"), not from
 * the SQL: tests replay it day by day and compare the database's ledger with it. Plain loops over
 * plain objects, one account and one day at a time, on purpose.
 *
 * Rules modelled:
 * - day d of an N-day month charges each subscription in force that day floor(M·d/N) − floor(M·(d−1)/N);
 * - only `active` accounts are charged (blocked, suspended and terminated pay nothing);
 * - after the day's charge, an active account whose balance + credit limit + promised credit is below
 *   zero becomes `blocked`, with one `blocked` event.
 */

export interface ReferenceSubscription {
  id: number;
  monthlyFee: number;
  startsOn: string;
  endsOn: string | null;
}

export interface ReferenceAccount {
  id: number;
  status: string;
  balance: number;
  creditLimit: number;
  promisedCredit: number;
  subscriptions: ReferenceSubscription[];
}

export interface ReferenceResult {
  /** `${accountId}:${subscriptionId}:${day}` → charged kopecks (positive). */
  charges: Map<string, number>;
  accounts: Map<number, { balance: number; status: string; blockedEvents: number }>;
}

function daysOfMonth(year: number, month: number): number {
  // The day before the 1st of the next month.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function shareOf(fee: number, day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const n = daysOfMonth(y, m);
  return Math.floor((fee * d) / n) - Math.floor((fee * (d - 1)) / n);
}

export function chargeKey(accountId: number, subscriptionId: number, day: string): string {
  return `${accountId}:${subscriptionId}:${day}`;
}

/** Replays `days` (in order) over copies of the accounts. */
export function replayBilling(start: ReferenceAccount[], days: string[]): ReferenceResult {
  const charges = new Map<string, number>();
  const state = new Map<number, ReferenceAccount & { blockedEvents: number }>(
    start.map((a) => [a.id, { ...a, blockedEvents: 0 }]),
  );
  for (const day of days) {
    for (const a of state.values()) {
      if (a.status !== 'active') continue;
      let total = 0;
      for (const s of a.subscriptions) {
        if (s.startsOn > day || (s.endsOn !== null && s.endsOn < day)) continue;
        const share = shareOf(s.monthlyFee, day);
        if (share <= 0) continue;
        charges.set(chargeKey(a.id, s.id, day), share);
        total += share;
      }
      a.balance -= total;
      if (total > 0 && a.balance + a.creditLimit + a.promisedCredit < 0) {
        a.status = 'blocked';
        a.blockedEvents++;
      }
    }
  }
  return {
    charges,
    accounts: new Map(
      [...state.values()].map((a) => [a.id, { balance: a.balance, status: a.status, blockedEvents: a.blockedEvents }]),
    ),
  };
}
