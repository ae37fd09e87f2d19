import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import {
  creditPayment,
  creditPaymentIfUnchanged,
  type CreditSnapshot,
  creditSnapshotColumns,
  snapshotUnchanged,
} from './credit-payment.js';
import { lockAccount } from './lock-account.js';
import { postEntry } from './post-entry.js';
import { grantPromisedCredit } from './promised-credit.js';
import { setServiceStatus } from './set-service-status.js';
import { verifyLedger } from './verify-ledger.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const count = async () =>
  (await queryRows<{ n: number }>(database.db, sql`select count(*)::int8 as n from ledger_entries`))[0]!.n;

describe('crediting payments', () => {
  it('credits a key once and returns the first result on a repeat', async () => {
    const { account } = await buildSubscriber(database.db, { balance: 0 });
    const input = {
      accountId: account.id,
      amount: 10_000,
      idempotencyKey: `k-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    };
    const first = await creditPayment(database.db, input);
    const second = await creditPayment(database.db, input);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, entryId: first.entryId, balance: 10_000 });
    const [a] = await queryRows<{ balance: number }>(
      database.db,
      sql`select balance from accounts where id = ${account.id}`,
    );
    expect(a!.balance).toBe(10_000);
  });

  it('an optimistic credit writes nothing when the account changed since its read, and credits from a fresh read', async () => {
    const { account } = await buildSubscriber(database.db, { balance: -30_000, monthlyFee: 60_000 });
    const day = sql`'2026-11-25'::date`;
    const read = async () =>
      (
        await queryRows<CreditSnapshot>(
          database.db,
          sql`select ${creditSnapshotColumns(day)} from accounts a join regions r on r.id = a.region_id where a.id = ${account.id}`,
        )
      )[0]!;
    const guardFor = (snap: CreditSnapshot) =>
      sql`select 1 from accounts a where ${snapshotUnchanged(snap, day)} for update of a`;
    const input = {
      accountId: account.id,
      amount: 210_000,
      idempotencyKey: `o-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    };
    const stale = await read();
    // The night's charge lands between the read and the write: the bonus computed from the old
    // balance might be wrong, so nothing may be written.
    await postEntry(database.db, {
      accountId: account.id,
      kind: 'charge',
      amount: -2_000,
      effectiveOn: '2026-11-25',
      source: 'test',
    });
    const entries = await count();
    expect(await creditPaymentIfUnchanged(database.db, input, stale, guardFor(stale))).toBe('changed');
    expect(await count()).toBe(entries);
    const fresh = await read();
    const r = await creditPaymentIfUnchanged(database.db, input, fresh, guardFor(fresh));
    // 210 000 − 32 000 debt = 178 000 prepays 2 months of 60 000, below the 3-month tier: no bonus.
    expect(r).toMatchObject({ created: true, bonus: 0, balance: 178_000 });
    expect(await count()).toBe(entries + 1);
    expect((await verifyLedger(database.db)).mismatches.filter((m) => m.accountId === account.id)).toEqual([]);
  });

  it('refuses the same key for a different amount', async () => {
    const { account } = await buildSubscriber(database.db);
    const base = {
      accountId: account.id,
      idempotencyKey: `c-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    };
    await creditPayment(database.db, { ...base, amount: 100 });
    await expect(creditPayment(database.db, { ...base, amount: 200 })).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
  });

  it('credits the prepay bonus with the payment', async () => {
    const { account } = await buildSubscriber(database.db, { monthlyFee: 60_000 });
    const r = await creditPayment(database.db, {
      accountId: account.id,
      amount: 180_000,
      idempotencyKey: `b-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    });
    expect(r).toMatchObject({ bonus: 9_000, balance: 189_000 });
    const again = await creditPayment(database.db, {
      accountId: account.id,
      amount: 180_000,
      idempotencyKey: `b-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    });
    expect(again).toMatchObject({ created: false, bonus: 9_000, balance: 189_000 });
  });

  it('refuses bad input and changes nothing', async () => {
    const { account } = await buildSubscriber(database.db);
    const before = await count();
    const base = {
      accountId: account.id,
      idempotencyKey: `x-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    };
    await expect(creditPayment(database.db, { ...base, amount: -100 })).rejects.toMatchObject({ code: 'bad_amount' });
    await expect(creditPayment(database.db, { ...base, amount: 0 })).rejects.toMatchObject({ code: 'bad_amount' });
    await expect(creditPayment(database.db, { ...base, amount: 10.5 })).rejects.toMatchObject({ code: 'bad_amount' });
    await expect(creditPayment(database.db, { ...base, amount: 1e12 })).rejects.toMatchObject({ code: 'bad_amount' });
    await expect(creditPayment(database.db, { ...base, accountId: 987_654_321, amount: 100 })).rejects.toMatchObject({
      code: 'account_not_found',
    });
    expect(await count()).toBe(before);
  });

  it('the ledger is append-only', async () => {
    const { account } = await buildSubscriber(database.db, { balance: 500 });
    const causeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: { cause?: { message?: string }; message?: string }) => e.cause?.message ?? e.message,
      );
    expect(
      await causeOf(database.db.execute(sql`update ledger_entries set amount = 1 where account_id = ${account.id}`)),
    ).toMatch(/append-only/);
    expect(
      await causeOf(database.db.execute(sql`delete from ledger_entries where account_id = ${account.id}`)),
    ).toMatch(/append-only/);
  });
});

describe('the ledger API', () => {
  const state = async (id: number) =>
    (
      await queryRows<{ balance: number; status: string; promised_credit: number; events: string }>(
        database.db,
        sql`select a.balance, a.status, a.promised_credit,
                   coalesce((select string_agg(kind, ',' order by id) from account_events e where e.account_id = a.id), '') as events
            from accounts a where a.id = ${id}`,
      )
    )[0]!;

  it('postEntry restores a blocked account that a credit covers, and a debit never blocks', async () => {
    const { account } = await buildSubscriber(database.db, { balance: -3_000, status: 'blocked', creditLimit: 1_000 });
    const base = { accountId: account.id, kind: 'adjustment' as const, effectiveOn: '2026-11-25', source: 'test' };
    expect(await postEntry(database.db, { ...base, amount: 1_000, idempotencyKey: `u1-${account.id}` })).toMatchObject({
      unblocked: false,
      balance: -2_000,
    });
    // −1 000 + 1 000 of credit limit = 0: covered.
    expect(await postEntry(database.db, { ...base, amount: 1_000, idempotencyKey: `u2-${account.id}` })).toMatchObject({
      unblocked: true,
      balance: -1_000,
    });
    await postEntry(database.db, { ...base, amount: -50_000, idempotencyKey: `u3-${account.id}` });
    expect(await state(account.id)).toMatchObject({ status: 'active', balance: -51_000, events: 'unblocked' });
  });

  it('a promised credit is granted, repaid by the next payment inside its statement, and its row closed', async () => {
    const { account } = await buildSubscriber(database.db, { balance: -2_000, status: 'blocked', monthlyFee: 60_000 });
    const granted = await database.db.transaction(async (tx) => {
      await lockAccount(tx, account.id);
      return grantPromisedCredit(tx, {
        accountId: account.id,
        amount: 10_000,
        takenOn: '2026-11-25',
        dueOn: '2026-11-30',
      });
    });
    expect(granted.unblocked).toBe(true);
    expect(await state(account.id)).toMatchObject({ status: 'active', promised_credit: 10_000 });
    // The optimistic one-statement credit repays too (it used to need the transactional path).
    const day = sql`'2026-11-25'::date`;
    const [snap] = await queryRows<CreditSnapshot>(
      database.db,
      sql`select ${creditSnapshotColumns(day)} from accounts a join regions r on r.id = a.region_id where a.id = ${account.id}`,
    );
    const input = {
      accountId: account.id,
      amount: 5_000,
      idempotencyKey: `pp-${account.id}`,
      source: 'test',
      effectiveOn: '2026-11-25',
    };
    const guard = sql`select 1 from accounts a where ${snapshotUnchanged(snap!, day)} for no key update of a`;
    expect(await creditPaymentIfUnchanged(database.db, input, snap!, guard)).toMatchObject({ balance: 3_000 });
    const [pp] = await queryRows<{ status: string }>(
      database.db,
      sql`select status from promised_payments where id = ${granted.id}`,
    );
    expect(pp!.status).toBe('repaid');
    expect(await state(account.id)).toMatchObject({ status: 'active', promised_credit: 0, balance: 3_000 });
  });

  it('setServiceStatus suspends, and resumes into debt as blocked', async () => {
    const { account } = await buildSubscriber(database.db, { balance: -500 });
    expect(await setServiceStatus(database.db, { accountId: account.id, change: 'suspend' })).toBe('suspended');
    expect(await setServiceStatus(database.db, { accountId: account.id, change: 'suspend' })).toBe('suspended');
    expect(await setServiceStatus(database.db, { accountId: account.id, change: 'resume' })).toBe('blocked');
    expect((await state(account.id)).events).toBe('suspended,resumed,blocked');
    const { account: paid } = await buildSubscriber(database.db, { balance: 500 });
    await setServiceStatus(database.db, { accountId: paid.id, change: 'suspend' });
    expect(await setServiceStatus(database.db, { accountId: paid.id, change: 'resume' })).toBe('active');
  });
});

describe('ledger verify', () => {
  it('finds a deliberately corrupted balance', async () => {
    const { account } = await buildSubscriber(database.db, { balance: 1_000 });
    expect((await verifyLedger(database.db)).mismatches).toEqual([]);
    await database.db.execute(sql`update accounts set balance = balance + 1 where id = ${account.id}`);
    const { mismatches } = await verifyLedger(database.db);
    expect(mismatches).toEqual([
      { accountId: account.id, accountNumber: account.number, balance: 1_001, ledgerSum: 1_000 },
    ]);
    await database.db.execute(sql`update accounts set balance = balance - 1 where id = ${account.id}`);
  });

  it('counts entries whose account does not exist', async () => {
    expect((await verifyLedger(database.db)).orphanEntries).toBe(0);
    await database.db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source)
                                  values (987654321, 'adjustment', 100, '2026-11-25', 'test')`);
    expect(await verifyLedger(database.db)).toMatchObject({ mismatches: [], orphanEntries: 1 });
  });
});
