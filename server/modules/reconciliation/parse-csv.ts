/**
 * RFC 4180 CSV with a chosen separator (providers use ';'): quoted fields may hold the separator,
 * quotes ("" inside) and line breaks; LF or CRLF; a UTF-8 BOM is dropped. Returns the records with the
 * line number each starts on; blank lines are skipped. Throws on a quote that never closes.
 */
export function parseCsv(text: string, sep = ';'): { line: number; fields: string[] }[] {
  const s = text.replace(/^\uFEFF/, '');
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let start = 1;
  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
    fields = [];
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      inQuotes = true;
      quoted = true;
      field = '';
    } else if (ch === sep) endField();
    else if (ch === '\r' && s[i + 1] === '\n') continue;
    else if (ch === '\n') {
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (inQuotes) throw new SyntaxError(`a quoted field opened on line ${start} never closes`);
  if (field !== '' || fields.length) endRecord();
  return out;
}
