import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';

/**
 * Contract number (the login): region prefix (2 digits) + sequence (6 digits) + Luhn check digit,
 * e.g. 11 000001 5 → "110000015". The check digit catches a mistyped digit at sign-in and in the
 * office. Personal account number (for payments): "7" + region prefix + sequence (9 digits).
 * Both come from per-region counters incremented atomically, so concurrent signings never collide.
 */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidContractNumber(n: string): boolean {
  return /^\d{9}$/.test(n) && luhnCheckDigit(n.slice(0, 8)) === Number(n[8]);
}

export function formatNumbers(prefix: string, seq: number): { contract: string; account: string } {
  if (seq > 999_999) throw new RangeError(`region ${prefix} has run out of contract numbers`);
  const body = `${prefix}${String(seq).padStart(6, '0')}`;
  return { contract: `${body}${luhnCheckDigit(body)}`, account: `7${body}` };
}

/** Takes the region's next sequence value (inside the caller's transaction). */
export async function nextNumbers(db: Db, region: { id: number; contractPrefix: string }) {
  const [row] = await queryRows<{ value: number }>(
    db,
    sql`insert into number_sequences (name, value) values (${`contract:${region.id}`}, 1)
        on conflict (name) do update set value = number_sequences.value + 1
        returning value`,
  );
  return formatNumbers(region.contractPrefix, row!.value);
}

/**
 * Takes `count` consecutive sequence values of the region at once (an import numbers thousands of
 * contracts in one statement) and returns their numbers in order.
 */
export async function reserveNumbers(
  db: Db,
  region: { id: number; contractPrefix: string },
  count: number,
): Promise<{ contract: string; account: string }[]> {
  if (count <= 0) return [];
  const [row] = await queryRows<{ value: number }>(
    db,
    sql`insert into number_sequences (name, value) values (${`contract:${region.id}`}, ${count})
        on conflict (name) do update set value = number_sequences.value + ${count}
        returning value`,
  );
  const last = row!.value;
  return Array.from({ length: count }, (_, i) => formatNumbers(region.contractPrefix, last - count + 1 + i));
}

/**
 * Moves the region's counter past `seq` (numbers an import brought in that have the region's own
 * shape), so numbers issued later never meet them.
 */
export async function skipNumbersThrough(db: Db, regionId: number, seq: number): Promise<void> {
  await db.execute(
    sql`insert into number_sequences (name, value) values (${`contract:${regionId}`}, ${seq})
        on conflict (name) do update set value = greatest(number_sequences.value, excluded.value)`,
  );
}

/** The sequence value inside a number of the region's shape (contract or personal account), or null. */
export function sequenceOf(prefix: string, number: string): number | null {
  if (number.length === 9 && number.startsWith(prefix) && isValidContractNumber(number))
    return Number(number.slice(2, 8));
  if (number.length === 9 && number.startsWith(`7${prefix}`) && /^\d{9}$/.test(number)) return Number(number.slice(3));
  return null;
}
