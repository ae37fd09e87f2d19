import { normaliseLogin, normaliseMac } from '../../../common/network.js';
import type { NetworkDirectory } from './directory.js';
import type { AccessEntry } from './load-access.js';

/**
 * A request's attributes as rlm_rest sends them with `body = 'json'`:
 * `{"User-Name": {"type": "string", "value": ["bob"]}, …}` (FreeRADIUS mods-available/rest).
 */
export type RestAttributes = Record<string, { type?: string; value: unknown[] }>;

/** The first value of an attribute as text ('' or absent → undefined). */
export function attr(a: RestAttributes, name: string): string | undefined {
  const v = a[name]?.value?.[0];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  return s === '' ? undefined : s;
}

export function numAttr(a: RestAttributes, name: string): number {
  const s = attr(a, name);
  if (s === undefined) return 0;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
}

/** octets arrive as `0x…`; the hex of their bytes (lower case, no prefix). */
export function hexAttr(a: RestAttributes, name: string): string | undefined {
  const s = attr(a, name);
  if (s === undefined) return undefined;
  if (/^0x([0-9a-fA-F]{2})+$/.test(s)) return s.slice(2).toLowerCase();
  return Buffer.from(s, 'utf8').toString('hex');
}

export function hasPassword(a: RestAttributes): boolean {
  return 'User-Password' in a || 'CHAP-Password' in a || 'MS-CHAP-Challenge' in a;
}

export type Identified =
  | { by: 'login'; key: string; entry: AccessEntry | undefined }
  | { by: 'mac'; key: string; entry: AccessEntry | undefined }
  | { by: 'option82'; key: string; entry: AccessEntry | undefined }
  | { by: 'none'; key: string; entry: undefined };

/**
 * Who is asking (docs/network.md, "Who is who"): DHCP Option 82 when the NAS relays it (IPoE by port);
 * else the PPPoE login when the user name is one; else a MAC — the user name when it is a MAC, or the
 * Calling-Station-Id of a request without a password (a PPPoE request never matches by MAC alone).
 */
export function identify(a: RestAttributes, dir: NetworkDirectory, passworded = hasPassword(a)): Identified {
  const circuit = hexAttr(a, 'ADSL-Agent-Circuit-Id');
  if (circuit) {
    const remote = hexAttr(a, 'ADSL-Agent-Remote-Id') ?? '';
    return { by: 'option82', key: `${remote}|${circuit}`, entry: dir.byOption82(remote, circuit) };
  }
  const userName = attr(a, 'User-Name') ?? '';
  const login = normaliseLogin(userName);
  if (login) {
    const entry = dir.byLoginName(login);
    if (entry) return { by: 'login', key: login, entry };
  }
  const mac = normaliseMac(userName) ?? (passworded ? null : normaliseMac(attr(a, 'Calling-Station-Id') ?? ''));
  if (mac) return { by: 'mac', key: mac, entry: dir.byMacAddress(mac) };
  return login ? { by: 'login', key: login, entry: undefined } : { by: 'none', key: userName, entry: undefined };
}

/** `Class` we put in every Access-Accept (echoed by the NAS in accounting): `abonent:<account id>`. */
export function classFor(accountId: number): string {
  return `0x${Buffer.from(`abonent:${accountId}`, 'utf8').toString('hex')}`;
}

export function accountFromClass(a: RestAttributes): number | null {
  const hex = hexAttr(a, 'Class');
  if (!hex) return null;
  const m = /^abonent:(\d{1,15})$/.exec(Buffer.from(hex, 'hex').toString('utf8'));
  return m ? Number(m[1]) : null;
}
