import { AppError } from '../../../common/errors.js';
import { CsvError, type CsvRecord, csvRecords, detectDelimiter } from './csv-parse.js';
import {
  READ_BATCH,
  type SourceAddon,
  type SourceArea,
  type SourceCatalog,
  type SourceNas,
  type SourcePayment,
  type SourcePlan,
  type SourcePool,
  type SourceReader,
  type SourceStatus,
  type SourceSubscriber,
} from './source.js';
import { decodeBytes } from './text-repair.js';

/**
 * The documented CSV set (docs/import.md, "CSV files"): subscribers.csv and payments.csv, with
 * regions.csv, tariffs.csv, addons.csv, nas.csv and pools.csv when the operator has them. UTF-8 or
 * Windows-1251, `;` `,` or tab separated, a header row with the column names.
 */
export const CSV_FILES = ['subscribers', 'payments', 'regions', 'tariffs', 'addons', 'nas', 'pools'] as const;
export type CsvFileName = (typeof CSV_FILES)[number];

const REQUIRED: Record<CsvFileName, string[]> = {
  subscribers: ['id', 'balance'],
  payments: ['id', 'subscriber', 'date', 'amount'],
  regions: ['code', 'name_ru', 'time_zone', 'contract_prefix', 'support_phone', 'support_email'],
  tariffs: ['code', 'monthly_fee'],
  addons: ['code', 'monthly_fee'],
  nas: ['id', 'address'],
  pools: ['id', 'first', 'last'],
};

/** Status words a spreadsheet may use, in Abonent's terms (blocked is decided from the money). */
const STATUSES: Record<string, SourceStatus> = {
  active: 'active',
  blocked: 'active',
  debtor: 'active',
  suspended: 'suspended',
  frozen: 'suspended',
  closed: 'closed',
  terminated: 'closed',
  активен: 'active',
  заблокирован: 'active',
  приостановлен: 'suspended',
  закрыт: 'closed',
  расторгнут: 'closed',
};

interface Table {
  file: string;
  /** The value of column `col` in a record ('' when the file has no such column). */
  get(r: CsvRecord, col: string): string;
  records: Iterable<CsvRecord>;
  /** Data lines (for progress; a quoted line break would make it one more). */
  lines: number;
}

/** A file's header and its records, read lazily; a missing required column is an error before any row. */
function table(name: CsvFileName, data: Buffer | undefined): Table | null {
  if (!data) return null;
  const file = `${name}.csv`;
  const text = decodeBytes(data).text;
  const delimiter = detectDelimiter(text);
  const records = csvRecords(text, delimiter);
  let header: CsvRecord | undefined;
  try {
    const first = records.next();
    header = first.done ? undefined : first.value;
  } catch (e) {
    if (e instanceof CsvError) throw new AppError('import_csv_invalid', { file, details: e.message });
    throw e;
  }
  const cols = new Map((header?.fields ?? []).map((h, i) => [h.trim().toLowerCase(), i]));
  const missing = REQUIRED[name].filter((c) => !cols.has(c));
  if (header && missing.length)
    throw new AppError('import_csv_invalid', { file, details: `no column ${missing.join(', ')}` });
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return {
    file,
    lines: Math.max(0, lines - (text.endsWith('\n') ? 1 : 0)),
    get: (r, col) => {
      const i = cols.get(col);
      return i === undefined ? '' : (r.fields[i] ?? '').trim();
    },
    records: {
      [Symbol.iterator]: () => ({
        next: (): IteratorResult<CsvRecord> => {
          try {
            return records.next();
          } catch (e) {
            if (e instanceof CsvError) throw new AppError('import_csv_invalid', { file, details: e.message });
            throw e;
          }
        },
      }),
    },
  };
}

const list = (v: string) =>
  v
    .split(/[,;/]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function csvReader(files: Partial<Record<CsvFileName, Buffer>>): SourceReader {
  if (!files.subscribers) throw new AppError('import_csv_invalid', { file: 'subscribers.csv', details: 'missing' });
  const subscribers = table('subscribers', files.subscribers)!;
  const subs = [...subscribers.records];
  const sub = (r: CsvRecord, col: string) => subscribers.get(r, col);
  const payments = table('payments', files.payments);
  const count = (pick: (r: CsvRecord) => string) => {
    const m = new Map<string, number>();
    for (const r of subs) {
      const k = pick(r);
      if (k) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const rowsOf = (t: Table | null) => (t ? [...t.records].map((r) => ({ get: (col: string) => t.get(r, col) })) : null);
  return {
    kind: 'csv',
    async catalog(): Promise<SourceCatalog> {
      const byRegion = count((r) => sub(r, 'region'));
      const byPlan = count((r) => sub(r, 'tariff'));
      const byAddon = new Map<string, number>();
      for (const r of subs) for (const a of list(sub(r, 'addons'))) byAddon.set(a, (byAddon.get(a) ?? 0) + 1);
      const areas: SourceArea[] =
        rowsOf(table('regions', files.regions))?.map((r) => ({
          key: r.get('code'),
          name: r.get('name_ru'),
          subscribers: byRegion.get(r.get('code')) ?? 0,
          region: {
            nameRu: r.get('name_ru'),
            nameEn: r.get('name_en') || r.get('name_ru'),
            timeZone: r.get('time_zone'),
            contractPrefix: r.get('contract_prefix'),
            supportPhone: r.get('support_phone').replace(/\D/g, ''),
            supportEmail: r.get('support_email'),
          },
        })) ?? [];
      for (const [k, n] of byRegion)
        if (!areas.some((a) => a.key === k)) areas.push({ key: k, name: k, subscribers: n });
      const plans: SourcePlan[] =
        rowsOf(table('tariffs', files.tariffs))?.map((r) => ({
          key: r.get('code'),
          name: r.get('name_ru') || r.get('name') || r.get('code'),
          monthlyFee: r.get('monthly_fee'),
          speedDownKbps: Number(r.get('speed_down_kbps')) || 0,
          speedUpKbps: Number(r.get('speed_up_kbps')) || Number(r.get('speed_down_kbps')) || 0,
          period: r.get('period') === 'month' ? 'month' : 'day',
          subscribers: byPlan.get(r.get('code')) ?? 0,
        })) ?? [];
      for (const [k, n] of byPlan)
        if (!plans.some((p) => p.key === k))
          plans.push({
            key: k,
            name: k,
            monthlyFee: '0',
            speedDownKbps: 0,
            speedUpKbps: 0,
            period: 'day',
            subscribers: n,
            described: false,
          });
      const addons: SourceAddon[] =
        rowsOf(table('addons', files.addons))?.map((r) => ({
          key: r.get('code'),
          name: r.get('name_ru') || r.get('name') || r.get('code'),
          monthlyFee: r.get('monthly_fee'),
          kind: r.get('kind') || undefined,
          subscribers: byAddon.get(r.get('code')) ?? 0,
        })) ?? [];
      for (const [k, n] of byAddon)
        if (!addons.some((a) => a.key === k))
          addons.push({ key: k, name: k, monthlyFee: '0', subscribers: n, described: false });
      const nas: SourceNas[] =
        rowsOf(table('nas', files.nas))?.map((r) => ({
          key: r.get('id'),
          name: r.get('name'),
          address: r.get('address'),
          type: r.get('vendor') || r.get('type'),
          secret: r.get('secret') || null,
          area: r.get('region') || null,
        })) ?? [];
      const pools: SourcePool[] =
        rowsOf(table('pools', files.pools))?.map((r) => ({
          key: r.get('id'),
          name: r.get('name'),
          first: r.get('first'),
          last: r.get('last'),
          area: r.get('region') || null,
        })) ?? [];
      return { areas, plans, addons, nas, pools };
    },
    async counts() {
      return { subscribers: subs.length, payments: payments?.lines ?? 0 };
    },
    async *subscribers() {
      for (let i = 0; i < subs.length; i += READ_BATCH) {
        yield subs.slice(i, i + READ_BATCH).map((rec): SourceSubscriber => {
          const r = { line: rec.line, get: (col: string) => sub(rec, col) };
          return {
            ref: `subscribers.csv:${r.line}`,
            sourceId: r.get('id'),
            name: r.get('name'),
            address: r.get('address'),
            phones: list(r.get('phone')),
            emails: list(r.get('email')),
            passport: r.get('passport'),
            contract: r.get('contract') || null,
            account: r.get('account') || null,
            area: r.get('region') || null,
            plan: r.get('tariff') || null,
            addons: list(r.get('addons')),
            personalFee: r.get('fee') || null,
            status: STATUSES[(r.get('status') || 'active').toLowerCase()] ?? null,
            statusRaw: r.get('status'),
            login: r.get('login') || null,
            password: r.get('password') || null,
            mac: r.get('mac') || null,
            ip: r.get('ip') || null,
            balance: r.get('balance'),
            credit: r.get('credit') || null,
            creditUntil: r.get('credit_until') || null,
            signedOn: r.get('signed_on') || null,
            closedOn: r.get('closed_on') || null,
            warnings: [],
          };
        });
      }
    },
    async *payments() {
      if (!payments) return;
      const g = (r: CsvRecord, col: string) => payments.get(r, col);
      let batch: SourcePayment[] = [];
      for (const r of payments.records) {
        batch.push({
          ref: `payments.csv:${r.line}`,
          sourceId: g(r, 'id'),
          subscriberId: g(r, 'subscriber'),
          at: g(r, 'date'),
          amount: g(r, 'amount'),
          kind: g(r, 'kind') === 'correction' ? 'correction' : 'payment',
          method: g(r, 'method') || null,
          comment: g(r, 'comment') || null,
        });
        if (batch.length >= READ_BATCH * 4) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async close() {},
  };
}
