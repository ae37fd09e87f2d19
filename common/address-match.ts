/**
 * Selecting subscribers by address (bulk operations and outages, docs/bulk.md "Address"). Addresses are
 * free text as written at signing ("г. Санкт-Петербург, ул. Примерная, д. 12а, кв. 5"), so a street
 * matches when its words appear in the address, ignoring case, "ё" and extra spaces; a house is the
 * number written after "д." or "дом". Both the form and the server check the house list here.
 */

/** Lower case, ё → е, runs of spaces to one: how both sides are compared. */
export function normalizeAddressText(s: string): string {
  return s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** The houses of a filter: exact numbers ("12а", "7/2") and numeric ranges (5-11: 5, 5а, 6 … 11к). */
export interface HouseList {
  exact: string[];
  ranges: [number, number][];
}

export const HOUSES_MAX_ITEMS = 200;
const RANGE = /^(\d{1,5})\s*[-–]\s*(\d{1,5})$/;
const HOUSE = /^\d{1,5}(?:\/\d{1,5})?[а-яa-z]?$/;

/**
 * "1, 3, 5-11, 12а" → {exact: ['1','3','12а'], ranges: [[5, 11]]}; empty → null (every house);
 * anything else (a range backwards, a word) → 'invalid'.
 */
export function parseHouses(input: string | null | undefined): HouseList | null | 'invalid' {
  const text = normalizeAddressText(input ?? '');
  if (!text) return null;
  const items = text
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length === 0 || items.length > HOUSES_MAX_ITEMS) return 'invalid';
  const out: HouseList = { exact: [], ranges: [] };
  for (const item of items) {
    const r = RANGE.exec(item);
    if (r) {
      const lo = Number(r[1]);
      const hi = Number(r[2]);
      if (lo > hi) return 'invalid';
      out.ranges.push([lo, hi]);
    } else if (HOUSE.test(item.replace(/\s+/g, ''))) out.exact.push(item.replace(/\s+/g, ''));
    else return 'invalid';
  }
  return out;
}
