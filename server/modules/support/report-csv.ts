import type { Lang } from '../../../common/errors.js';
import type { supportReport } from './support-report.js';

/**
 * A cell safe for spreadsheets: text that starts with = + - @ tab or CR would be run as a formula
 * (CSV injection, OWASP), so it gets a leading apostrophe; quotes are doubled inside quotes.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

const HEAD = {
  ru: [
    'Дата',
    'Регион',
    'Тема',
    'Обращений',
    'С ответом',
    'Медиана первого ответа, мин',
    'Просрочен первый ответ',
    'Просрочено решение',
  ],
  en: [
    'Date',
    'Region',
    'Topic',
    'Tickets',
    'Answered',
    'Median first response, min',
    'First response late',
    'Resolution late',
  ],
};

/** The report's rows as CSV for spreadsheets in Russian locales: UTF-8 with BOM, ';' separated. */
export function reportCsv(report: Awaited<ReturnType<typeof supportReport>>, lang: Lang): string {
  const rows: (string | number | null)[][] = [HEAD[lang]];
  for (const r of report.rows) {
    rows.push([
      r.day,
      lang === 'en' ? r.regionEn : r.regionRu,
      lang === 'en' ? r.categoryEn : r.categoryRu,
      r.created,
      r.answered,
      r.medianFirstResponseMinutes === null
        ? null
        : String(r.medianFirstResponseMinutes).replace('.', lang === 'ru' ? ',' : '.'),
      r.firstResponseBreaches,
      r.resolutionBreaches,
    ]);
  }
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
