/**
 * CSV as spreadsheets write it (RFC 4180): fields separated by `;`, `,` or a tab (whichever the header
 * line uses most), quoted with `"` when they hold the separator, a quote (doubled) or a line break;
 * lines end with CRLF or LF. Each record carries the line it starts on, for the report.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function detectDelimiter(text: string): string {
  const end = text.search(/\r?\n/);
  const header = end < 0 ? text : text.slice(0, end);
  let best = ',';
  let bestCount = 0;
  for (const d of [';', ',', '\t']) {
    const n = header.split(d).length - 1;
    if (n > bestCount) [best, bestCount] = [d, n];
  }
  return best;
}

/** All records of the text (blank lines skipped). A quote left open is an error with its line. */
export function parseCsv(text: string, delimiter = detectDelimiter(text)): CsvRecord[] {
  return [...csvRecords(text, delimiter)];
}

/** The records one at a time (a year of payments need not be in memory at once). */
export function* csvRecords(text: string, delimiter = detectDelimiter(text)): Generator<CsvRecord> {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        const quotedFrom = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvError(`a quote opened on line ${quotedFrom} is never closed`, quotedFrom);
          const chunk = text.slice(i, q);
          field += chunk;
          line += countNewlines(chunk);
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the separator is kept as written.
        while (i < n && text.charCodeAt(i) !== d && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        field += text.slice(i, j);
        i = j;
      }
      fields.push(field);
      field = '';
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) yield { line: start, fields };
  }
}

function countNewlines(s: string): number {
  let c = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) c++;
  return c;
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
