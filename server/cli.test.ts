import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import { openDatabase } from './db/client.js';

const run = promisify(execFile);
const bin = new URL('../bin/abonent.js', import.meta.url).pathname;

/** The real `abonent` binary on its own embedded database, as an operator would run it. */
describe('abonent CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'abonent-cli-'));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const cli = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [bin, ...args], { env });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  beforeAll(async () => {
    const seeded = await cli('seed-demo');
    expect(seeded.code).toBe(0);
  }, 120_000);

  it('credits a payment once per key and unblocks the debtor', async () => {
    const before = JSON.parse((await cli('account', 'show', '711000002', '--json')).stdout);
    expect(before.status).toBe('blocked');
    const first = await cli('payment', 'add', '711000002', '100.50', '--key', 'office-1', '--json');
    const again = await cli('payment', 'add', '711000002', '100.50', '--key', 'office-1', '--json');
    expect(JSON.parse(first.stdout)).toMatchObject({
      credited: true,
      unblocked: true,
      balance_kopecks: before.balance + 10_050,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ credited: false, balance_kopecks: before.balance + 10_050 });
    const after = JSON.parse((await cli('account', 'show', '711000002', '--json')).stdout);
    expect(after.status).toBe('active');
  }, 60_000);

  it('runs billing idempotently and prints one JSON line', async () => {
    const r = await cli('billing', 'run', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ charged: 0, amount_kopecks: 0, blocked: 0 });
  }, 60_000);

  it('refuses bad input with one clear line and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['payment', 'add', '000000000', '10', '--key', 'k'], /Personal account 000000000 not found/],
      [['payment', 'add', '711000001', '10.005', '--key', 'k'], /Invalid amount/],
      [['payment', 'add', '711000001', '0', '--key', 'k'], /Invalid amount/],
      [['billing', 'run', '--date', '2026-02-30'], /Invalid date: 2026-02-30/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    const verify = await cli('ledger', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/0 mismatches, 0 orphan entries/);
  }, 60_000);

  // Last: it leaves the database broken on purpose.
  it('ledger verify fails (exit 2) on an entry whose account does not exist', async () => {
    const d = await openDatabase({ dataDir });
    // Past the ledger's API on purpose: what a bad manual fix or a broken import would leave.
    await d.db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source)
                           values (987654321, 'adjustment', 100, '2026-11-25', 'test')`);
    await d.close();
    const r = await cli('ledger', 'verify', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ mismatches: [], orphanEntries: 1 });
  }, 60_000);
});
