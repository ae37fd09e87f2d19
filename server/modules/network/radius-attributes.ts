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
 * Who is asking (docs/network.md, "Who is who"). A request with a password (User-Password, CHAP,
 * MS-CHAP) is PPPoE and is found by its login only — never by a MAC or an Option 82 it also carries,
 * so a neighbour's MAC typed as the login, or a forged Option 82, finds nobody. A request without one is
 * IPoE: by Option 82 when the access switch relays a known one, else by MAC (the user name when it is a
 * MAC, else Calling-Station-Id). The directory holds PPPoE entries under their logins and IPoE entries
 * under their MACs and Option 82 only, so each path finds only its own kind.
 */
export function identify(a: RestAttributes, dir: NetworkDirectory, passworded = hasPassword(a)): Identified {
  const userName = attr(a, 'User-Name') ?? '';
  if (passworded) {
    const login = normaliseLogin(userName);
    return login
      ? { by: 'login', key: login, entry: dir.byLoginName(login) }
      : { by: 'none', key: userName, entry: undefined };
  }
  const circuit = hexAttr(a, 'ADSL-Agent-Circuit-Id');
  const remote = circuit ? (hexAttr(a, 'ADSL-Agent-Remote-Id') ?? '') : '';
  if (circuit) {
    const entry = dir.byOption82(remote, circuit);
    if (entry) return { by: 'option82', key: `${remote}|${circuit}`, entry };
  }
  const mac = normaliseMac(userName) ?? normaliseMac(attr(a, 'Calling-Station-Id') ?? '');
  if (mac) return { by: 'mac', key: mac, entry: dir.byMacAddress(mac) };
  if (circuit) return { by: 'option82', key: `${remote}|${circuit}`, entry: undefined };
  return { by: 'none', key: userName, entry: undefined };
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
