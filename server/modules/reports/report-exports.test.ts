import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { XMLParser } from 'fast-xml-parser';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { buildFinanceHistory } from '../../test/finance-history.js';
import { checkpointLedger } from '../ledger/checkpoint-ledger.js';
import { ensureLedgerPartitions } from '../ledger/ledger-partitions.js';
import { buildMonthRollups } from './build-month-rollups.js';
import { vatInside } from './onec/enterprise-data.js';

/**
 * Every export read back by a parser of its own and compared with what the screen (the JSON route)
 * shows: the XLSX by read-excel-file, the CSV by splitting it, the 1C file by xmllint against the
 * EnterpriseData 1.17 subset schema and by fast-xml-parser for its numbers.
 */
let t: TestContext;
let auth: { authorization: string };
let h: Awaited<ReturnType<typeof buildFinanceHistory>>;
const Q = 'from=2024-01-10&to=2024-03-20';
const ONEC = {
  ACCOUNTING_ORG_NAME: 'ООО «Абонент-Телеком»',
  ACCOUNTING_ORG_INN: '7701234567',
  ACCOUNTING_ORG_KPP: '770101001',
  ACCOUNTING_BANK_ACCOUNT: '40702810900000012345',
  ACCOUNTING_BANK_BIK: '044525225',
  ACCOUNTING_BANK_NAME: 'ПАО Сбербанк',
  ACCOUNTING_VAT: '22' as const,
};

beforeAll(async () => {
  t = await createTestApp(ONEC);
  const db = t.database.db;
  await ensureLedgerPartitions(db, { now: new Date('2024-01-15T00:00:00Z'), monthsAhead: 4 });
  h = await buildFinanceHistory(db, { from: '2024-01-01', until: '2024-04-01' });
  await checkpointLedger(db, { now: new Date('2024-04-03T00:00:00Z') });
  await buildMonthRollups(db);
  auth = (await buildStaff(db, { role: 'finance' })).auth;
}, 120_000);
afterAll(() => t.close());

const get = async (url: string, headers: Record<string, string> = {}) => {
  const r = await t.app.inject({ method: 'GET', url, headers: { ...auth, ...headers } });
  return r;
};
/** Kopecks from a number as written in the file (XLSX numbers are read as their text): exact, or the test fails. */
const kop = (v: unknown) => {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(v));
  if (!m) throw new Error(`not an amount with at most two decimals: ${String(v)}`);
  const k = Number(`${m[2]}${(m[3] ?? '').padEnd(2, '0')}`);
  return m[1] ? -k : k;
};
const readXlsxFile = (data: Buffer) => readSheet(data, { parseNumber: (x: string) => x });

describe('XLSX and CSV exports', () => {
  it('the turnover sheet in XLSX reads back equal to the screen, every line and the totals', async () => {
    const screen = (await get(`/api/staff/reports/turnover?${Q}&pageSize=500`)).json();
    const r = await get(`/api/staff/reports/turnover/export?format=xlsx&${Q}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const rows = await readXlsxFile(r.rawPayload);
    expect(String(rows[0]![0])).toContain('Оборотно-сальдовая ведомость');
    expect(rows[1]![4]).toBe('Сальдо на начало, руб.');
    const body = rows.slice(2, -1);
    expect(body).toHaveLength(screen.lines.length);
    body.forEach((row, i) => {
      const l = screen.lines[i];
      expect(row[0]).toBe(l.account);
      expect(row[2]).toBe(l.subscriber);
      expect([4, 5, 6, 7, 8, 9, 10, 11].map((c) => kop(row[c]))).toEqual([
        l.opening,
        l.charged,
        l.paid,
        l.bonus,
        l.refunded,
        l.adjusted,
        l.promised,
        l.closing,
      ]);
    });
    const totals = rows.at(-1)!;
    expect(totals[0]).toBe('Итого');
    const T = screen.totals;
    expect([4, 5, 6, 7, 8, 9, 10, 11].map((c) => kop(totals[c]))).toEqual([
      T.opening,
      T.charged,
      T.paid,
      T.bonus,
      T.refunded,
      T.adjusted,
      T.promised,
      T.closing,
    ]);
  });

  it('charges, payments and agents in XLSX, debtors in CSV, each equal to its screen', async () => {
    const charges = (await get(`/api/staff/reports/charges?${Q}`)).json();
    const cx = await readXlsxFile((await get(`/api/staff/reports/charges/export?format=xlsx&${Q}`)).rawPayload);
    expect(cx.slice(2, -1).map((r) => [r[0], r[3], kop(r[4]), r[5]])).toEqual(
      charges.lines.map((l: { month: string; itemRu: string; amount: number; entries: number }) => [
        l.month.slice(0, 7),
        l.itemRu,
        l.amount,
        String(l.entries),
      ]),
    );
    expect(kop(cx.at(-1)![4])).toBe(charges.total);

    const pay = (await get(`/api/staff/reports/payments?${Q}`)).json();
    const px = await readXlsxFile((await get(`/api/staff/reports/payments/export?format=xlsx&${Q}`)).rawPayload);
    expect(px.slice(2, -1).map((r) => kop(r[3]))).toEqual(pay.lines.map((l: { amount: number }) => l.amount));
    expect(kop(px.at(-1)![3])).toBe(pay.total.amount);

    const ag = (await get(`/api/staff/reports/agents?${Q}`)).json();
    const ax = await readXlsxFile((await get(`/api/staff/reports/agents/export?format=xlsx&${Q}`)).rawPayload);
    const mine = ax.find((r) => r[0] === h.agent.code)!;
    const line = ag.lines.find((l: { code: string }) => l.code === h.agent.code);
    expect([kop(mine[3]), mine[4], kop(mine[5]), kop(mine[6])]).toEqual([
      line.amount,
      '1.5',
      line.commission,
      line.due,
    ]);

    const debt = (await get('/api/staff/reports/debtors?asOf=2024-03-31')).json();
    const csv = (await get('/api/staff/reports/debtors/export?format=csv&asOf=2024-03-31')).body;
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv
      .slice(1)
      .trim()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(lines[0]![5]).toBe('Долг, руб.');
    expect(lines.slice(1, -1).map((l) => [l[0], kop(l[5]), l[6]])).toEqual(
      debt.lines.map((l: { account: string; debt: number; since: string }) => [l.account, l.debt, l.since]),
    );
    expect(kop(lines.at(-1)![5])).toBe(debt.total.debt);
  });

  it('English headers for an English-speaking accountant', async () => {
    const r = await get(`/api/staff/reports/payments/export?format=csv&${Q}`, { 'accept-language': 'en' });
    expect(r.body.slice(1).split('\r\n')[0]).toBe('Channel;Region;Payments;Amount, RUB');
  });
});

describe('1C export (EnterpriseData)', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  it('is valid against the EnterpriseData 1.17 schema and carries the screen’s numbers', async () => {
    const r = await get(`/api/staff/reports/onec?${Q}`);
    expect(r.statusCode).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'onec-'));
    const file = join(dir, 'export.xml');
    writeFileSync(file, r.rawPayload);
    // xmllint exits non-zero with the first element out of place; the output names it.
    execFileSync('xmllint', ['--noout', '--schema', join(here, 'onec', 'message.xsd'), file], { stdio: 'pipe' });

    const doc = new XMLParser({
      ignoreAttributes: true,
      removeNSPrefix: true,
      parseTagValue: false,
      isArray: (name) =>
        [
          'Строка',
          'Документ.РеализацияТоваровУслуг',
          'Документ.ПКОРасчетыСКонтрагентами',
          'Документ.ПБДСРасчетыСКонтрагентами',
          'Документ.ОперацияПоПлатежнойКарте',
        ].includes(name),
    }).parse(r.rawPayload.toString('utf8').replace(/^\uFEFF/, ''));
    const body = doc.Message.Body;
    expect(doc.Message.Header.Format).toBe('http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17');

    // Services rendered: per month and region, lines per plan / add-on equal to the charges report.
    const charges = (await get(`/api/staff/reports/charges?${Q}`)).json();
    const sales = body['Документ.РеализацияТоваровУслуг'];
    const fromFile = sales.flatMap(
      (d: {
        Подразделение: { Наименование: string };
        Услуги: { Строка: { Номенклатура: { Наименование: string }; Сумма: string; СуммаНДС: string }[] };
      }) =>
        d.Услуги.Строка.map((s) => [
          d.Подразделение.Наименование,
          s.Номенклатура.Наименование,
          kop(s.Сумма),
          kop(s.СуммаНДС),
        ]),
    );
    expect(fromFile.sort()).toEqual(
      charges.lines
        .map((l: { region: string; itemRu: string; amount: number }) => [
          l.region,
          l.itemRu,
          l.amount,
          vatInside(l.amount, 22),
        ])
        .sort(),
    );
    expect(sales.reduce((s: number, d: { Сумма: string }) => s + kop(d.Сумма), 0)).toBe(charges.total);
    expect(sales[0].КлючевыеСвойства.Организация.ИНН).toBe('7701234567');

    // Payments received: cash, card and bank documents sum to the payments report, channel by channel.
    const pay = (await get(`/api/staff/reports/payments?${Q}`)).json();
    type Doc = { ОбщиеДанные?: { Сумма: string }; Сумма?: string };
    const sum = (name: string, amount: (d: Doc) => string | undefined) =>
      ((body[name] ?? []) as Doc[]).reduce((s, d) => s + kop(amount(d)), 0);
    const byChannel = (c: string) =>
      pay.lines
        .filter((l: { channel: string }) => l.channel === c)
        .reduce((s: number, l: { amount: number }) => s + l.amount, 0);
    expect(sum('Документ.ПКОРасчетыСКонтрагентами', (d) => d.ОбщиеДанные?.Сумма)).toBe(byChannel('office_cash'));
    expect(sum('Документ.ОперацияПоПлатежнойКарте', (d) => d.Сумма)).toBe(byChannel('yookassa'));
    expect(sum('Документ.ПБДСРасчетыСКонтрагентами', (d) => d.ОбщиеДанные?.Сумма)).toBe(
      byChannel(`agent:${h.agent.code}`),
    );
    expect(body['Документ.ПБДСРасчетыСКонтрагентами'][0].ОбщиеДанные.БанковскийСчетОрганизации.НомерСчета).toBe(
      '40702810900000012345',
    );
  });

  it('a file that breaks the format is refused by the schema check (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onec-'));
    const file = join(dir, 'bad.xml');
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?><Message xmlns:msg="http://www.1c.ru/SSL/Exchange/Message"><msg:Header><msg:Format>http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17</msg:Format><msg:CreationDate>2024-01-01T00:00:00</msg:CreationDate><msg:AvailableVersion>1.17</msg:AvailableVersion></msg:Header><Body xmlns="http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17"><Документ.ПКОРасчетыСКонтрагентами><КлючевыеСвойства><Номер>1</Номер></КлючевыеСвойства></Документ.ПКОРасчетыСКонтрагентами></Body></Message>`,
    );
    expect(() =>
      execFileSync('xmllint', ['--noout', '--schema', join(here, 'onec', 'message.xsd'), file], { stdio: 'pipe' }),
    ).toThrow();
  });

  it('refuses to export without the organisation’s details, naming what is missing', async () => {
    const bare = await createTestApp();
    try {
      const staff = await buildStaff(bare.database.db, { role: 'finance' });
      const r = await bare.app.inject({ method: 'GET', url: `/api/staff/reports/onec?${Q}`, headers: staff.auth });
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('accounting_not_configured');
      expect(r.json().error.message).toContain('ACCOUNTING_ORG_INN');
    } finally {
      await bare.close();
    }
  });
});

describe('who may see reports', () => {
  it('operators and support get 403; finance and admins get the report', async () => {
    for (const role of ['operator', 'support'] as const) {
      const s = await buildStaff(t.database.db, { role });
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/staff/reports/turnover?${Q}`, headers: s.auth })).statusCode,
      ).toBe(403);
    }
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/staff/reports/turnover?${Q}`, headers: admin.auth })).statusCode,
    ).toBe(200);
  });
});
