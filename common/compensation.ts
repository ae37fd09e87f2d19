/**
 * A compensation of N days of an account's own fee (bulk operations, outages: docs/bulk.md
 * "Compensation"): the monthly fees it pays today (plan with any promotion discount, plus add-ons),
 * times N, over the days of the current month, rounded half up to the kopeck. The ledger computes the
 * same in SQL (server/modules/ledger/compensation.ts); this is the reference its tests hold it to.
 */
export function compensationAmount(monthlyFees: number, days: number, daysInMonth: number): number {
  if (!Number.isSafeInteger(monthlyFees) || monthlyFees < 0) throw new RangeError(`bad fees ${monthlyFees}`);
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`bad days ${days}`);
  return Math.floor((2 * monthlyFees * days + daysInMonth) / (2 * daysInMonth));
}
