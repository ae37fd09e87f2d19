/**
 * Money is integer kopecks everywhere (1 ruble = 100 kopecks). Never floats, never `Number(x) * 100`.
 * These helpers are shared by the server and the web app.
 */

export const KOPECKS_PER_RUBLE = 100;

/** Upper bound of a single money input (1 000 000 ₽); larger amounts are refused. */
export const MAX_PAYMENT_KOPECKS = 100_000_000;

/** Whole rubles (an integer) as kopecks. */
export function rublesToKopecks(rubles: number): number {
  if (!Number.isSafeInteger(rubles)) throw new RangeError(`not a whole number of rubles: ${rubles}`);
  return assertKopecks(rubles * KOPECKS_PER_RUBLE);
}

export function assertKopecks(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of kopecks: ${value}`);
  return value;
}

/**
 * Parses a decimal ruble string ("1500", "1500.5", "1 500,50") into kopecks exactly.
 * Returns null for anything that is not a plain amount with at most two decimals.
 */
export function parseRubles(input: string): number | null {
  const s = input
    .trim()
    .replace(/[\s\u00a0]/g, '')
    .replace(',', '.');
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const rubles = Number(m[2]);
  const frac = (m[3] ?? '').padEnd(2, '0');
  const kopecks = rubles * KOPECKS_PER_RUBLE + Number(frac);
  if (!Number.isSafeInteger(kopecks)) return null;
  return m[1] ? -kopecks : kopecks;
}

/** Days in a calendar month; month is 1..12. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The share of a monthly fee charged for day `day` (1-based) of an N-day month:
 * floor(M*d/N) - floor(M*(d-1)/N). Summed over the month it gives M exactly.
 * The billing run does the same arithmetic in SQL; this is the reference the tests hold it to.
 */
export function dailyShare(monthlyFee: number, day: number, daysInMonthN: number): number {
  assertKopecks(monthlyFee);
  if (day < 1 || day > daysInMonthN) throw new RangeError(`day ${day} outside 1..${daysInMonthN}`);
  return Math.floor((monthlyFee * day) / daysInMonthN) - Math.floor((monthlyFee * (day - 1)) / daysInMonthN);
}

/** Percent of an amount, rounded half-up to a whole kopeck (used for bonuses, never for charges). */
export function percentOf(amount: number, percent: number): number {
  assertKopecks(amount);
  return Math.floor((amount * percent + 50) / 100);
}

/** "1 234,56 ₽" — formatting for people; never parse this back. */
export function formatRubles(kopecks: number, locale: 'ru' | 'en' = 'ru'): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-US', {
    style: 'currency',
    currency: 'RUB',
    minimumFractionDigits: 2,
  }).format(kopecks / KOPECKS_PER_RUBLE);
}

/** Kopecks as a plain decimal string "1234.56" (exports, protocols); exact, no float rounding. */
export function kopecksToDecimal(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A provider's decimal amount ("100.00", "12.5", "7") as kopecks, exactly. Stricter than parseRubles:
 * no spaces, no comma, no sign. Returns null for anything else (the caller refuses the message).
 */
export function parseDecimalAmount(value: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value);
  if (!m) return null;
  const kopecks = Number(m[1]) * KOPECKS_PER_RUBLE + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(kopecks) ? kopecks : null;
}

/**
 * Kopecks as a JSON number of rubles (12.34) for APIs that want one (ATOL) and for charts. Goes through
 * the exact decimal string, so the number is the closest double to the exact amount.
 */
export function kopecksToRublesNumber(kopecks: number): number {
  return Number(kopecksToDecimal(kopecks));
}

/** True when `amount` may be one money input: a whole number of kopecks, 1 kopeck to MAX_PAYMENT_KOPECKS. */
export function isPaymentAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_PAYMENT_KOPECKS;
}

/** The per-payment limit as people read it ("1 000 000"), for the `bad_amount` message. */
export const MAX_PAYMENT_TEXT = new Intl.NumberFormat('ru-RU').format(MAX_PAYMENT_KOPECKS / KOPECKS_PER_RUBLE);
