import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, openDatabase, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { chargeBatch } from '../billing/charge-batch.js';
import { getStatement } from '../cabinet/get-statement.js';
import { archiveLedgerMonths } from './archive-ledger.js';
import { checkpointLedger, readCheckpoints } from './checkpoint-ledger.js';
import { creditPayment } from './credit-payment.js';
import { ensureLedgerPartitions, listLedgerPartitions } from './ledger-partitions.js';
import { postEntry } from './post-entry.js';
import { verifyLedger } from './verify-ledger.js';

/**
 * The ledger by month (docs/ledger-partitions.md), on PGlite and PostgreSQL alike. The history here is
 * in 2024, far from the months the migration makes around today, and "now" is passed explicitly.
 */
let database: Database;
let db: Database['db'];
const NOW = new Date('2024-05-10T12:00:00Z');
const accounts: { id: number; subscriptionId: number }[] = [];
/** What the test wrote, to compare with what the database says. */
const written: { accountId: number; day: string; amount: number }[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 10 });
  db = database.db;
  for (let i = 0; i < 3; i++) {
    const { account, subscription } = await buildSubscriber(db, { balance: 0, startsOn: '2024-01-01' });
    accounts.push({ id: account.id, subscriptionId: subscription.id });
  }
});
afterAll(() => database.close());

const post = async (accountId: number, day: string, amount: number, key?: string) => {
  const r = await postEntry(db, {
    accountId,
    kind: amount > 0 ? 'payment' : 'adjustment',
    amount,
    effectiveOn: day,
    source: 'test',
    idempotencyKey: key ?? null,
  });
  if (r.created) written.push({ accountId, day, amount });
  return r;
};
const sumBefore = (accountId: number, day: string) =>
  written.filter((w) => w.accountId === accountId && w.day < day).reduce((s, w) => s + w.amount, 0);
const whereIs = async (key: string) =>
  (
    await queryRows<{ part: string }>(
      db,
      sql`select tableoid::regclass::text as part from ledger_entries where idempotency_key = ${key}`,
    )
  ).map((r) => r.part);
const balanceOf = async (id: number) =>
  (await queryRows<{ balance: number }>(db, sql`select balance from accounts where id = ${id}`))[0]!.balance;

describe('ledger partitioned by month', () => {
  it('is partitioned, with months made ahead and a default partition', async () => {
    const [t] = await queryRows<{ kind: string }>(
      db,
      sql`select relkind::text as kind from pg_class where oid = 'ledger_entries'::regclass`,
    );
    expect(t!.kind).toBe('p');
    const months = (await listLedgerPartitions(db)).map((p) => p.month);
    // post-migrate made last month to three ahead of the real today.
    expect(months.length).toBeGreaterThanOrEqual(5);
    const [d] = await queryRows<{ ok: boolean }>(
      db,
      sql`select to_regclass('ledger_entries_default') is not null as ok`,
    );
    expect(d!.ok).toBe(true);
  });

  it('keeps an entry of a month without partition in the default one, then moves it into the month made', async () => {
    const [a, b, c] = accounts;
    await post(a!.id, '2024-01-05', 100_000, 'p:jan');
    expect(await whereIs('p:jan')).toEqual(['ledger_entries_default']);
    const made = await ensureLedgerPartitions(db, { now: new Date('2024-01-15T00:00:00Z'), monthsAhead: 4 });
    expect(made).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01']);
    expect(await whereIs('p:jan')).toEqual(['ledger_entries_y2024m01']);
    // Again: nothing to do.
    expect(await ensureLedgerPartitions(db, { now: new Date('2024-01-15T00:00:00Z'), monthsAhead: 4 })).toEqual([]);

    // Some history: payments and corrections over four months.
    for (const [i, day] of [
      '2024-01-20',
      '2024-02-03',
      '2024-02-27',
      '2024-03-14',
      '2024-04-02',
      '2024-05-08',
    ].entries()) {
      await post(a!.id, day, 1_000 * (i + 1));
      await post(b!.id, day, -500 * (i + 1));
      if (i % 2 === 0) await post(c!.id, day, 20_000, `p:c:${day}`);
    }
    expect(await whereIs('p:c:2024-02-27')).toEqual(['ledger_entries_y2024m02']);
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });

  it('credits an idempotency key once across months (the key registry replaces the unique index)', async () => {
    const [a] = accounts;
    const first = await post(a!.id, '2024-02-10', 5_000, 'p:once');
    const again = await post(a!.id, '2024-04-20', 5_000, 'p:once');
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, entryId: first.entryId });
    const pay = { accountId: a!.id, amount: 7_000, idempotencyKey: 'p:pay', source: 'test', noBonus: true };
    const c1 = await creditPayment(db, { ...pay, effectiveOn: '2024-03-01' });
    const c2 = await creditPayment(db, { ...pay, effectiveOn: '2024-05-01' });
    written.push({ accountId: a!.id, day: '2024-03-01', amount: 7_000 });
    expect(c1.created).toBe(true);
    expect(c2).toMatchObject({ created: false, entryId: c1.entryId });
    expect(await whereIs('p:pay')).toEqual(['ledger_entries_y2024m03']);
    expect(await balanceOf(a!.id)).toBe(sumBefore(a!.id, '9999-01-01'));
    // A charge is unique per subscription and day, never keyed.
    await expect(
      postEntry(db, {
        accountId: a!.id,
        kind: 'charge',
        amount: -1,
        effectiveOn: '2024-03-02',
        source: 'test',
        idempotencyKey: 'p:charge',
      }),
    ).rejects.toThrow();
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'credits a key once when eight connections race with it (PostgreSQL)',
    async () => {
      const [, b] = accounts;
      const days = ['2024-01-09', '2024-02-09', '2024-03-09', '2024-04-09'];
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          creditPayment(db, {
            accountId: b!.id,
            amount: 3_000,
            idempotencyKey: 'p:race',
            source: 'test',
            effectiveOn: days[i % 4]!,
            noBonus: true,
          }),
        ),
      );
      const created = results.filter((r) => r.created);
      expect(created).toHaveLength(1);
      const [row] = await queryRows<{ day: string }>(
        db,
        sql`select effective_on::text as day from ledger_entries where idempotency_key = 'p:race'`,
      );
      written.push({ accountId: b!.id, day: row!.day, amount: 3_000 });
      expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
      expect((await verifyLedger(db)).mismatches).toEqual([]);
    },
  );

  it('charges a day once: the daily charge conflict target holds on the partitioned table', async () => {
    const [a] = accounts;
    const [acc] = await queryRows<{ region_id: number }>(db, sql`select region_id from accounts where id = ${a!.id}`);
    const range = { regionId: acc!.region_id, day: '2024-04-15', fromId: a!.id, toId: a!.id };
    const first = await chargeBatch(db, range);
    const second = await chargeBatch(db, range);
    expect(first.charged).toBe(1);
    expect(second.charged).toBe(0);
    written.push({ accountId: a!.id, day: '2024-04-15', amount: -first.amount });
    expect((await verifyLedger(db)).mismatches).toEqual([]);
  });
});

describe('verified checkpoints', () => {
  it('makes month and day checkpoints, and verify starts from the latest', async () => {
    const r = await checkpointLedger(db, { now: NOW });
    expect(r.made).toEqual(['2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-05-09']);
    expect((await checkpointLedger(db, { now: NOW })).made).toEqual([]);
    for (const a of accounts) {
      const [o] = await queryRows<{ balance: number }>(
        db,
        sql`select balance from ledger_openings where as_of = '2024-03-01' and account_id = ${a.id}`,
      );
      expect(o?.balance ?? 0).toBe(sumBefore(a.id, '2024-03-01'));
    }
    const v = await verifyLedger(db);
    expect(v).toMatchObject({ mode: 'incremental', since: '2024-05-09', mismatches: [], orphanEntries: 0 });
    const full = await verifyLedger(db, { full: true });
    expect(full).toMatchObject({ mode: 'full', since: null, mismatches: [], checkpointMismatches: [] });
  });

  it('finds a corrupted balance incrementally and in full', async () => {
    const [, , c] = accounts;
    await db.execute(sql`update accounts set balance = balance + 1 where id = ${c!.id}`);
    try {
      for (const full of [false, true]) {
        const v = await verifyLedger(db, { full });
        expect(v.mismatches.map((m) => m.accountId)).toEqual([c!.id]);
      }
    } finally {
      await db.execute(sql`update accounts set balance = balance - 1 where id = ${c!.id}`);
    }
  });

  it('a back-dated entry makes the checkpoints after it stale; they are made again', async () => {
    const [, b] = accounts;
    await post(b!.id, '2024-02-15', -2_500);
    const stale = (await readCheckpoints(db)).filter((c) => c.stale).map((c) => c.as_of);
    expect(stale).toEqual(['2024-03-01', '2024-04-01', '2024-05-01', '2024-05-09']);
    // Still right meanwhile: from the last good checkpoint.
    expect(await verifyLedger(db)).toMatchObject({ since: '2024-02-01', mismatches: [] });
    const st = await getStatement(db, b!.id, { from: '2024-03-10', to: '2024-04-30', now: NOW });
    expect(st.openingBalance).toBe(sumBefore(b!.id, '2024-03-10'));

    expect((await checkpointLedger(db, { now: NOW })).made).toEqual([
      '2024-03-01',
      '2024-04-01',
      '2024-05-01',
      '2024-05-09',
    ]);
    expect(await verifyLedger(db)).toMatchObject({ since: '2024-05-09', mismatches: [] });
    // Today's entries (after the day checkpoint) mark nothing.
    await post(b!.id, '2024-05-10', -100);
    expect((await readCheckpoints(db)).filter((c) => c.stale)).toEqual([]);
  });

  it('statements start from the checkpoint and show the true running balance', async () => {
    for (const a of accounts) {
      const st = await getStatement(db, a.id, { from: '2024-03-10', to: '2024-05-10', now: NOW });
      expect(st.openingBalance).toBe(sumBefore(a.id, '2024-03-10'));
      expect(st.closingBalance).toBe(sumBefore(a.id, '2024-05-11'));
      const inPeriod = written.filter((w) => w.accountId === a.id && w.day >= '2024-03-10' && w.day <= '2024-05-10');
      expect(st.entries).toHaveLength(inPeriod.length);
    }
  });
});

describe('retention', () => {
  it('refuses to archive months still within the kept period, or without a checkpoint', async () => {
    await expect(archiveLedgerMonths(db, { before: '2024-03-01', now: NOW })).rejects.toMatchObject({
      code: 'ledger_archive_too_recent',
    });
    await expect(archiveLedgerMonths(db, { before: '2024-01-01', now: NOW, minMonthsKept: 0 })).rejects.toMatchObject({
      code: 'ledger_checkpoint_missing',
    });
  });

  it('detaches old months without touching balances; verify, statements and keys still hold', async () => {
    const balances = await Promise.all(accounts.map((a) => balanceOf(a.id)));
    const done = await archiveLedgerMonths(db, { before: '2024-03-01', now: NOW, minMonthsKept: 0 });
    expect(done.map((d) => d.table)).toEqual(['ledger_entries_y2024m01', 'ledger_entries_y2024m02']);
    const janFeb = written.filter((w) => w.day < '2024-03-01');
    expect(done.reduce((s, d) => s + d.entries, 0)).toBe(janFeb.length);
    expect(done.reduce((s, d) => s + d.total, 0)).toBe(janFeb.reduce((s, w) => s + w.amount, 0));
    // The detached tables keep every row for the operator to dump and drop.
    const [kept] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ledger_entries_y2024m01`);
    expect(kept!.n).toBe(written.filter((w) => w.day < '2024-02-01').length);

    expect(await Promise.all(accounts.map((a) => balanceOf(a.id)))).toEqual(balances);
    expect(await verifyLedger(db)).toMatchObject({ mismatches: [], orphanEntries: 0 });
    expect(await verifyLedger(db, { full: true })).toMatchObject({
      since: '2024-03-01',
      mismatches: [],
      checkpointMismatches: [],
    });
    const [a] = accounts;
    const st = await getStatement(db, a!.id, { from: '2024-03-10', to: '2024-04-30', now: NOW });
    expect(st.openingBalance).toBe(sumBefore(a!.id, '2024-03-10'));
    // A key used in an archived month is still taken (the repeat is refused, nothing is credited);
    // an entry dated in an archived month is refused.
    await expect(post(a!.id, '2024-05-09', 100_000, 'p:jan')).rejects.toThrow();
    await expect(post(a!.id, '2024-02-20', 1_000)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/archived month/) },
    });
    expect(await balanceOf(a!.id)).toBe(balances[0]);
    // The maintenance job carries on from the horizon.
    expect((await checkpointLedger(db, { now: new Date('2024-05-12T00:00:00Z') })).made).toEqual(['2024-05-11']);
  });
});

describe('a plain ledger table from an earlier build', () => {
  it('is converted into the partitioned one with its rows, keys and triggers', async () => {
    if (process.env.DATABASE_URL) return; // the conversion SQL is the same; one mode is enough
    const old = await openDatabase({ dataDir: 'memory://' });
    try {
      const { runMigrations } = await import('../../db/migrate.js');
      await runMigrations(old);
      // Make it the plain table the migration creates, with a keyed row in it, as before partitioning.
      await old.pglite!.exec(`
        drop table ledger_entries cascade;
        create table ledger_entries (id bigserial not null, account_id bigint not null, kind text not null,
          amount bigint not null, effective_on date not null, subscription_id bigint, idempotency_key text,
          source text not null, comment text, created_at timestamptz not null default now(),
          constraint ledger_entries_id_effective_on_pk primary key (id, effective_on));
        create index ledger_account_day on ledger_entries (account_id, effective_on);
        insert into ledger_entries (account_id, kind, amount, effective_on, idempotency_key, source)
          values (1, 'payment', 500, '2023-06-01', 'old:1', 'test');
        delete from ledger_keys;`);
      await runMigrations(old);
      const [t] = await queryRows<{ kind: string; rows: number; keys: number }>(
        old.db,
        sql`select (select relkind::text from pg_class where oid = 'ledger_entries'::regclass) as kind,
                   (select count(*)::int from ledger_entries) as rows, (select count(*)::int from ledger_keys) as keys`,
      );
      expect(t).toEqual({ kind: 'p', rows: 1, keys: 1 });
      await expect(old.db.execute(sql`delete from ledger_entries`)).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/append-only/) },
      });
    } finally {
      await old.close();
    }
  });
});
