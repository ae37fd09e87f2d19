import { csvNumber, csvText } from '../../../common/csv.js';
import type { Lang } from '../../../common/errors.js';
import { kopecksToDecimal, kopecksToRublesNumber } from '../../../common/money.js';
import type { Cell, ReportTable } from './report-tables.js';

/** CSV for spreadsheets in Russian locales: UTF-8 with BOM, ';' separated, amounts as exact decimals. */
export function tableCsv(t: ReportTable, lang: Lang): string {
  const cell = (v: Cell): string => {
    if (typeof v === 'string') return csvText(v);
    if ('kopecks' in v) return csvNumber(kopecksToDecimal(v.kopecks));
    if ('percent' in v) return csvNumber(kopecksToDecimal(v.percent));
    return csvNumber(String(v.int));
  };
  const lines = [t.columns.map((c) => csvText(c[lang])), ...t.rows.map((r) => r.map(cell))];
  if (t.totals) lines.push(t.totals.map(cell));
  return `\uFEFF${lines.map((l) => l.join(';')).join('\r\n')}\r\n`;
}

/**
 * XLSX through write-excel-file (MIT, one dependency: fflate; Node ≥ 18), loaded on the first export
 * only so the server starts without it. Money cells are numbers of rubles with two decimals shown
 * (kopecks / 100 is exact as a double for any amount we hold); the header and totals rows are bold.
 */
export async function tableXlsx(t: ReportTable, lang: Lang): Promise<Buffer> {
  const { default: writeXlsxFile } = await import('write-excel-file/node');
  const cell = (v: Cell, bold = false) => {
    const fontWeight = bold ? ('bold' as const) : undefined;
    if (typeof v === 'string') return { value: v, type: String, fontWeight };
    if ('kopecks' in v)
      return { value: kopecksToRublesNumber(v.kopecks), type: Number, format: '#,##0.00', fontWeight };
    // Basis points to percent: the same exact hundredths as kopecks to rubles.
    if ('percent' in v) return { value: kopecksToRublesNumber(v.percent), type: Number, format: '0.00', fontWeight };
    return { value: v.int, type: Number, format: '0', fontWeight };
  };
  const data = [
    [{ value: t.title[lang], type: String, fontWeight: 'bold' as const }],
    t.columns.map((c) => ({ value: c[lang], type: String, fontWeight: 'bold' as const, wrap: true })),
    ...t.rows.map((r) => r.map((v) => cell(v))),
    ...(t.totals ? [t.totals.map((v) => cell(v, true))] : []),
  ];
  return writeXlsxFile(data, {
    sheet: t.name.slice(0, 31),
    columns: t.columns.map((c) => ({ width: Math.max(10, Math.min(40, c[lang].length + 4)) })),
    stickyRowsCount: 2,
  }).toBuffer();
}
