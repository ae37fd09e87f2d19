/**
 * Text from old billing databases and spreadsheets comes in three shapes (docs/import.md, "Encodings"):
 * - UTF-8: taken as it is;
 * - Windows-1251 bytes (an old install's cp1251 tables, a spreadsheet saved by Excel): decoded as such
 *   whenever the bytes are not valid UTF-8 (Cyrillic cp1251 text practically never is);
 * - "mojibake": cp1251 bytes that went through a latin1 connection into a UTF-8 column, so "Иванов"
 *   reads "Èâàíîâ". Such text is turned back when it maps to cp1251 bytes that decode to whole Cyrillic
 *   words — and left alone otherwise, so "Müller" stays "Müller".
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1251 = new TextDecoder('windows-1251');

/** What MySQL calls latin1 is Windows-1252: its byte for each character, for turning mojibake back. */
const CP1252_BYTE = (() => {
  const d = new TextDecoder('windows-1252');
  const m = new Map<string, number>();
  for (let b = 0; b < 256; b++) m.set(d.decode(Uint8Array.of(b)), b);
  return m;
})();

export interface DecodedText {
  text: string;
  /** How it was read when it was not plain UTF-8. */
  repaired: 'cp1251' | 'mojibake' | null;
}

/** Decodes bytes as UTF-8 (a BOM dropped), or as Windows-1251 when they are not UTF-8. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  const b = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return repairMojibake(utf8.decode(b));
  } catch {
    return { text: cp1251.decode(b), repaired: 'cp1251' };
  }
}

const CYRILLIC = /[\u0400-\u04ff]/;
const LATIN1_LETTERS = /[\u00c0-\u00ff]/g;

/** "Èâàíîâ Èâàí" → "Иванов Иван"; anything that does not turn into whole Cyrillic words is kept. */
export function repairMojibake(s: string): DecodedText {
  if (CYRILLIC.test(s) || (s.match(LATIN1_LETTERS)?.length ?? 0) < 2) return { text: s, repaired: null };
  const bytes: number[] = [];
  for (const ch of s) {
    const b = CP1252_BYTE.get(ch);
    if (b === undefined) return { text: s, repaired: null };
    bytes.push(b);
  }
  const fixed = cp1251.decode(Uint8Array.from(bytes));
  // Every word must be all Cyrillic or all ASCII: "Mьller" (from "Müller") is not a repair.
  const words = fixed.match(/[\p{L}]+/gu) ?? [];
  const whole = words.every((w) => /^[\u0400-\u04ff]+$/.test(w) || /^[A-Za-z]+$/.test(w));
  return whole && CYRILLIC.test(fixed) ? { text: fixed, repaired: 'mojibake' } : { text: s, repaired: null };
}
