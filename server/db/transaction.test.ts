import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase } from '../test/db.js';
import { type Database, queryRows } from './client.js';
import { assertNoTransaction, inTransaction } from './transaction.js';

describe('inTransaction: a use-case is atomic alone and composes into its caller’s transaction', () => {
  let database: Database;
  const count = async () =>
    (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from tx_probe`))[0]!.n;
  const insert = (db: Database['db'], v: string) => db.execute(sql`insert into tx_probe (v) values (${v})`);

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.execute(sql`create table tx_probe (v text not null)`);
  });
  afterAll(() => database.close());

  it('given the database, opens a transaction: all of it commits, or none of it on an error', async () => {
    await inTransaction(database.db, async (tx) => {
      await insert(tx, 'a');
      await insert(tx, 'b');
    });
    expect(await count()).toBe(2);
    await expect(
      inTransaction(database.db, async (tx) => {
        await insert(tx, 'c');
        throw new Error('use-case failed');
      }),
    ).rejects.toThrow('use-case failed');
    expect(await count()).toBe(2);
  });

  it('given a transaction, runs in it: the caller’s rollback undoes the use-case’s work too', async () => {
    await expect(
      database.db.transaction(async (outer) => {
        await inTransaction(outer, (tx) => insert(tx, 'd'));
        expect((await queryRows<{ n: number }>(outer, sql`select count(*)::int as n from tx_probe`))[0]!.n).toBe(3);
        throw new Error('caller failed after the use-case');
      }),
    ).rejects.toThrow('caller failed');
    expect(await count()).toBe(2);
  });

  it('refuses to run a use-case that calls the network inside a transaction', async () => {
    expect(() => assertNoTransaction(database.db, 'refund')).not.toThrow();
    await expect(
      database.db.transaction(async (tx) => assertNoTransaction(tx, 'refundCardPayment: asks the provider')),
    ).rejects.toThrow(/refundCardPayment: asks the provider/);
  });
});
