import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

import { openDatabase, queryRows } from './db/client.js';
import { verifyPassword } from './modules/auth/passwords.js';

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

  /** The CLI with `input` on its standard input (then closed) and extra environment variables. */
  const cliWith = (input: string, extra: Record<string, string>, ...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { env: { ...env, ...extra } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });

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
    // The first run may charge a day of its own: Moscow's day can turn between the seed and this test.
    const first = await cli('billing', 'run', '--json');
    expect(first.code).toBe(0);
    const { date } = JSON.parse(first.stdout) as { date: string };
    // Charging again, on the same day, charges nothing.
    const r = await cli('billing', 'run', '--json');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ date, charged: 0, amount_kopecks: 0, blocked: 0 });
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

  it('staff create-admin: password from the environment or stdin (never argv), argon2id, audited; weak or taken logins change nothing', async () => {
    const first = 'Chief-of-billing-2026';
    const second = 'Night shift 7 keys';
    const byEnv = await cliWith(
      '',
      { ABONENT_ADMIN_PASSWORD: first },
      'staff',
      'create-admin',
      '--email',
      'Chief@ISP.example',
      '--name',
      'Ivan Chief',
    );
    expect(byEnv).toMatchObject({ code: 0, stderr: '' });
    expect(byEnv.stdout).toMatch(/administrator chief@isp\.example created/);
    const byStdin = await cliWith(`${second}\n`, {}, 'staff', 'create-admin', '--email', 'night@isp.example');
    expect(byStdin.code).toBe(0);

    const taken = await cliWith(`${second}\n`, {}, 'staff', 'create-admin', '--email', 'chief@isp.example');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/chief@isp\.example exists/);
    // Refused before the database is opened, so these may run side by side.
    const refused: [string, string[], RegExp][] = [
      ['short1\n', ['--email', 'x@isp.example'], /too weak: at least 12 characters/],
      ['only-letters-and-dashes\n', ['--email', 'x@isp.example'], /at least one digit/],
      ['', ['--email', 'y@isp.example'], /no password given: set ABONENT_ADMIN_PASSWORD/],
      ['', ['--email', 'z@isp.example', '--password', first], /unknown option '--password'/],
      [`${first}\n`, ['--email', 'not-an-email'], /Invalid input: email/],
    ];
    const answers = await Promise.all(
      refused.map(([input, args]) => cliWith(input, {}, 'staff', 'create-admin', ...args)),
    );
    answers.forEach((r, i) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(refused[i]![2]);
    });
    for (const r of [byEnv, byStdin]) expect(r.stdout + r.stderr).not.toMatch(/Chief-of-billing|Night shift/);

    const d = await openDatabase({ dataDir });
    try {
      const admins = await queryRows<{
        id: number;
        email: string;
        full_name: string;
        role: string;
        password_hash: string;
      }>(
        d.db,
        sql`select id, email, full_name, role, password_hash from staff_users where email like '%@isp.example' order by id`,
      );
      expect(admins.map((a) => [a.email, a.full_name, a.role])).toEqual([
        ['chief@isp.example', 'Ivan Chief', 'admin'],
        ['night@isp.example', 'Administrator', 'admin'],
      ]);
      expect(admins.every((a) => a.password_hash.startsWith('$argon2id$'))).toBe(true);
      expect(await verifyPassword(admins[0]!.password_hash, first)).toBe(true);
      expect(await verifyPassword(admins[1]!.password_hash, second)).toBe(true);
      const audit = await queryRows<{ actor_type: string; entity_id: string; after: { role: string } }>(
        d.db,
        sql`select actor_type, entity_id, after from audit_log where action = 'staff.create' and actor_type = 'cli' order by id`,
      );
      expect(audit.map((a) => [a.actor_type, Number(a.entity_id), a.after.role])).toEqual(
        admins.map((a) => ['cli', a.id, 'admin']),
      );
    } finally {
      await d.close();
    }
  }, 300_000);

  it('migrate --status tells deploy scripts by its exit code; a database of newer code is refused, unchanged', async () => {
    const current = await cli('migrate', '--status', '--json');
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toMatchObject({ state: 'current', pending: [], unknown: 0 });
    // What release 9 would leave: a migration this code does not know, a schema that needs code ≥ 8.0.0.
    const d = await openDatabase({ dataDir });
    await d.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('v9', 9999999999999)`);
    await d.db.execute(sql`insert into drizzle.abonent_schema_releases (code_version, oldest_code, newest_migration)
                           values ('9.0.0', '8.0.0', '0042_future')`);
    await d.close();
    try {
      const status = await cli('migrate', '--status', '--json');
      expect(status.code).toBe(4);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'newer_refused', migrated_by: '9.0.0', unknown: 1 });
      const migrate = await cli('migrate');
      expect(migrate.code).toBe(4);
      expect(migrate.stderr).toMatch(/migrated by Abonent 9\.0\.0, whose schema needs Abonent 8\.0\.0 or newer/);
      // Any other command refuses too, before touching anything.
      const show = await cli('account', 'show', '711000002');
      expect(show.code).toBe(1);
      expect(show.stderr).toMatch(/Nothing was changed/);
    } finally {
      const again = await openDatabase({ dataDir });
      await again.db.execute(sql`delete from drizzle.__drizzle_migrations where hash = 'v9'`);
      await again.db.execute(sql`delete from drizzle.abonent_schema_releases where code_version = '9.0.0'`);
      await again.close();
    }
    expect((await cli('migrate', '--status')).code).toBe(0);
  }, 120_000);

  // Last: it leaves the database broken on purpose.
  it('ledger verify fails (exit 2) on an entry whose account does not exist', async () => {
    const d = await openDatabase({ dataDir });
    // Past the ledger's API on purpose: what a bad manual fix or a broken import would leave.
    await d.db.execute(sql`insert into ledger_entries (account_id, kind, amount, effective_on, source)
                           values (987654321, 'adjustment', 100, '2026-11-25', 'test')`);
    await d.close();
    const r = await cli('ledger', 'verify', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ mismatches: [], orphan_entries: 1 });
  }, 60_000);
});
