import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildFinanceHistory } from '../../test/finance-history.js';
import { checkpointLedger } from '../ledger/checkpoint-ledger.js';
import { ensureLedgerPartitions } from '../ledger/ledger-partitions.js';
import { postEntry } from '../ledger/post-entry.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { agentsReport } from './agents-report.js';
import { buildMonthRollups } from './build-month-rollups.js';
import { chargesReport } from './charges-report.js';
import { debtorsReport } from './debtors-report.js';
import { paymentsByChannel } from './payments-report.js';
import { planPeriod } from './report-period.js';
import { turnoverSheet } from './turnover-sheet.js';

/**
 * The accountant's reports against the ledger (docs/reports.md): exact to the kopeck, the same whether
 * a month is read from its rollup or from the entries, and equal to what `ledger verify` sums.
 */
let database: Database;
let db: Database['db'];
let h: Awaited<ReturnType<typeof buildFinanceHistory>>;
const ALL = { regions: 'all' as const };
const NOW = new Date('2024-05-03T12:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await ensureLedgerPartitions(db, { now: new Date('2024-01-15T00:00:00Z'), monthsAhead: 5 });
  h = await buildFinanceHistory(db, { from: '2024-01-01', until: '2024-05-01' });
  await checkpointLedger(db, { now: NOW });
}, 120_000);
afterAll(() => database.close());

const PERIOD = { from: '2024-01-17', to: '2024-04-09' };

async function expectSheetEqualsVerify(period: { from: string; to: string }) {
  const sheet = await turnoverSheet(db, { ...period, scope: ALL, pageSize: null });
  const v = await verifyLedger(db, { period });
  const k = v.period!.byKind;
  expect(sheet.totals.opening).toBe(v.period!.opening);
  expect(sheet.totals.charged).toBe(-k.charge);
  expect(sheet.totals.paid).toBe(k.payment);
  expect(sheet.totals.bonus).toBe(k.bonus);
  expect(sheet.totals.refunded).toBe(-k.refund);
  expect(sheet.totals.adjusted).toBe(k.adjustment);
  expect(sheet.totals.closing).toBe(v.period!.closing);
  // The lines add up to the totals, and each line's closing follows from its columns.
  expect(sheet.lines.reduce((s, l) => s + l.closing, 0)).toBe(sheet.totals.closing);
  for (const l of sheet.lines)
    expect(l.closing).toBe(l.opening - l.charged + l.paid + l.bonus - l.refunded + l.adjusted + l.promised);
  return sheet;
}

describe('turnover sheet', () => {
  it("equals ledger verify's sums for the period, read from the entries alone (no rollups yet)", async () => {
    expect((await planPeriod(db, PERIOD)).rollupMonths).toEqual([]);
    const sheet = await expectSheetEqualsVerify(PERIOD);
    expect(sheet.totals.charged).toBeGreaterThan(0);
    expect(sheet.totals.accounts).toBe(3);
  });

  it('reads whole closed months from their rollups and gives the same sheet to the kopeck', async () => {
    const before = await turnoverSheet(db, { ...PERIOD, scope: ALL, pageSize: null });
    const built = await buildMonthRollups(db);
    expect(built.made).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']);
    expect(built.refused).toEqual([]);
    expect(await buildMonthRollups(db)).toEqual({ made: [], refused: [] });
    const plan = await planPeriod(db, PERIOD);
    expect(plan.rollupMonths).toEqual(['2024-02-01', '2024-03-01']);
    expect(plan.raw).toEqual([
      { from: '2024-01-17', until: '2024-02-01' },
      { from: '2024-04-01', until: '2024-04-10' },
    ]);
    const after = await expectSheetEqualsVerify(PERIOD);
    expect(after).toEqual(before);
    // Only closed months, and one month alone.
    await expectSheetEqualsVerify({ from: '2024-01-01', to: '2024-04-30' });
    await expectSheetEqualsVerify({ from: '2024-02-01', to: '2024-02-29' });
  });

  it('stops trusting a month whose ledger changed after its rollup, until the rollup is made again', async () => {
    await postEntry(db, {
      accountId: h.payer.account.id,
      kind: 'adjustment',
      amount: -777,
      effectiveOn: '2024-02-14',
      source: 'test',
      idempotencyKey: 'adjustment:back-dated',
      comment: 'back-dated correction',
    });
    expect((await planPeriod(db, PERIOD)).rollupMonths).toEqual([]);
    const sheet = await expectSheetEqualsVerify(PERIOD);
    expect(sheet.lines.find((l) => l.accountId === h.payer.account.id)!.adjusted).toBe(-777);
    await checkpointLedger(db, { now: NOW });
    expect((await buildMonthRollups(db)).made).toEqual(['2024-02-01', '2024-03-01', '2024-04-01']);
    expect((await planPeriod(db, PERIOD)).rollupMonths).toEqual(['2024-02-01', '2024-03-01']);
    expect(await expectSheetEqualsVerify(PERIOD)).toEqual(sheet);
  });

  it('pages the lines but totals every account; filters by region and account', async () => {
    const page = await turnoverSheet(db, { ...PERIOD, scope: ALL, page: 2, pageSize: 2 });
    expect(page.lines).toHaveLength(1);
    expect(page.totals.accounts).toBe(3);
    const south = await turnoverSheet(db, { ...PERIOD, scope: { regions: [h.south.id] } });
    expect(south.lines.map((l) => l.accountId)).toEqual([h.other.account.id]);
    const none = await turnoverSheet(db, { ...PERIOD, scope: { regions: [] } });
    expect(none.totals.accounts).toBe(0);
    const one = await turnoverSheet(db, { ...PERIOD, scope: ALL, search: h.debtor.account.number });
    expect(one.lines.map((l) => l.subscriber)).toEqual(['Сидоров Сидор Сидорович']);
  });
});

describe('charges, payments, agents', () => {
  it('charges by month × region × item add up to the ledger’s charges, rollup or not', async () => {
    const v = await verifyLedger(db, { period: PERIOD });
    const r = await chargesReport(db, { ...PERIOD, scope: ALL });
    expect(r.total).toBe(-v.period!.byKind.charge);
    const direct = await queryRows<{ month: string; item_kind: string; amount: number }>(
      db,
      sql`select date_trunc('month', l.effective_on)::date::text as month, s.kind as item_kind, -sum(l.amount)::int8 as amount
          from ledger_entries l join subscriptions s on s.id = l.subscription_id
          where l.kind = 'charge' and l.effective_on between ${PERIOD.from}::date and ${PERIOD.to}::date
          group by 1, 2 order by 1, 2`,
    );
    const byMonthKind = new Map<string, number>();
    for (const l of r.lines)
      byMonthKind.set(`${l.month}/${l.itemKind}`, (byMonthKind.get(`${l.month}/${l.itemKind}`) ?? 0) + l.amount);
    expect(Object.fromEntries(byMonthKind)).toEqual(
      Object.fromEntries(direct.map((d) => [`${d.month}/${d.item_kind}`, d.amount])),
    );
    const ip = r.lines.filter((l) => l.itemKind === 'service');
    expect(ip.every((l) => l.regionId === h.north.id && l.itemRu === 'Статический IP')).toBe(true);
    // February, read from its rollup: the payer's static IP for 29 days is exactly the monthly fee.
    expect(ip.find((l) => l.month === '2024-02-01')!.amount).toBe(15_000);
  });

  it('payments by channel are the ledger’s payments; agents get their commission on the period total', async () => {
    const v = await verifyLedger(db, { period: PERIOD });
    const r = await paymentsByChannel(db, { ...PERIOD, scope: ALL });
    expect(r.total.amount).toBe(v.period!.byKind.payment);
    const expected = new Map<string, number>();
    for (const c of h.credits.filter((x) => x.day >= PERIOD.from && x.day <= PERIOD.to))
      expected.set(c.channel, (expected.get(c.channel) ?? 0) + c.amount);
    expect(Object.fromEntries(r.lines.map((l) => [l.channel, l.amount]))).toEqual(Object.fromEntries(expected));
    const agents = await agentsReport(db, { ...PERIOD, scope: ALL });
    const mine = agents.lines.find((l) => l.code === h.agent.code)!;
    expect(mine.amount).toBe(expected.get(`agent:${h.agent.code}`));
    expect(mine.count).toBe(3);
    // 1.5 % of 370.35 ₽ = 5.55525 ₽ → 5.56 ₽, half up.
    expect(mine.commission).toBe(556);
    expect(mine.due).toBe(mine.amount - 556);
  });
});

describe('debtors', () => {
  it('shows each debt with the day it began and its age bucket', async () => {
    const r = await debtorsReport(db, { asOf: '2024-04-30', scope: ALL });
    expect(r.lines.map((l) => l.accountId)).toEqual([h.debtor.account.id]);
    const d = r.lines[0]!;
    const [bal] = await queryRows<{ balance: number }>(
      db,
      sql`select balance from accounts where id = ${h.debtor.account.id}`,
    );
    expect(d.debt).toBe(-bal!.balance);
    // 200 ₽ at 450 ₽/month in January (≈14.52 ₽/day) runs out on the 14th day: the debt began on 14 January.
    expect(d.since).toBe('2024-01-14');
    expect(d.days).toBe(107);
    expect(d.bucket).toBe('d91_180');
    expect(r.buckets.find((b) => b.bucket === 'd91_180')).toEqual({ bucket: 'd91_180', accounts: 1, debt: d.debt });
    // Before the debt began there is none.
    expect((await debtorsReport(db, { asOf: '2024-01-13', scope: ALL })).lines).toEqual([]);
  });
});
