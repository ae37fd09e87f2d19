import { RECEIPT_VATS, type ReceiptVat } from '../../db/schema/index.js';

/**
 * VAT on a top-up receipt (docs/receipts.md, "VAT"). A top-up is an advance for future services, and
 * VAT on an advance is charged at the calculated rate R/(100+R) (Tax Code art. 164 p. 4), so only these
 * ATOL v5 types fit an advance item: none (not a VAT payer), vat0, and the calculated rates.
 */
export const ADVANCE_VATS = RECEIPT_VATS;
export type AdvanceVat = ReceiptVat;

/** The rate R of a calculated rate R/(100+R); null for "no VAT". */
const RATE: Record<AdvanceVat, number | null> = {
  none: null,
  vat0: 0,
  vat105: 5,
  vat107: 7,
  vat110: 10,
  vat120: 20,
  vat122: 22,
};

/**
 * A region's VAT when its settings name none: the general tax system (osn) pays VAT — 22 % from
 * 1 January 2026 (425-ФЗ), so 22/122 on an advance; the special systems (usn, esn, patent) default to
 * "no VAT" and set their rate (5/105, 7/107 on usn over the income threshold) explicitly.
 */
export function defaultVat(sno: string): AdvanceVat {
  return sno === 'osn' ? 'vat122' : 'none';
}

/** Whether a VAT type fits a tax system: a VAT payer on osn cannot issue "no VAT" receipts. */
export function vatFitsSno(sno: string, vat: AdvanceVat): boolean {
  return !(sno === 'osn' && vat === 'none');
}

/** VAT inside a gross amount at the calculated rate, in kopecks, rounded half up; null for none. */
export function vatOfGross(amount: number, vat: AdvanceVat): number | null {
  const r = RATE[vat];
  if (r === null) return null;
  return Math.round((amount * r) / (100 + r));
}
