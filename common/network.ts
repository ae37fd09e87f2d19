/**
 * Network identifiers, normalised the same way by the back-office form, the API and the RADIUS path
 * (docs/network.md). Each returns null for a value that is not one.
 */

/** A PPPoE login: 3–64 printable ASCII characters without spaces; compared in lower case. */
export function normaliseLogin(v: string): string | null {
  const s = v.trim().toLowerCase();
  return /^[\x21-\x7e]{3,64}$/.test(s) ? s : null;
}

/** A MAC address in any common spelling (aa:bb…, aa-bb…, aabb.ccdd.eeff, aabbccddeeff) → aa:bb:cc:dd:ee:ff. */
export function normaliseMac(v: string): string | null {
  const s = v.trim().toLowerCase();
  let hex: string | null = null;
  if (/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/.test(s)) hex = s.replace(/[:-]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(s)) hex = s.replace(/\./g, '');
  else if (/^[0-9a-f]{12}$/.test(s)) hex = s;
  if (!hex) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * An Option 82 sub-option (agent circuit-id or remote-id) as the hex of its bytes: `0x…` is taken as
 * hex (what FreeRADIUS reports for binary values), anything else as text. Empty → '' (not present).
 */
export function normaliseOption82(v: string): string | null {
  const s = v.trim();
  if (s === '') return '';
  if (/^0x([0-9a-fA-F]{2}){1,128}$/.test(s)) return s.slice(2).toLowerCase();
  if (s.length > 128 || [...s].some((c) => c.charCodeAt(0) < 0x20)) return null;
  return Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * What debtors and suspended subscribers can still reach while everything else is redirected to the
 * captive portal (docs/network.md, "Debtors"): the ISP's own portal and payment pages, and socially
 * significant resources — state services, emergency and health information. The NAS builds its
 * allow-list from `GET /api/portal/allow-list`; an ISP adds its own (its acquirer's 3-D Secure pages,
 * its site) with PORTAL_ALLOW_EXTRA.
 */
export const SOCIAL_ALLOW_LIST: { domain: string; what: string }[] = [
  { domain: 'gosuslugi.ru', what: 'Госуслуги' },
  { domain: 'esia.gosuslugi.ru', what: 'Госуслуги: вход (ЕСИА)' },
  { domain: 'mos.ru', what: 'Портал Москвы' },
  { domain: 'nalog.gov.ru', what: 'ФНС России' },
  { domain: 'sfr.gov.ru', what: 'Социальный фонд России' },
  { domain: 'minzdrav.gov.ru', what: 'Минздрав России' },
  { domain: 'mchs.gov.ru', what: 'МЧС России' },
  { domain: 'мвд.рф', what: 'МВД России' },
  { domain: 'xn--b1aew.xn--p1ai', what: 'МВД России (мвд.рф)' },
  { domain: 'government.ru', what: 'Правительство России' },
  { domain: 'kremlin.ru', what: 'Президент России' },
  { domain: 'cbr.ru', what: 'Банк России' },
  { domain: 'pochta.ru', what: 'Почта России' },
  { domain: 'yookassa.ru', what: 'Оплата картой (ЮKassa)' },
  { domain: 'yoomoney.ru', what: 'Оплата картой (ЮMoney)' },
];
