import { sql } from 'drizzle-orm';

import { addDays, addMonths } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import type { Config } from '../../config.js';
import { type Db, queryRows } from '../../db/client.js';
import { chargesReport } from './charges-report.js';
import { type EdDocument, enterpriseDataMessage, type Organisation } from './onec/enterprise-data.js';
import { paymentChannel, paymentJoins } from './payment-channel.js';
import { checkPeriod, type Period } from './report-period.js';
import { regionCondition, type ReportScope } from './report-scope.js';
import { channelLabel } from './report-tables.js';

/** Card acquirers: their payments are card operations in 1C; agents and transfers come by bank. */
const ACQUIRERS = new Set(['yookassa', 'test_acquirer', 'tbank', 'sbp']);
/** An export covers at most a quarter: the accountant closes months, 1C loads them one by one. */
export const MAX_ONEC_DAYS = 92;

/** The organisation from the configuration, or the list of what is missing. */
export function organisationOf(c: Config): Organisation {
  const missing: string[] = [];
  if (!c.ACCOUNTING_ORG_NAME) missing.push('ACCOUNTING_ORG_NAME');
  if (!c.ACCOUNTING_ORG_INN) missing.push('ACCOUNTING_ORG_INN');
  if (!c.ACCOUNTING_VAT) missing.push('ACCOUNTING_VAT');
  if (missing.length) throw new AppError('accounting_not_configured', { missing: missing.join(', ') });
  return {
    name: c.ACCOUNTING_ORG_NAME!,
    inn: c.ACCOUNTING_ORG_INN!,
    kpp: c.ACCOUNTING_ORG_KPP,
    bank: c.ACCOUNTING_BANK_ACCOUNT
      ? { account: c.ACCOUNTING_BANK_ACCOUNT, bik: c.ACCOUNTING_BANK_BIK, name: c.ACCOUNTING_BANK_NAME }
      : undefined,
    vat: c.ACCOUNTING_VAT === 'none' ? null : Number(c.ACCOUNTING_VAT),
  };
}

export interface OneCExport {
  xml: string;
  /** What the file holds, to show and to compare with the screen. */
  sales: { month: string; regionId: number; number: string; amount: number }[];
  payments: {
    day: string;
    regionId: number;
    channel: string;
    kind: 'cash' | 'card' | 'bank';
    number: string;
    amount: number;
  }[];
}

/**
 * The 1C:Бухгалтерия export of a period (docs/reports.md, "1C export"): for each month part and region
 * one sale of services (Реализация услуг) with a line per plan and add-on — the charges report's
 * numbers — and for each day, region and channel one payment document with the ledger's payments.
 * Regions are departments (Подразделение) of one organisation; subscribers are one counterparty.
 */
export async function exportOneC(
  db: Db,
  config: Config,
  q: Period & { scope: ReportScope; now?: Date },
): Promise<OneCExport> {
  checkPeriod(q, MAX_ONEC_DAYS);
  const org = organisationOf(config);
  const regions = new Map(
    (
      await queryRows<{ id: number; name_ru: string; contract_prefix: string }>(
        db,
        sql`select id, name_ru, contract_prefix from regions`,
      )
    ).map((r) => [r.id, r]),
  );
  const agents = new Map(
    (await queryRows<{ code: string; name: string }>(db, sql`select code, name from agents`)).map((a) => [
      a.code,
      a.name,
    ]),
  );
  const charges = await chargesReport(db, q);
  const docs: EdDocument[] = [];
  const sales: OneCExport['sales'] = [];
  const byMonthRegion = new Map<string, typeof charges.lines>();
  for (const l of charges.lines) {
    const k = `${l.month}|${l.regionId}`;
    byMonthRegion.set(k, [...(byMonthRegion.get(k) ?? []), l]);
  }
  for (const [k, lines] of byMonthRegion) {
    const [month, rid] = k.split('|') as [string, string];
    const region = regions.get(Number(rid))!;
    const first = month < q.from ? q.from : month;
    const last = addDays(addMonths(month, 1), -1) > q.to ? q.to : addDays(addMonths(month, 1), -1);
    const number = `AB${region.contract_prefix}${month.slice(2, 4)}${month.slice(5, 7)}${last.slice(8, 10)}`;
    const amount = lines.reduce((s, l) => s + l.amount, 0);
    sales.push({ month, regionId: region.id, number, amount });
    docs.push({
      kind: 'sale',
      date: `${last}T23:59:59`,
      number,
      department: region.name_ru,
      lines: lines.map((l) => ({
        item: l.itemRu,
        code: `${l.itemKind}-${l.itemId}`,
        amount: l.amount,
        content: `Услуги связи «${l.itemRu}» за период с ${first} по ${last}`,
      })),
    });
  }
  const paid = await queryRows<{ day: string; region_id: number; channel: string; amount: number }>(
    db,
    sql`select l.effective_on::text as day, a.region_id, ${paymentChannel} as channel, sum(l.amount)::int8 as amount
        from ledger_entries l ${paymentJoins} join accounts a on a.id = l.account_id
        where l.kind = 'payment' and l.effective_on >= ${q.from}::date and l.effective_on <= ${q.to}::date
          and ${regionCondition(q.scope, sql`a.region_id`)}
        group by 1, 2, 3 order by 1, 2, 3`,
  );
  const payments: OneCExport['payments'] = [];
  const seq = new Map<string, number>();
  for (const p of paid) {
    const region = regions.get(p.region_id)!;
    const kind = p.channel === 'office_cash' ? 'cash' : ACQUIRERS.has(p.channel) ? 'card' : 'bank';
    if (kind === 'bank' && !org.bank)
      throw new AppError('accounting_not_configured', { missing: 'ACCOUNTING_BANK_ACCOUNT' });
    const k = `${kind}|${p.day}|${p.region_id}`;
    const n = (seq.get(k) ?? 0) + 1;
    seq.set(k, n);
    const number = `AB${region.contract_prefix}${p.day.slice(5, 7)}${p.day.slice(8, 10)}-${n}`;
    const label = channelLabel(p.channel, 'ru', agents);
    payments.push({ day: p.day, regionId: p.region_id, channel: p.channel, kind, number, amount: p.amount });
    docs.push({
      kind,
      date: `${p.day}T12:00:00`,
      number,
      department: region.name_ru,
      amount: p.amount,
      channel: label,
      purpose: `Оплата услуг связи абонентами за ${p.day}: ${label}`,
    });
  }
  return { xml: enterpriseDataMessage(org, docs, q.now ?? new Date()), sales, payments };
}
