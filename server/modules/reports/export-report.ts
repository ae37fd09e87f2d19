import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError, type Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { agentsReport } from './agents-report.js';
import { chargesReport } from './charges-report.js';
import { debtorsReport } from './debtors-report.js';
import { tableCsv, tableXlsx } from './export-table.js';
import { paymentsByChannel } from './payments-report.js';
import { promisedReport } from './promised-report.js';
import type { ReportScope } from './report-scope.js';
import {
  agentsTable,
  chargesTable,
  debtorsTable,
  paymentsTable,
  promisedTable,
  type ReportTable,
  turnoverTable,
} from './report-tables.js';
import { turnoverSheet } from './turnover-sheet.js';

export type ReportName = 'turnover' | 'charges' | 'payments' | 'agents' | 'debtors' | 'promised';

export interface ExportInput {
  report: ReportName;
  format: 'csv' | 'xlsx';
  from?: string;
  to?: string;
  asOf?: string;
  search?: string;
  scope: ReportScope;
  lang: Lang;
  now?: Date;
}

/** A report as the file the screen's "export" gives: every line (no page), the totals row last. */
export async function exportReport(
  db: Db,
  q: ExportInput,
): Promise<{ fileName: string; contentType: string; body: Buffer | string }> {
  const table = await reportTable(db, q);
  if (q.format === 'csv')
    return { fileName: `${table.name}.csv`, contentType: 'text/csv; charset=utf-8', body: tableCsv(table, q.lang) };
  return {
    fileName: `${table.name}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: await tableXlsx(table, q.lang),
  };
}

async function reportTable(db: Db, q: ExportInput): Promise<ReportTable> {
  const period = () => {
    if (!q.from || !q.to) throw new AppError('validation_failed', { details: 'from, to' });
    return { from: q.from, to: q.to, scope: q.scope };
  };
  const regions = new Map(
    (
      await queryRows<{ id: number; name: string }>(
        db,
        sql`select id, ${q.lang === 'ru' ? sql`name_ru` : sql`name_en`} as name from regions`,
      )
    ).map((r) => [r.id, r.name]),
  );
  switch (q.report) {
    case 'turnover':
      return turnoverTable(await turnoverSheet(db, { ...period(), search: q.search, pageSize: null }), regions, q.lang);
    case 'charges':
      return chargesTable(await chargesReport(db, period()), q.lang);
    case 'payments': {
      const agents = new Map(
        (await queryRows<{ code: string; name: string }>(db, sql`select code, name from agents`)).map((a) => [
          a.code,
          a.name,
        ]),
      );
      return paymentsTable(await paymentsByChannel(db, period()), agents, q.lang);
    }
    case 'agents':
      return agentsTable(await agentsReport(db, period()), q.lang);
    case 'debtors':
      return debtorsTable(
        await debtorsReport(db, { asOf: q.asOf ?? todayIn('Europe/Moscow', q.now), scope: q.scope, pageSize: null }),
        regions,
        q.lang,
      );
    case 'promised':
      return promisedTable(await promisedReport(db, { scope: q.scope }), regions, q.lang);
  }
}
