const TIME = /^\s*(\d{1,2})[:.](\d{2})\s*$/;

/** A typed time of day (DateTimeField): typed "9:05", "09:05" or "9.05" → "09:05", or null while it is not a time of day. */
export function parseTime(text: string): string | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h < 24 && min < 60 ? `${String(h).padStart(2, '0')}:${m[2]}` : null;
}
