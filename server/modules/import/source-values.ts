import { rublesToKopecks } from '../../../common/money.js';
import { normaliseLogin, normaliseMac } from '../../../common/network.js';

/**
 * Values as old billings write them, read exactly (docs/import.md, "Money" and "Values"). Money is a
 * decimal string — never a float — rounded half away from zero to whole kopecks when the source keeps
 * more decimals (ABillS keeps six): the rounding is reported.
 */
export function parseSourceAmount(input: string): { kopecks: number; rounded: boolean } | null {
  const s = input
    .trim()
    .replace(/[\s\u00a0]/g, '')
    .replace(',', '.');
  const m = /^([-+])?(\d{1,13})(?:\.(\d{1,9}))?$/.exec(s) ?? /^([-+])?()\.(\d{1,9})$/.exec(s);
  if (!m) return null;
  const whole = Number(m[2] || '0');
  const frac = m[3] ?? '';
  let kopecks = rublesToKopecks(whole) + Number(frac.slice(0, 2).padEnd(2, '0'));
  const rest = frac.slice(2);
  const rounded = /[1-9]/.test(rest);
  if (rest.length > 0 && Number(rest[0]) >= 5) kopecks += 1;
  if (!Number.isSafeInteger(kopecks)) return null;
  return { kopecks: m[1] === '-' && kopecks !== 0 ? -kopecks : kopecks, rounded };
}

/** An IPv4 address in dotted form, or null. */
export function parseIpv4(v: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v.trim());
  if (!m || m.slice(1).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) return null;
  return m.slice(1).map(Number).join('.');
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/**
 * A phone as Abonent keeps it (E.164 digits without "+", docs/import.md): "8 (912) 345-67-89" and
 * "+7 912 345 67 89" → 79123456789; a national number of 10 digits gets the source's country code
 * (mapping `phoneCountry`: 7 by default; with 380 "050 123 45 67" → 380501234567). Null when it is not
 * a phone number.
 */
export function normaliseSourcePhone(input: string, country = '7'): string | null {
  const d = input.replace(/\D/g, '');
  if (d.length === 11 && d.startsWith('8') && country === '7') return `7${d.slice(1)}`;
  if (d.length === 10) {
    if (country === '7') return d.startsWith('0') ? null : `7${d}`;
    return d.startsWith('0') ? `${country.slice(0, -1)}${d}` : null;
  }
  return d.length >= 11 && d.length <= 15 && !d.startsWith('0') ? d : null;
}

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[^\s@;,]+$/;
export function normaliseEmail(v: string): string | null {
  const s = v.trim();
  return s.length <= 200 && EMAIL.test(s) ? s : null;
}

/** A date "YYYY-MM-DD" from "YYYY-MM-DD[ HH:MM:SS]" or "DD.MM.YYYY"; null for MySQL's zero date. */
export function parseSourceDate(v: string): string | null {
  const s = v.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/.exec(s);
  if (!m) {
    const ru = /^(\d{2})\.(\d{2})\.(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$/.exec(s);
    m = ru ? ([s, ru[3], ru[2], ru[1]] as unknown as RegExpExecArray) : null;
  }
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day || m[1] === '0000' ? null : day;
}

/** "YYYY-MM-DD HH:MM:SS" (a local time of the source) from the same shapes; the time defaults to noon. */
export function parseSourceTimestamp(v: string): string | null {
  const s = v.trim();
  const day = parseSourceDate(s);
  if (!day) return null;
  const t = /(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.slice(10));
  if (!t) return `${day} 12:00:00`;
  if (Number(t[1]) > 23 || Number(t[2]) > 59 || Number(t[3] ?? 0) > 59) return null;
  return `${day} ${t[1]}:${t[2]}:${t[3] ?? '00'}`;
}

export { normaliseLogin, normaliseMac };
