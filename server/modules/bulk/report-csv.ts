import { csvNumber, csvText } from '../../../common/csv.js';
import type { Lang } from '../../../common/errors.js';
import { kopecksToDecimal } from '../../../common/money.js';
import type { Db } from '../../db/client.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { allBulkItems, showBulk } from './view-bulk.js';

const HEAD = {
  ru: ['Лицевой счёт', 'Абонент', 'Регион', 'Результат', 'Причина', 'Сумма, ₽', 'Когда'],
  en: ['Account', 'Subscriber', 'Region', 'Result', 'Reason', 'Amount, ₽', 'When'],
};
const STATES = {
  ru: { pending: 'не выполнено', done: 'выполнено', skipped: 'пропущено', failed: 'ошибка' },
  en: { pending: 'not done', done: 'done', skipped: 'skipped', failed: 'failed' },
};

/**
 * The report of an operation as CSV (UTF-8 with BOM, ';'-separated, as the other exports): a line per
 * account with its result and reason and the money planned for it, then the totals. Text cells go
 * through csvText (no formulas from names or reasons).
 */
export async function bulkReportCsv(db: Db, opts: { id: number; scope: RegionScope; lang: Lang }): Promise<string> {
  const op = await showBulk(db, opts);
  const lines = [HEAD[opts.lang].map(csvText).join(';')];
  for await (const page of allBulkItems(db, opts.id, opts.lang))
    for (const r of page)
      lines.push(
        [
          csvText(r.number),
          csvText(r.fullName),
          csvText(r.region),
          csvText(STATES[opts.lang][r.state]),
          csvText(r.reasonText ?? ''),
          csvNumber(kopecksToDecimal(r.amount)),
          csvText(r.doneAt ?? ''),
        ].join(';'),
      );
  const total = opts.lang === 'en' ? 'Total' : 'Итого';
  lines.push(
    [
      csvText(total),
      csvText(`${op.succeeded} / ${op.total}`),
      '',
      csvText(`${op.skipped} / ${op.failed}`),
      '',
      csvNumber(kopecksToDecimal(op.amountMoved)),
      '',
    ].join(';'),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
