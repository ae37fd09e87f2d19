import type { Lang } from '../../../common/errors.js';
import type { agentsReport } from './agents-report.js';
import type { chargesReport } from './charges-report.js';
import type { debtorsReport } from './debtors-report.js';
import type { paymentsByChannel } from './payments-report.js';
import type { promisedReport } from './promised-report.js';
import type { turnoverSheet } from './turnover-sheet.js';

/**
 * A report as a table for the exports (CSV, XLSX): the same numbers the screen shows, in the same
 * order, with a totals row. Money is kept in kopecks here; each format writes it as rubles exactly.
 */
export type Cell = string | { kopecks: number } | { int: number } | { percent: number };
export interface Column {
  ru: string;
  en: string;
}
export interface ReportTable {
  /** Sheet and file name, latin. */
  name: string;
  title: { ru: string; en: string };
  columns: Column[];
  rows: Cell[][];
  totals?: Cell[];
}

const money = (kopecks: number): Cell => ({ kopecks });
const int = (n: number): Cell => ({ int: n });
const c = (ru: string, en: string): Column => ({ ru, en });
const TOTAL = { ru: 'Итого', en: 'Total' };

export function turnoverTable(
  r: Awaited<ReturnType<typeof turnoverSheet>>,
  regions: Map<number, string>,
  lang: Lang,
): ReportTable {
  const t = r.totals;
  return {
    name: `turnover-${r.from}-${r.to}`,
    title: { ru: `Оборотно-сальдовая ведомость ${r.from} — ${r.to}`, en: `Turnover sheet ${r.from} — ${r.to}` },
    columns: [
      c('Лицевой счёт', 'Account'),
      c('Договор', 'Contract'),
      c('Абонент', 'Subscriber'),
      c('Регион', 'Region'),
      c('Сальдо на начало, руб.', 'Opening, RUB'),
      c('Начислено, руб.', 'Charged, RUB'),
      c('Оплачено, руб.', 'Paid, RUB'),
      c('Бонусы, руб.', 'Bonuses, RUB'),
      c('Возвраты, руб.', 'Refunds, RUB'),
      c('Корректировки, руб.', 'Corrections, RUB'),
      c('Обещанные платежи, руб.', 'Promised payments, RUB'),
      c('Сальдо на конец, руб.', 'Closing, RUB'),
    ],
    rows: r.lines.map((l) => [
      l.account,
      l.contract,
      l.subscriber,
      regions.get(l.regionId) ?? String(l.regionId),
      money(l.opening),
      money(l.charged),
      money(l.paid),
      money(l.bonus),
      money(l.refunded),
      money(l.adjusted),
      money(l.promised),
      money(l.closing),
    ]),
    totals: [
      TOTAL[lang],
      '',
      lang === 'ru' ? `счетов: ${t.accounts}` : `accounts: ${t.accounts}`,
      '',
      money(t.opening),
      money(t.charged),
      money(t.paid),
      money(t.bonus),
      money(t.refunded),
      money(t.adjusted),
      money(t.promised),
      money(t.closing),
    ],
  };
}

export function chargesTable(r: Awaited<ReturnType<typeof chargesReport>>, lang: Lang): ReportTable {
  const kind = (k: string) =>
    ({ tariff: { ru: 'Тариф', en: 'Plan' }, service: { ru: 'Доп. услуга', en: 'Add-on' } })[k as 'tariff']?.[lang] ??
    (lang === 'ru' ? 'Прочее' : 'Other');
  return {
    name: `charges-${r.from}-${r.to}`,
    title: { ru: `Начисления ${r.from} — ${r.to}`, en: `Charges ${r.from} — ${r.to}` },
    columns: [
      c('Месяц', 'Month'),
      c('Регион', 'Region'),
      c('Вид', 'Kind'),
      c('Услуга', 'Service'),
      c('Начислено, руб.', 'Charged, RUB'),
      c('Списаний', 'Charges'),
      c('Счетов', 'Accounts'),
    ],
    rows: r.lines.map((l) => [
      l.month.slice(0, 7),
      l.region,
      kind(l.itemKind),
      lang === 'ru' ? l.itemRu : l.itemEn,
      money(l.amount),
      int(l.entries),
      int(l.accounts),
    ]),
    totals: [TOTAL[lang], '', '', '', money(r.total), '', ''],
  };
}

export function channelLabel(channel: string, lang: Lang, agentNames: Map<string, string> = new Map()): string {
  if (channel.startsWith('agent:')) {
    const code = channel.slice(6);
    return `${lang === 'ru' ? 'Агент' : 'Agent'} ${agentNames.get(code) ?? code}`;
  }
  const known: Record<string, [string, string]> = {
    office_cash: ['Касса офиса', 'Office cash desk'],
    bank_transfer: ['Банковский перевод', 'Bank transfer'],
    yookassa: ['ЮKassa', 'YooKassa'],
    test_acquirer: ['Тестовый эквайер', 'Test acquirer'],
    cli: ['Вручную (CLI)', 'By hand (CLI)'],
    other: ['Прочее', 'Other'],
  };
  const k = known[channel];
  return k ? k[lang === 'ru' ? 0 : 1] : channel;
}

export function paymentsTable(
  r: Awaited<ReturnType<typeof paymentsByChannel>>,
  agentNames: Map<string, string>,
  lang: Lang,
): ReportTable {
  return {
    name: `payments-${r.from}-${r.to}`,
    title: { ru: `Платежи по каналам ${r.from} — ${r.to}`, en: `Payments by channel ${r.from} — ${r.to}` },
    columns: [c('Канал', 'Channel'), c('Регион', 'Region'), c('Платежей', 'Payments'), c('Сумма, руб.', 'Amount, RUB')],
    rows: r.lines.map((l) => [channelLabel(l.channel, lang, agentNames), l.region, int(l.count), money(l.amount)]),
    totals: [TOTAL[lang], '', int(r.total.count), money(r.total.amount)],
  };
}

export function agentsTable(r: Awaited<ReturnType<typeof agentsReport>>, lang: Lang): ReportTable {
  return {
    name: `agents-${r.from}-${r.to}`,
    title: { ru: `Платёжные агенты ${r.from} — ${r.to}`, en: `Payment agents ${r.from} — ${r.to}` },
    columns: [
      c('Код', 'Code'),
      c('Агент', 'Agent'),
      c('Платежей', 'Payments'),
      c('Принято, руб.', 'Taken, RUB'),
      c('Вознаграждение, %', 'Commission, %'),
      c('Вознаграждение, руб.', 'Commission, RUB'),
      c('К перечислению, руб.', 'Due to us, RUB'),
    ],
    rows: r.lines.map((l) => [
      l.code,
      l.name,
      int(l.count),
      money(l.amount),
      { percent: l.commissionBp },
      money(l.commission),
      money(l.due),
    ]),
    totals: [
      TOTAL[lang],
      '',
      int(r.total.count),
      money(r.total.amount),
      '',
      money(r.total.commission),
      money(r.total.due),
    ],
  };
}

export const BUCKET_LABELS: Record<string, { ru: string; en: string }> = {
  d0_30: { ru: 'до 30 дней', en: 'up to 30 days' },
  d31_60: { ru: '31–60 дней', en: '31–60 days' },
  d61_90: { ru: '61–90 дней', en: '61–90 days' },
  d91_180: { ru: '91–180 дней', en: '91–180 days' },
  d181_365: { ru: '181–365 дней', en: '181–365 days' },
  over365: { ru: 'более года', en: 'over a year' },
};

export function debtorsTable(
  r: Awaited<ReturnType<typeof debtorsReport>>,
  regions: Map<number, string>,
  lang: Lang,
): ReportTable {
  return {
    name: `debtors-${r.asOf}`,
    title: { ru: `Должники на ${r.asOf}`, en: `Debtors as of ${r.asOf}` },
    columns: [
      c('Лицевой счёт', 'Account'),
      c('Договор', 'Contract'),
      c('Абонент', 'Subscriber'),
      c('Регион', 'Region'),
      c('Статус', 'Status'),
      c('Долг, руб.', 'Debt, RUB'),
      c('Долг с', 'In debt since'),
      c('Дней', 'Days'),
      c('Срок', 'Age'),
    ],
    rows: r.lines.map((l) => [
      l.account,
      l.contract,
      l.subscriber,
      regions.get(l.regionId) ?? String(l.regionId),
      l.status,
      money(l.debt),
      l.since,
      int(l.days),
      BUCKET_LABELS[l.bucket]![lang],
    ]),
    totals: [
      TOTAL[lang],
      '',
      lang === 'ru' ? `счетов: ${r.total.accounts}` : `accounts: ${r.total.accounts}`,
      '',
      '',
      money(r.total.debt),
      '',
      '',
      '',
    ],
  };
}

export function promisedTable(
  r: Awaited<ReturnType<typeof promisedReport>>,
  regions: Map<number, string>,
  lang: Lang,
): ReportTable {
  return {
    name: 'promised',
    title: { ru: 'Непогашенные обещанные платежи', en: 'Promised payments outstanding' },
    columns: [
      c('Лицевой счёт', 'Account'),
      c('Абонент', 'Subscriber'),
      c('Регион', 'Region'),
      c('Выдано, руб.', 'Granted, RUB'),
      c('Не погашено, руб.', 'Outstanding, RUB'),
      c('Выдан', 'Taken on'),
      c('Срок', 'Due'),
      c('Просрочен', 'Overdue'),
    ],
    rows: r.lines.map((l) => [
      l.account,
      l.subscriber,
      regions.get(l.regionId) ?? String(l.regionId),
      money(l.amount),
      money(l.outstanding),
      l.takenOn,
      l.dueOn,
      l.overdue ? (lang === 'ru' ? 'да' : 'yes') : lang === 'ru' ? 'нет' : 'no',
    ]),
    totals: [TOTAL[lang], '', '', money(r.total.amount), money(r.total.outstanding), '', '', ''],
  };
}
