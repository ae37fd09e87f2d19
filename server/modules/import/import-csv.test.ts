import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { todayIn } from '../../../common/dates.js';
import { keysOf } from '../../crypto/secret-box.js';
import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { CSV_SUBSCRIBERS, csvFixture } from '../../test/import-csv-fixture.js';
import { statementCsv } from '../cabinet/export-statement.js';
import { getStatement } from '../cabinet/get-statement.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { decryptSecret } from '../network/network-crypto.js';
import { createImportRun, csvFilesByName } from './create-import-run.js';
import { parseMapping } from './mapping.js';
import { csvReader } from './read-csv.js';
import { runImport } from './run-import.js';

const SECRET = 'import-test-secret-0123456789';
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  // A contract number the source also uses: the import must refuse its row, not overwrite this one.
  const other = await buildSubscriber(database.db);
  await database.db.execute(sql`update contracts set number = 'D-100' where id = ${other.contract.id}`);
});
afterAll(() => database?.close());

async function importCsv(dryRun: boolean, mapping: string | null = null) {
  const db = database.db;
  const { id } = await createImportRun(db, { kind: 'csv', source: 'sheet', dryRun, startedBy: 'cli' }, keysOf(SECRET));
  const report = await runImport(db, {
    runId: id,
    reader: csvReader(csvFilesByName(csvFixture())),
    mapping: mapping ? parseMapping(mapping) : null,
    secret: SECRET,
    actor: { type: 'cli', id: 'test' },
  });
  const problems = await queryRows<{ severity: string; ref: string; source_id: string | null; reason: string }>(
    db,
    sql`select severity, ref, source_id, reason from import_problems where run_id = ${id} order by id`,
  );
  const [run] = await queryRows<{ mapping: string; state: string }>(
    db,
    sql`select mapping, state from import_runs where id = ${id}`,
  );
  return { id, report, problems, mapping: run!.mapping, state: run!.state };
}

const counts = async () =>
  (
    await queryRows<Record<string, number>>(
      database.db,
      sql`select (select count(*) from subscribers)::int8 as subscribers, (select count(*) from contracts)::int8 as contracts,
             (select count(*) from accounts)::int8 as accounts, (select count(*) from subscriptions)::int8 as subscriptions,
             (select count(*) from network_access)::int8 as network, (select count(*) from ledger_entries)::int8 as entries,
             (select coalesce(sum(balance), 0) from accounts)::int8 as balances, (select count(*) from regions)::int8 as regions,
             (select count(*) from tariffs)::int8 as tariffs, (select count(*) from services)::int8 as services,
             (select count(*) from nas)::int8 as nas, (select count(*) from ip_addresses)::int8 as addresses,
             (select count(*) from import_payment_history)::int8 as history,
             (select count(*) from import_links)::int8 as links`,
    )
  )[0]!;

describe('import from the documented CSV files', () => {
  it('dry run: counts, every broken row with its line and reason, the money to open — and writes nothing', async () => {
    const before = await counts();
    const r = await importCsv(true);
    expect(r.state).toBe('done');
    expect(await counts()).toEqual(before);

    const good = CSV_SUBSCRIBERS.filter((s) => s.kopecks !== null);
    expect(r.report.subscribers).toMatchObject({
      read: CSV_SUBSCRIBERS.length,
      toImport: good.length,
      alreadyImported: 0,
      refused: CSV_SUBSCRIBERS.length - good.length,
      blocked: 1,
      suspended: 1,
      closed: 1,
      withIp: 1,
      withoutPhone: 1,
    });
    expect(r.report.money.opening).toBe(good.reduce((a, s) => a + s.kopecks!, 0));
    expect(r.report.money.debts).toBe(-25_075);
    // Each deliberately broken row, by its line in subscribers.csv (line 1 is the header).
    for (const [i, s] of CSV_SUBSCRIBERS.entries()) {
      if (!s.expect) continue;
      expect(r.problems, `${s.id} ${s.expect}`).toContainEqual(
        expect.objectContaining({ ref: `subscribers.csv:${i + 2}`, source_id: s.id, reason: s.expect }),
      );
    }
    // Payments: of nobody, a date that does not exist, an amount in words, of a refused subscriber.
    expect(r.problems).toContainEqual(expect.objectContaining({ ref: 'payments.csv:5', reason: 'unknown_subscriber' }));
    expect(r.problems).toContainEqual(expect.objectContaining({ ref: 'payments.csv:6', reason: 'bad_date' }));
    expect(r.problems).toContainEqual(expect.objectContaining({ ref: 'payments.csv:7', reason: 'bad_amount' }));
    expect(r.problems).toContainEqual(expect.objectContaining({ source_id: '6', reason: 'subscriber_not_imported' }));
    expect(r.problems).toContainEqual(expect.objectContaining({ source_id: '2', reason: 'phone_missing' }));
    expect(r.report.payments).toMatchObject({ read: 7, toImport: 3, amount: 130_050 });
    expect(r.report.catalog.regions).toEqual(['north']);
    expect(r.report.catalog.tariffs).toEqual([{ region: 'north', code: 'home-100', name: 'Домашний 100' }]);
    expect(r.report.catalog.nas).toEqual([{ name: 'BRAS-1', address: '127.0.0.1' }]);
    expect(r.report.catalog.pools).toEqual([
      { region: 'north', first: '10.20.0.1', last: '10.20.0.254', addresses: 254 },
    ]);
    // The mapping file names the plan only a subscriber row mentions, as skip until described.
    expect(r.mapping).toContain('from: "gold"');
    expect(r.mapping).toContain('skip: true');
  });

  it('real run: balances to the kopeck, logins, passwords, IPs and statuses carried; a second run changes nothing', async () => {
    const r = await importCsv(false);
    expect(r.report.written).toMatchObject({ accounts: 5, openingEntries: 4, payments: 3, blocked: 1 });
    const db = database.db;
    const rows = await queryRows<{
      source_id: string;
      balance: number;
      status: string;
      contract: string;
      account: string;
      contract_status: string;
      login: string | null;
      password_enc: string | null;
      ip: string | null;
      mac: string | null;
      name: string;
      phone: string;
      credit_limit: number;
    }>(
      db,
      sql`select l.source_id, a.balance, a.status, c.number as contract, a.number as account, c.status as contract_status,
                 n.login, n.password_enc, host(n.static_ip) as ip, n.mac, s.full_name as name, s.phone, a.credit_limit
          from import_links l join accounts a on a.id = l.target_id join contracts c on c.id = a.contract_id
          join subscribers s on s.id = c.subscriber_id left join network_access n on n.account_id = a.id
          where l.source = 'sheet' and l.kind = 'subscriber' order by l.source_id`,
    );
    const expected = CSV_SUBSCRIBERS.filter((s) => s.kopecks !== null);
    expect(rows.map((x) => [x.source_id, x.balance])).toEqual(expected.map((s) => [s.id, s.kopecks]));
    const byId = Object.fromEntries(rows.map((x) => [x.source_id, x]));
    expect(byId['1']).toMatchObject({
      status: 'active',
      contract: 'Д-1001',
      account: '500100',
      login: 'ivanov',
      ip: '10.20.0.10',
      mac: '00:1a:2b:3c:4d:5e',
      name: 'Иванов Иван Петрович',
      phone: '79123456789',
    });
    expect(decryptSecret('network-password', byId['1']!.password_enc!, SECRET)).toBe('old-PPP-secret-1');
    expect(byId['2']).toMatchObject({ status: 'blocked', balance: -25_075, phone: '' });
    expect(byId['3']!.name).toBe('Сидоров; Пётр "Младший"');
    expect(byId['4']).toMatchObject({ status: 'terminated', contract_status: 'terminated', login: null });
    expect(byId['5']).toMatchObject({ status: 'suspended', credit_limit: 30_000 });
    // Generated numbers for rows without them: the new region's prefix, with the check digit.
    expect(byId['2']!.contract).toMatch(/^31\d{7}$/);
    expect(byId['2']!.account).toMatch(/^731\d{6}$/);

    // The opening balance is one ledger entry per account, with its source; the ledger holds.
    const entries = await queryRows<{ kind: string; source: string; amount: number }>(
      db,
      sql`select e.kind, e.source, e.amount from ledger_entries e join import_links l on l.target_id = e.account_id
          where l.source = 'sheet' and l.kind = 'subscriber' order by e.amount`,
    );
    expect(entries).toEqual(
      expected
        .filter((s) => s.kopecks !== 0)
        .map((s) => ({ kind: 'adjustment', source: 'import:sheet', amount: s.kopecks }))
        .sort((a, b) => a.amount! - b.amount!),
    );
    const verified = await verifyLedger(db, { full: true });
    expect(verified.mismatches).toEqual([]);
    // The carried address holds its pool row with a static-IP subscription; TV as an add-on.
    const [ip] = await queryRows<{ kind: string; fee: number; code: string }>(
      db,
      sql`select v.kind, s.monthly_fee as fee, v.code from ip_addresses i join subscriptions s on s.id = i.subscription_id
          join services v on v.id = s.service_id where i.address = '10.20.0.10'`,
    );
    expect(ip).toEqual({ kind: 'static_ip', fee: 0, code: 'static-ip' });
    const subs = await queryRows<{ kind: string; fee: number }>(
      db,
      sql`select s.kind, s.monthly_fee as fee from subscriptions s join accounts a on a.id = s.account_id
          where a.number = '500100' order by s.kind, s.monthly_fee`,
    );
    expect(subs).toEqual([
      { kind: 'service', fee: 0 },
      { kind: 'service', fee: 19_900 },
      { kind: 'tariff', fee: 60_000 },
    ]);

    // Payment history: in the statement as history, outside the running balance and the totals.
    const [acc] = await queryRows<{ id: number }>(db, sql`select id from accounts where number = '500100'`);
    const st = await getStatement(db, acc!.id, { from: '2026-01-01', to: todayIn('Europe/Moscow'), lang: 'ru' });
    expect(st.history).toEqual([
      { date: '2026-01-05', amount: 50_000, kind: 'payment', method: 'Наличные', comment: 'январь' },
      { date: '2026-02-05', amount: 50_000, kind: 'payment', method: 'Наличные', comment: null },
    ]);
    expect(st.entries.map((e) => [e.kind, e.amount])).toEqual([['adjustment', 150_050]]);
    expect(st.closingBalance).toBe(150_050);
    expect(st.totals).toEqual([{ kind: 'adjustment', amount: 150_050 }]);
    const csv = statementCsv(st, 'ru');
    expect(csv).toContain('Платежи в прежней биллинговой системе (уже учтены во входящем остатке)');
    expect(csv).toContain('2026-01-05;500.00;Наличные, январь');

    const before = await counts();
    const again = await importCsv(false);
    expect(await counts()).toEqual(before);
    expect(again.report.subscribers).toMatchObject({ toImport: 0, alreadyImported: 5 });
    expect(again.report.written).toMatchObject({ accounts: 0, payments: 0 });
  });
});
