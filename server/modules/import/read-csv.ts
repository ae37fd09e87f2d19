import { AppError } from '../../../common/errors.js';
import { type CsvRecord, CsvError, parseCsv } from './csv-parse.js';
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
  rows: { line: number; get(col: string): string }[];
}

function table(name: CsvFileName, data: Buffer | undefined): Table | null {
  if (!data) return null;
  const file = `${name}.csv`;
  let records: CsvRecord[];
  try {
    records = parseCsv(decodeBytes(data).text);
  } catch (e) {
    if (e instanceof CsvError) throw new AppError('import_csv_invalid', { file, details: e.message });
    throw e;
  }
  const header = records.shift();
  if (!header) return { file, rows: [] };
  const cols = new Map(header.fields.map((h, i) => [h.trim().toLowerCase(), i]));
  const missing = REQUIRED[name].filter((c) => !cols.has(c));
  if (missing.length) throw new AppError('import_csv_invalid', { file, details: `no column ${missing.join(', ')}` });
  return {
    file,
    rows: records.map((r) => ({
      line: r.line,
      get: (col: string) => {
        const i = cols.get(col);
        return i === undefined ? '' : (r.fields[i] ?? '').trim();
      },
    })),
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
  const payments = table('payments', files.payments);
  const count = (pick: (r: Table['rows'][number]) => string) => {
    const m = new Map<string, number>();
    for (const r of subscribers.rows) {
      const k = pick(r);
      if (k) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  return {
    kind: 'csv',
    async catalog(): Promise<SourceCatalog> {
      const byRegion = count((r) => r.get('region'));
      const byPlan = count((r) => r.get('tariff'));
      const byAddon = new Map<string, number>();
      for (const r of subscribers.rows)
        for (const a of list(r.get('addons'))) byAddon.set(a, (byAddon.get(a) ?? 0) + 1);
      const regions = table('regions', files.regions);
      const areas: SourceArea[] =
        regions?.rows.map((r) => ({
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
      for (const [k, n] of byRegion) if (!areas.some((a) => a.key === k)) areas.push({ key: k, name: k, subscribers: n });
      const tariffs = table('tariffs', files.tariffs);
      const plans: SourcePlan[] =
        tariffs?.rows.map((r) => ({
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
      const addonsT = table('addons', files.addons);
      const addons: SourceAddon[] =
        addonsT?.rows.map((r) => ({
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
        table('nas', files.nas)?.rows.map((r) => ({
          key: r.get('id'),
          name: r.get('name'),
          address: r.get('address'),
          type: r.get('vendor') || r.get('type'),
          secret: r.get('secret') || null,
          area: r.get('region') || null,
        })) ?? [];
      const pools: SourcePool[] =
        table('pools', files.pools)?.rows.map((r) => ({
          key: r.get('id'),
          name: r.get('name'),
          first: r.get('first'),
          last: r.get('last'),
          area: r.get('region') || null,
        })) ?? [];
      return { areas, plans, addons, nas, pools };
    },
    async counts() {
      return { subscribers: subscribers.rows.length, payments: payments?.rows.length ?? 0 };
    },
    async *subscribers() {
      for (let i = 0; i < subscribers.rows.length; i += READ_BATCH) {
        yield subscribers.rows.slice(i, i + READ_BATCH).map(
          (r): SourceSubscriber => ({
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
          }),
        );
      }
    },
    async *payments() {
      if (!payments) return;
      for (let i = 0; i < payments.rows.length; i += READ_BATCH * 4) {
        yield payments.rows.slice(i, i + READ_BATCH * 4).map(
          (r): SourcePayment => ({
            ref: `payments.csv:${r.line}`,
            sourceId: r.get('id'),
            subscriberId: r.get('subscriber'),
            at: r.get('date'),
            amount: r.get('amount'),
            kind: r.get('kind') === 'correction' ? 'correction' : 'payment',
            method: r.get('method') || null,
            comment: r.get('comment') || null,
          }),
        );
      }
    },
    async close() {},
  };
}
