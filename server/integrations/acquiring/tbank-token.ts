import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * T-Bank Internet Acquiring's request and notification signature ("Токен",
 * https://developer.tbank.ru/eacq/intro/developer/token): the root object's scalar fields (nested
 * objects and arrays such as DATA and Receipt take no part) and Password, sorted by key, values
 * concatenated, SHA-256 as lowercase hex. Notifications are signed the same way with the same password.
 */
export function tbankToken(fields: Record<string, unknown>, password: string): string {
  const pairs: [string, string][] = [['Password', password]];
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue; // nested: not signed
    if (k === 'Token') continue;
    pairs.push([k, String(v)]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(pairs.map(([, v]) => v).join(''), 'utf8')
    .digest('hex');
}

/** True when `fields.Token` is the signature of the other fields (compared in constant time). */
export function verifyTbankToken(fields: Record<string, unknown>, password: string): boolean {
  const given = typeof fields.Token === 'string' ? fields.Token.toLowerCase() : '';
  const expected = tbankToken(fields, password);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
