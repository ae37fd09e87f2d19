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
    // Into the part of its day: days 1–10 of January.
    expect(await whereIs('p:jan')).toEqual(['ledger_entries_y2024m01_d01']);
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
    expect(await whereIs('p:c:2024-02-27')).toEqual(['ledger_entries_y2024m02_d21']);
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
    expect(await whereIs('p:pay')).toEqual(['ledger_entries_y2024m03_d01']);
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

describe('ten-day parts of a month partition', () => {
  // A database of its own: months in 2025, checkpoints as of January 2025.
  let own: Database;
  let odb: Database['db'];
  let accountId: number;
  beforeAll(async () => {
    own = await createTestDatabase();
    odb = own.db;
    accountId = (await buildSubscriber(odb, { balance: 0, startsOn: '2025-01-01' })).account.id;
  });
  afterAll(() => own.close());

  const postOn = async (day: string, amount: number) =>
    postEntry(odb, { accountId, kind: 'adjustment', amount, effectiveOn: day, source: 'test', idempotencyKey: null });
  const partOf = async (entryId: number) =>
    (
      await queryRows<{ part: string }>(
        odb,
        sql`select tableoid::regclass::text as part from ledger_entries where id = ${entryId}`,
      )
    )[0]!.part;
  /** The month partition's kind ('p': in parts, 'r': plain) and its parts with their bounds. */
  const layout = async (month: string) => {
    const rows = await queryRows<{ name: string; kind: string; bound: string; parent: string }>(
      odb,
      sql`select c.relname as name, c.relkind::text as kind, pg_get_expr(c.relpartbound, c.oid) as bound,
                 i.inhparent::regclass::text as parent
          from pg_partition_tree(${month}::regclass) t join pg_class c on c.oid = t.relid
          left join pg_inherits i on i.inhrelid = c.oid
          order by t.level, c.relname`,
    );
    return { kind: rows[0]!.kind, parent: rows[0]!.parent, parts: rows.slice(1).map((r) => [r.name, r.bound]) };
  };
  /** Every relation of the ledger's partition tree and trigger on it, with the xmin of its catalog row. */
  const catalog = () =>
    queryRows<{ name: string; xmin: string }>(
      odb,
      sql`select c.relname as name, c.xmin::text as xmin from pg_partition_tree('ledger_entries') t
          join pg_class c on c.oid = t.relid
          union all
          select tgrelid::regclass::text || '.' || tgname, xmin::text from pg_trigger
          where tgrelid in (select relid from pg_partition_tree('ledger_entries'))
          order by 1`,
    );

  it('makes each month three parts: days 1–10, 11–20 and 21 to the end; entries land by day', async () => {
    expect(await ensureLedgerPartitions(odb, { now: new Date('2025-01-15T00:00:00Z'), monthsAhead: 1 })).toEqual([
      '2025-01-01',
      '2025-02-01',
    ]);
    expect(await layout('ledger_entries_y2025m02')).toEqual({
      kind: 'p',
      parent: 'ledger_entries',
      parts: [
        ['ledger_entries_y2025m02_d01', "FOR VALUES FROM ('2025-02-01') TO ('2025-02-11')"],
        ['ledger_entries_y2025m02_d11', "FOR VALUES FROM ('2025-02-11') TO ('2025-02-21')"],
        ['ledger_entries_y2025m02_d21', "FOR VALUES FROM ('2025-02-21') TO ('2025-03-01')"],
      ],
    });
    // Only months are listed (the parts are partitions of their month, not of the ledger).
    const names = (await listLedgerPartitions(odb)).map((p) => p.name);
    expect(names).toContain('ledger_entries_y2025m01');
    expect(names.every((n) => /^ledger_entries_y\d{4}m\d{2}$/.test(n))).toBe(true);

    const landed: Record<string, string> = {};
    for (const day of [
      '2025-01-01',
      '2025-01-10',
      '2025-01-11',
      '2025-01-20',
      '2025-01-21',
      '2025-01-31',
      '2025-02-28',
    ]) {
      const r = await postOn(day, 100);
      landed[day] = await partOf(r.entryId);
    }
    expect(landed).toEqual({
      '2025-01-01': 'ledger_entries_y2025m01_d01',
      '2025-01-10': 'ledger_entries_y2025m01_d01',
      '2025-01-11': 'ledger_entries_y2025m01_d11',
      '2025-01-20': 'ledger_entries_y2025m01_d11',
      '2025-01-21': 'ledger_entries_y2025m01_d21',
      '2025-01-31': 'ledger_entries_y2025m01_d21',
      '2025-02-28': 'ledger_entries_y2025m02_d21',
    });
    // The month's constraints and triggers hold in its parts: a charge once per subscription and day,
    // nothing updated or deleted.
    await expect(odb.execute(sql`delete from ledger_entries_y2025m01_d11`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only/) },
    });
    expect((await verifyLedger(odb)).mismatches).toEqual([]);
  });

  it('moves entries that went to the default partition into the parts of the month made', async () => {
    const early = await postOn('2025-03-12', 300);
    expect(await partOf(early.entryId)).toBe('ledger_entries_default');
    expect(await ensureLedgerPartitions(odb, { now: new Date('2025-03-01T00:00:00Z'), monthsAhead: 0 })).toEqual([
      '2025-03-01',
    ]);
    expect(await partOf(early.entryId)).toBe('ledger_entries_y2025m03_d11');
  });

  it('a back-dated entry into a month in parts marks the checkpoints after it stale (the trigger is on the month)', async () => {
    const triggers = () =>
      queryRows<{ rel: string; name: string; clone: boolean }>(
        odb,
        sql`select tgrelid::regclass::text as rel, tgname as name, tgparentid <> 0 as clone from pg_trigger
            where tgname like 'ledger_entries_late%' and tgrelid::regclass::text like 'ledger_entries_y2025m01%'
            order by 1, 2`,
      );
    const stale = async () => (await readCheckpoints(odb)).filter((c) => c.stale).map((c) => c.as_of);
    // The day checkpoint falls in January: the month gets the trigger for entries before that day only.
    expect((await checkpointLedger(odb, { now: new Date('2025-01-25T12:00:00Z') })).made).toEqual(['2025-01-24']);
    const before = [
      { rel: 'ledger_entries_y2025m01', name: 'ledger_entries_late_before', clone: false },
      { rel: 'ledger_entries_y2025m01_d01', name: 'ledger_entries_late_before', clone: true },
      { rel: 'ledger_entries_y2025m01_d11', name: 'ledger_entries_late_before', clone: true },
      { rel: 'ledger_entries_y2025m01_d21', name: 'ledger_entries_late_before', clone: true },
    ];
    expect(await triggers()).toEqual(before);
    await postOn('2025-01-24', -10);
    expect(await stale()).toEqual([]);
    await postOn('2025-01-22', -10);
    expect(await stale()).toEqual(['2025-01-24']);
    // Made again; the trigger found on the month as it is, not made twice.
    expect((await checkpointLedger(odb, { now: new Date('2025-01-25T12:00:00Z') })).made).toEqual(['2025-01-24']);
    expect(await triggers()).toEqual(before);

    // February: January is wholly before the checkpoints, any entry dated in it marks them.
    expect((await checkpointLedger(odb, { now: new Date('2025-02-05T12:00:00Z') })).made).toEqual([
      '2025-02-01',
      '2025-02-04',
    ]);
    expect((await triggers()).map((t) => [t.rel, t.name])).toEqual([
      ['ledger_entries_y2025m01', 'ledger_entries_late'],
      ['ledger_entries_y2025m01_d01', 'ledger_entries_late'],
      ['ledger_entries_y2025m01_d11', 'ledger_entries_late'],
      ['ledger_entries_y2025m01_d21', 'ledger_entries_late'],
    ]);
    await postOn('2025-01-05', -10);
    expect(await stale()).toEqual(['2025-02-01', '2025-02-04']);
    expect(await verifyLedger(odb)).toMatchObject({ mismatches: [] });
    expect((await checkpointLedger(odb, { now: new Date('2025-02-05T12:00:00Z') })).made).toEqual([
      '2025-02-01',
      '2025-02-04',
    ]);
    expect(await verifyLedger(odb, { full: true })).toMatchObject({ mismatches: [], checkpointMismatches: [] });
  });

  it('replaces a plain empty month made ahead by an earlier build; a plain month with entries stays as it is', async () => {
    // Months as the earlier build made them: plain tables.
    const plain = async (name: string, from: string, to: string) => {
      await odb.execute(sql.raw(`create table ${name} (like ledger_entries including all)`));
      await odb.execute(
        sql.raw(`alter table ledger_entries attach partition ${name} for values from ('${from}') to ('${to}')`),
      );
    };
    await plain('ledger_entries_y2025m05', '2025-05-01', '2025-06-01');
    await plain('ledger_entries_y2025m06', '2025-06-01', '2025-07-01');
    await plain('ledger_entries_y2025m07', '2025-07-01', '2025-08-01');
    // A plain empty month that a checkpoint covers (its late-entry trigger is in place) is left alone too.
    await odb.execute(
      sql`create trigger ledger_entries_late after insert on ledger_entries_y2025m07
          for each row execute function ledger_entries_late()`,
    );
    const kept = await postOn('2025-05-20', 500);

    expect(await ensureLedgerPartitions(odb, { now: new Date('2025-05-15T00:00:00Z'), monthsAhead: 2 })).toEqual([
      '2025-06-01',
    ]);
    expect(await layout('ledger_entries_y2025m05')).toMatchObject({ kind: 'r', parent: 'ledger_entries', parts: [] });
    expect(await partOf(kept.entryId)).toBe('ledger_entries_y2025m05');
    expect(await layout('ledger_entries_y2025m07')).toMatchObject({ kind: 'r', parts: [] });
    expect(await layout('ledger_entries_y2025m06')).toEqual({
      kind: 'p',
      parent: 'ledger_entries',
      parts: [
        ['ledger_entries_y2025m06_d01', "FOR VALUES FROM ('2025-06-01') TO ('2025-06-11')"],
        ['ledger_entries_y2025m06_d11', "FOR VALUES FROM ('2025-06-11') TO ('2025-06-21')"],
        ['ledger_entries_y2025m06_d21', "FOR VALUES FROM ('2025-06-21') TO ('2025-07-01')"],
      ],
    });
    // Named as if made so from the start: nothing of the table it was built as is left.
    const [left] = await queryRows<{ n: number }>(
      odb,
      sql`select count(*)::int as n from pg_class where relname like '%y2025m06%new%'`,
    );
    expect(left!.n).toBe(0);
    const moved = await postOn('2025-06-15', 700);
    expect(await partOf(moved.entryId)).toBe('ledger_entries_y2025m06_d11');
    await expect(odb.execute(sql`delete from ledger_entries_y2025m06_d11`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only/) },
    });

    // Again, and the migration at the next start: nothing changes, not even a catalog row.
    const before = await catalog();
    expect(await ensureLedgerPartitions(odb, { now: new Date('2025-05-15T00:00:00Z'), monthsAhead: 2 })).toEqual([]);
    const { runMigrations } = await import('../../db/migrate.js');
    await runMigrations(own);
    expect(await catalog()).toEqual(before);
    expect((await verifyLedger(odb)).mismatches).toEqual([]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'leaves a plain empty month as it is while the ledger is busy, and replaces it on a later run (PostgreSQL)',
    async () => {
      await odb.execute(sql.raw(`create table ledger_entries_y2025m08 (like ledger_entries including all)`));
      await odb.execute(
        sql.raw(`alter table ledger_entries attach partition ledger_entries_y2025m08
                 for values from ('2025-08-01') to ('2025-09-01')`),
      );
      const now = new Date('2025-08-15T00:00:00Z');
      const reader = await own.pool!.connect();
      try {
        // A long read of the ledger: the swap's exclusive lock waits for it at most 1 s (reads and
        // writes queue behind the wait), even where the caller allows 5 s for its locks.
        await reader.query('begin');
        await reader.query('lock table ledger_entries in access share mode');
        const t0 = performance.now();
        expect(await ensureLedgerPartitions(odb, { now, monthsAhead: 0, lockTimeoutMs: 5_000 })).toEqual([]);
        expect(performance.now() - t0).toBeLessThan(3_000);
        expect(await layout('ledger_entries_y2025m08')).toMatchObject({ kind: 'r', parts: [] });
      } finally {
        await reader.query('rollback');
        reader.release();
      }
      expect(await ensureLedgerPartitions(odb, { now, monthsAhead: 0, lockTimeoutMs: 300 })).toEqual(['2025-08-01']);
      expect(await layout('ledger_entries_y2025m08')).toMatchObject({ kind: 'p', parent: 'ledger_entries' });
    },
  );

  it('archives a month in parts: detached whole, with its parts and rows', async () => {
    expect((await checkpointLedger(odb, { now: new Date('2025-03-05T12:00:00Z') })).made).toContain('2025-03-01');
    const [jan] = await queryRows<{ n: number; total: number }>(
      odb,
      sql`select count(*)::int as n, sum(amount)::int8 as total from ledger_entries
          where effective_on < '2025-02-01'`,
    );
    const done = await archiveLedgerMonths(odb, {
      before: '2025-02-01',
      now: new Date('2025-03-05T12:00:00Z'),
      minMonthsKept: 0,
    });
    expect(done).toEqual([
      {
        month: '2025-01-01',
        table: 'ledger_entries_y2025m01',
        tables: [
          'ledger_entries_y2025m01',
          'ledger_entries_y2025m01_d01',
          'ledger_entries_y2025m01_d11',
          'ledger_entries_y2025m01_d21',
        ],
        entries: jan!.n,
        total: Number(jan!.total),
      },
    ]);
    expect(await layout('ledger_entries_y2025m01')).toMatchObject({ kind: 'p', parent: null });
    const [kept] = await queryRows<{ n: number }>(odb, sql`select count(*)::int as n from ledger_entries_y2025m01`);
    expect(kept!.n).toBe(jan!.n);
    expect((await listLedgerPartitions(odb)).map((p) => p.month)).not.toContain('2025-01-01');
    expect(await verifyLedger(odb, { full: true })).toMatchObject({ mismatches: [], checkpointMismatches: [] });
  });
});
