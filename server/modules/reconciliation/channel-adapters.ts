import { type SQL, sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { parseDecimalAmount } from '../../../common/money.js';
import type { PaymentMethod } from '../../db/schema/index.js';
import { parseRegistry } from '../agents/parse-registry.js';
import { parseCsv } from './parse-csv.js';

/** One line of a provider's report, in kopecks. */
export interface RegistryLine {
  externalId: string;
  account: string | null;
  amount: number;
  /** The provider's fee on this payment when the report states it. */
  fee: number | null;
  /** The payment's time as the report writes it. */
  at: string | null;
}

/**
 * What differs between providers, and nothing else (docs/reports.md, "Reconciliation"): how their
 * report reads, which of our payments belong to a channel's day, and how a payment the report has but
 * we never credited is keyed so that a late notice of the same payment can never credit it twice.
 * A provider is one adapter: an acquirer added later (T-Bank, SBP) is one more entry here.
 */
export interface ChannelAdapter {
  kind: 'agent' | 'acquirer' | 'cash';
  /** The report format, for messages and the upload form. */
  format: string;
  parse(text: string, day: string): RegistryLine[];
  /** The day a payment of this channel counts on in the provider's reports, over `payments p`. */
  daySql: SQL;
  /** The payments row a credited missing payment gets: provider and method. */
  provider: string;
  method: PaymentMethod;
  /** The provider's side is read from its API (no file to load): fetch-tbank-report.ts. */
  fromApi?: boolean;
}

const fail = (format: string, line: number | string, details: string): never => {
  throw new AppError('bad_provider_report', { format, line, details });
};

/** OSMP agents: the registry the agents module already reads (`txn_id;account;sum;txn_date`). */
function agentAdapter(code: string): ChannelAdapter {
  return {
    kind: 'agent',
    format: 'OSMP registry (txn_id;account;sum;txn_date)',
    provider: `agent:${code}`,
    method: 'terminal',
    parse(text, day) {
      const compact = day.replace(/-/g, '');
      return parseRegistry(text).map((r, i) => {
        if (!r.txnDate.startsWith(compact)) fail(this.format, i + 1, `txn ${r.txnId} is not dated ${day}`);
        return { externalId: r.txnId, account: r.account, amount: r.amount, fee: null, at: r.txnDate };
      });
    },
    // The agent's own date of the payment (txn_date), which its registry is cut by.
    daySql: sql`(p.metadata->>'txnDay')`,
  };
}

/**
 * YooKassa's payment registry (the "реестр платежей" CSV attachment: RFC 4180, ';', UTF-8, a header
 * row naming the columns, amounts with a dot and two decimals, times dd.MM.yyyy HH:mm:ss Moscow time,
 * every payment that succeeded on the day 00:00–23:59:59 Moscow time). Columns are found by their
 * Russian or English names, so the optional columns a shop adds do not matter.
 */
const YOOKASSA_COLUMNS = {
  id: ['идентификатор платежа', 'payment id', 'payment identifier'],
  amount: ['сумма платежа', 'payment amount'],
  income: [
    'сумма за вычетом комиссии',
    'сумма платежа за вычетом комиссии нко',
    'amount with commission deducted',
    'amount with a deduction of the fee',
  ],
  currency: ['валюта платежа', 'payment currency'],
  time: ['время платежа', 'дата и время платежа', 'time of payment', 'date and time of payment'],
  description: ['описание', 'description'],
};

function acquirerAdapter(provider: string): ChannelAdapter {
  const format = 'YooKassa payment registry (CSV)';
  return {
    kind: 'acquirer',
    format,
    provider,
    method: 'card',
    parse(text, day) {
      let records: { line: number; fields: string[] }[] = [];
      try {
        records = parseCsv(text, ';');
      } catch (e) {
        fail(format, '-', (e as Error).message);
      }
      const header = records.shift();
      if (!header) return fail(format, 1, 'empty file');
      const names = header.fields.map((f) => f.trim().toLowerCase());
      const col = (k: keyof typeof YOOKASSA_COLUMNS) => names.findIndex((n) => YOOKASSA_COLUMNS[k].includes(n));
      const at = {
        id: col('id'),
        amount: col('amount'),
        income: col('income'),
        currency: col('currency'),
        time: col('time'),
        description: col('description'),
      };
      if (at.id < 0 || at.amount < 0 || at.time < 0)
        fail(format, header.line, 'the header must name the payment id, amount and time columns');
      const [y, m, d] = day.split('-');
      const seen = new Set<string>();
      return records.map((r) => {
        const f = (i: number) => (i >= 0 ? (r.fields[i] ?? '').trim() : '');
        const id = f(at.id);
        if (!/^[\w-]{1,64}$/.test(id)) fail(format, r.line, 'payment id');
        if (seen.has(id)) fail(format, r.line, `duplicate payment ${id}`);
        seen.add(id);
        const amount = /^\d+\.\d{2}$/.test(f(at.amount)) ? parseDecimalAmount(f(at.amount)) : null;
        if (amount === null || amount <= 0) return fail(format, r.line, 'amount');
        const income = at.income >= 0 && f(at.income) ? parseDecimalAmount(f(at.income)) : null;
        if (at.income >= 0 && f(at.income) && income === null) fail(format, r.line, 'amount with the fee deducted');
        if (at.currency >= 0 && f(at.currency) && f(at.currency) !== 'RUB') fail(format, r.line, 'currency');
        const time = f(at.time);
        const tm = /^(\d{2})\.(\d{2})\.(\d{4}) \d{2}:\d{2}:\d{2}$/.exec(time);
        if (!tm) return fail(format, r.line, 'time (dd.MM.yyyy HH:mm:ss)');
        if (tm[3] !== y || tm[2] !== m || tm[1] !== d) fail(format, r.line, `payment ${id} is not dated ${day}`);
        const account = /\b(\d{9})\b/.exec(f(at.description))?.[1] ?? null;
        return { externalId: id, account, amount, fee: income === null ? null : amount - income, at: time };
      });
    },
    // Acquirers cut their registries by Moscow days of the payment's success.
    daySql: sql`(p.succeeded_at at time zone 'Europe/Moscow')::date::text`,
  };
}

/**
 * The office cash desk's day list — the shift's receipts as the cash register or the cashier exports
 * them: `receipt;account;sum;time` (receipt = the number entered as the payment's key at the desk,
 * sum like 100.00, time YYYY-MM-DD HH:MM[:SS]); an optional header line starting with "receipt".
 */
const CASH_FORMAT = 'office cash day list (receipt;account;sum;time)';
const cashAdapter: ChannelAdapter = {
  kind: 'cash',
  format: CASH_FORMAT,
  provider: 'office_cash',
  method: 'cash',
  parse(text, day) {
    const seen = new Set<string>();
    return parseCsv(text, ';')
      .filter((r, i) => !(i === 0 && /^receipt$/i.test(r.fields[0] ?? '')))
      .map((r) => {
        if (r.fields.length !== 4) fail(CASH_FORMAT, r.line, '4 fields separated by ";" expected');
        const [receipt, account, sum, time] = r.fields as [string, string, string, string];
        if (!/^[\w./-]{1,100}$/.test(receipt)) fail(CASH_FORMAT, r.line, 'receipt');
        if (!/^\d{4,20}$/.test(account)) fail(CASH_FORMAT, r.line, 'account');
        const amount = parseDecimalAmount(sum);
        if (amount === null || amount <= 0) return fail(CASH_FORMAT, r.line, 'sum');
        if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(time)) fail(CASH_FORMAT, r.line, 'time');
        if (!time.startsWith(day)) fail(CASH_FORMAT, r.line, `receipt ${receipt} is not dated ${day}`);
        if (seen.has(receipt)) fail(CASH_FORMAT, r.line, `duplicate receipt ${receipt}`);
        seen.add(receipt);
        return { externalId: receipt, account, amount, fee: null, at: time };
      });
  },
  // The office's day: the account's region time zone, as the ledger counts the payment.
  daySql: sql`(p.created_at at time zone (select r.time_zone from accounts a join regions r on r.id = a.region_id where a.id = p.account_id))::date::text`,
};

/**
 * T-Bank's day, as both sides count it: the Moscow day our payment succeeded, or was made when it has not
 * (a payment T-Bank confirmed that we never saw succeed belongs to the day its order was made).
 */
export const TBANK_DAY_SQL = sql`(coalesce(p.succeeded_at, p.created_at) at time zone 'Europe/Moscow')::date::text`;

/** T-Bank Internet Acquiring: its side of the day comes from its API (CheckOrder), not from a file. */
const tbankAdapter: ChannelAdapter = {
  kind: 'acquirer',
  format: 'T-Bank API v2 (CheckOrder of each order of the day)',
  provider: 'tbank',
  method: 'card',
  fromApi: true,
  parse: () => fail('T-Bank API v2', '-', 'T-Bank is read from its API: load the day without a file'),
  daySql: TBANK_DAY_SQL,
};

/** Card acquirers whose reports come in YooKassa's format (the built-in test acquirer plays one). */
const YOOKASSA_FORMAT_CHANNELS = ['yookassa', 'test_acquirer'] as const;
/** Every card acquirer channel (SBP payments go through YooKassa and are in its registry: docs/reports.md). */
export const ACQUIRER_CHANNELS = [...YOOKASSA_FORMAT_CHANNELS, 'tbank'] as const;

export function adapterFor(channel: string): ChannelAdapter | null {
  if (/^agent:[\w.-]{1,64}$/.test(channel)) return agentAdapter(channel.slice(6));
  if (channel === 'tbank') return tbankAdapter;
  if ((YOOKASSA_FORMAT_CHANNELS as readonly string[]).includes(channel)) return acquirerAdapter(channel);
  if (channel === 'office_cash') return cashAdapter;
  return null;
}
