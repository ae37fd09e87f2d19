import { csvNumber, csvText } from '../../../common/csv.js';
import type { Lang } from '../../../common/errors.js';
import { ledgerKindLabel } from '../../../common/ledger-kinds.js';
import { formatRubles, kopecksToDecimal } from '../../../common/money.js';
import { registerFonts, toBuffer } from '../../integrations/pdf/fonts.js';
import { loadPdfKit } from '../../integrations/pdf/load-pdfkit.js';
import type { Statement } from './get-statement.js';

const HEAD: Record<Lang, string[]> = {
  ru: ['Дата', 'Операция', 'Сумма, руб.', 'Остаток, руб.', 'Комментарий'],
  en: ['Date', 'Operation', 'Amount, RUB', 'Balance, RUB', 'Comment'],
};

/** CSV for spreadsheets in Russian locales: UTF-8 with BOM, ';' separated, exact decimal amounts. */
export function statementCsv(st: Statement, lang: Lang): string {
  const rows = [HEAD[lang].map(csvText)];
  for (const e of st.entries) {
    rows.push([
      csvText(e.date),
      csvText(ledgerKindLabel(e.kind, lang)),
      csvNumber(kopecksToDecimal(e.amount)),
      csvNumber(kopecksToDecimal(e.balanceAfter)),
      csvText(e.description ?? ''),
    ]);
  }
  if (st.history.length) {
    rows.push([], [csvText(HISTORY_TITLE[lang])], HISTORY_HEAD[lang].map(csvText));
    for (const h of st.history)
      rows.push([csvText(h.date), csvNumber(kopecksToDecimal(h.amount)), csvText(historyText(h, lang))]);
  }
  return `\uFEFF${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
}

const HISTORY_TITLE: Record<Lang, string> = {
  ru: 'Платежи в прежней биллинговой системе (уже учтены во входящем остатке)',
  en: 'Payments in the previous billing (already in the opening balance of the move)',
};
const HISTORY_HEAD: Record<Lang, string[]> = {
  ru: ['Дата', 'Сумма, руб.', 'Способ, комментарий'],
  en: ['Date', 'Amount, RUB', 'Method, comment'],
};

function historyText(h: Statement['history'][number], lang: Lang): string {
  const kind = h.kind === 'correction' ? (lang === 'ru' ? 'корректировка' : 'correction') : null;
  return [kind, h.method, h.comment].filter(Boolean).join(', ');
}

/** A printable statement: header, opening/closing balance, totals by kind, the table of entries. */
export async function statementPdf(
  st: Statement,
  who: { account: string; fullName: string },
  lang: Lang,
): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  const doc = new PDFDocument({ size: 'A4', margin: 40 });
  registerFonts(doc);
  const t = (ru: string, en: string) => (lang === 'ru' ? ru : en);
  doc.font('bold').fontSize(15).text(t('Выписка по лицевому счёту', 'Personal account statement'));
  doc
    .font('regular')
    .fontSize(10)
    .text(`${t('Лицевой счёт', 'Account')} ${who.account}, ${who.fullName}`);
  doc.text(`${t('Период', 'Period')}: ${st.from} — ${st.to}`);
  doc.text(
    `${t('Остаток на начало', 'Opening balance')}: ${formatRubles(st.openingBalance, lang)}; ${t('на конец', 'closing')}: ${formatRubles(st.closingBalance, lang)}`,
  );
  for (const x of st.totals) doc.text(`${ledgerKindLabel(x.kind, lang)}: ${formatRubles(x.amount, lang)}`);
  doc.moveDown();
  const cols = [40, 110, 300, 400, 490];
  const row = (cells: string[], bold = false) => {
    if (doc.y > 780) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    cells.slice(0, 4).forEach((c, i) =>
      doc.text(c, cols[i], y, {
        width: (cols[i + 1] ?? 555) - cols[i]! - 6,
        align: i >= 2 ? 'right' : 'left',
        lineBreak: false,
      }),
    );
    doc.text(cells[4] ?? '', cols[4], y, { width: 80, lineBreak: false, ellipsis: true });
    doc.x = 40;
    doc.y = y + 14;
  };
  row(HEAD[lang], true);
  for (const e of st.entries)
    row([
      e.date,
      ledgerKindLabel(e.kind, lang),
      formatRubles(e.amount, lang),
      formatRubles(e.balanceAfter, lang),
      e.description ?? '',
    ]);
  if (st.history.length) {
    doc.moveDown();
    if (doc.y > 740) doc.addPage();
    doc.font('bold').fontSize(10).text(HISTORY_TITLE[lang], 40);
    doc.moveDown(0.5);
    for (const h of st.history) row([h.date, historyText(h, lang), formatRubles(h.amount, lang), '', '']);
  }
  return toBuffer(doc);
}
