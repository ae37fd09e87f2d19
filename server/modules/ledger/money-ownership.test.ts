import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

import { moneyPlugin } from '../../../eslint.money.js';

/**
 * The lint rule that keeps money state with its one owner (eslint.config.js applies it to server code
 * outside server/modules/ledger; `npm run check` runs it). Here: it catches each way of writing money
 * state from elsewhere, and leaves reads and account creation alone.
 */
const linter = new Linter({ configType: 'flat' });
const config = [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { money: moneyPlugin },
    rules: { 'money/state-owner': 'error' } as Linter.RulesRecord,
  },
];
const problems = (code: string) =>
  linter.verify(code, config, 'server/modules/elsewhere/write-money.ts').map((m) => m.message);

describe('money ownership lint', () => {
  it.each([
    ['a balance update', 'sql`update accounts set balance = balance + ${x} where id = ${id}`'],
    [
      'a multi-line status update',
      "sql`update accounts a\n  set status = 'active', status_changed_at = now()\n  where a.id = ${id}`",
    ],
    ['a promised credit', 'sql`update accounts set promised_credit = ${sum} where id = ${accountId}`'],
    ['a ledger entry', "sql`insert into ledger_entries (account_id, kind, amount) values (${a}, 'adjustment', ${n})`"],
    ['a ledger entry in a plain string', "client.query('INSERT INTO ledger_entries (account_id) VALUES ($1)', [1])"],
    ['a debt event', "sql`insert into account_events (account_id, kind) values (${id}, 'unblocked')`"],
    ['a promised payment row', "sql`update promised_payments set status = 'repaid' where account_id = ${id}`"],
    ['a Drizzle update of accounts', "db.update(accounts).set({ status: 'suspended' }).where(eq(accounts.id, id))"],
    ['a Drizzle ledger insert', 'db.insert(ledgerEntries).values({ accountId: 1, kind: "payment", amount: 1 })'],
    [
      'an account born with money',
      'db.insert(accounts).values({ number: n, contractId: c, regionId: r, balance: 500 })',
    ],
  ])('refuses %s', (_, code) => {
    expect(problems(code)).toEqual([expect.stringMatching(/^Money state has one owner/)]);
  });

  it.each([
    [
      'reads of the balance',
      'sql`select a.balance, a.status from accounts a where a.id = ${id} for no key update of a, p`',
    ],
    ['other account events', "sql`insert into account_events (account_id, kind) values (${id}, 'tariff_changed')`"],
    ['account creation', 'db.insert(accounts).values({ number: n, contractId: c, regionId: r })'],
    ['updates of other tables', "sql`update payments set status = 'succeeded' where id = ${id}`"],
  ])('allows %s', (_, code) => {
    expect(problems(code)).toEqual([]);
  });
});
