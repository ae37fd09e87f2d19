/**
 * CSV cells for spreadsheets. Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * read by Excel and LibreOffice as a formula (`=HYPERLINK(…)` becomes a live link): such text is
 * prefixed with an apostrophe, which spreadsheets show as text (OWASP "CSV injection"). Numbers we
 * format ourselves go through csvNumber and stay numbers, negative ones included.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function quote(v: string): string {
  return /[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A text cell (anything a person typed: comments, names, reasons). */
export function csvText(v: string): string {
  return quote(FORMULA_START.test(v) ? `'${v}` : v);
}

/** A number cell we formatted ourselves ("-150.00"), never neutralised. */
export function csvNumber(v: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw new RangeError(`not a number cell: ${v}`);
  return v;
}
