import { userInfo } from 'node:os';

import { Command, CommanderError } from 'commander';

import { isValidDay } from '../common/dates.js';
import { AppError, errorMessage } from '../common/errors.js';
import { formatRubles } from '../common/money.js';
import { parsePaymentAmount as parseAmount } from '../common/payment-amount.js';
import { readSecret } from './cli-secret.js';
import { type Config, loadConfig } from './config.js';
import { resealSecrets } from './crypto/reseal-secrets.js';
import { type Database, openDatabase } from './db/client.js';
import { type MigrationStatus, migrationStatus, runMigrations, SchemaRefusedError } from './db/migrate.js';
import { showAccount } from './modules/accounts/show-account.js';
import { runBilling } from './modules/billing/run-billing.js';
import { printDemoLogins, seedDemo } from './modules/demo/seed-demo.js';
import { importCommand, passwordsCommand } from './modules/import/import-cli.js';
import { getInstallation, renewInstallation } from './modules/installation/installation.js';
import { addManualPayment } from './modules/ledger/add-manual-payment.js';
import { archiveLedgerMonths } from './modules/ledger/archive-ledger.js';
import { checkpointLedger } from './modules/ledger/checkpoint-ledger.js';
import { ensureLedgerPartitions } from './modules/ledger/ledger-partitions.js';
import { verifyLedger } from './modules/ledger/verify-ledger.js';
import { createAdmin, parseAdminInput } from './modules/staff/create-admin.js';
import { version } from './version.js';

/**
 * The `abonent` command. Each subcommand opens the database (PGlite in DATA_DIR or DATABASE_URL),
 * applies pending migrations, does one thing, and closes it. Errors print one line and exit 1.
 */
async function withDb<T>(
  fn: (database: Database, config: Config) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    if (opts.migrate !== false) await runMigrations(database, { log: out });
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

/** Where `abonent staff create-admin` takes the password from in scripts (never from argv). */
export const ADMIN_PASSWORD_ENV = 'ABONENT_ADMIN_PASSWORD';
/** Where `abonent import ubilling|abills` takes the source's URL (it holds a password) and ABillS's key. */
export const IMPORT_URL_ENV = 'ABONENT_IMPORT_URL';
export const ABILLS_SECRET_ENV = 'ABONENT_ABILLS_SECRET';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

export function buildCli(): Command {
  const program = new Command('abonent').description('Abonent billing: administration commands').exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('migrate')
    .description(
      `apply pending database migrations; --status only tells (exit ${MIGRATE_EXIT.current} up to date, ` +
        `${MIGRATE_EXIT.pending} migrations pending, ${MIGRATE_EXIT.refused} database newer than this code or made by another build)`,
    )
    .option('--status', 'change nothing: print applied and pending migrations and which release migrated the database')
    .option('--json', 'with --status: one JSON line')
    .action((opts: { status?: boolean; json?: boolean }) =>
      opts.status
        ? withDb(
            async (d) => {
              const s = await migrationStatus(d);
              printMigrationStatus(s, !!opts.json);
              process.exitCode =
                s.state === 'pending'
                  ? MIGRATE_EXIT.pending
                  : s.state === 'newer_refused' || s.state === 'foreign'
                    ? MIGRATE_EXIT.refused
                    : MIGRATE_EXIT.current;
            },
            { migrate: false },
          )
        : withDb(
            async (d) => {
              try {
                const r = await runMigrations(d, { log: out });
                out(
                  r.appliedNow.length > 0
                    ? `${r.appliedNow.length} migrations applied; the database is at Abonent ${version}`
                    : `nothing to apply: the database is at Abonent ${r.migratedBy?.codeVersion ?? version}`,
                );
              } catch (e) {
                if (e instanceof SchemaRefusedError) process.exitCode = MIGRATE_EXIT.refused;
                throw e;
              }
            },
            { migrate: false },
          ),
    );

  program
    .command('seed-demo')
    .description('load demo regions, tariffs, staff and subscribers with history (empty database only)')
    .action(() =>
      withDb(async (d) => {
        const logins = await seedDemo(d.db, { log: out, appSecret: loadConfig().secret });
        printDemoLogins(logins, out);
      }),
    );

  const billing = program.command('billing').description('daily charging');
  billing
    .command('run')
    .description('charge every missed day up to --date (default: today in each region)')
    .option('--date <YYYY-MM-DD>', 'last day to charge')
    .option('--json', 'print one JSON line')
    .action((opts: { date?: string; json?: boolean }) =>
      withDb(async (d) => {
        const r = await runBilling(d.db, { until: opts.date, batchSize: loadConfig().BILLING_BATCH_ACCOUNTS });
        if (opts.json) {
          out(
            JSON.stringify({
              date: r.date,
              charged: r.charged,
              amount_kopecks: r.amount_kopecks,
              blocked: r.blocked,
              days: r.days.length,
            }),
          );
        } else {
          for (const day of r.days) {
            out(
              `${day.day} region ${day.regionId}: ${day.skipped ? 'already done' : `${day.charged} charged, ${formatRubles(day.amount)}, ${day.blocked} blocked`}`,
            );
          }
          out(
            `total: ${r.charged} subscriptions charged, ${formatRubles(r.amount_kopecks)}, ${r.blocked} accounts blocked`,
          );
        }
      }),
    );

  program
    .command('payment')
    .description('payments')
    .command('add <account> <rubles>')
    .description('credit a payment to a personal account (rubles, e.g. 1500 or 1500.50)')
    .requiredOption('--key <idempotency-key>', 'unique key of this payment; repeating it credits nothing again')
    .option('--comment <text>')
    .option('--json', 'print one JSON line')
    .action((account: string, rubles: string, opts: { key: string; comment?: string; json?: boolean }) => {
      const amount = parseAmount(rubles);
      return withDb(async (d) => {
        const r = await addManualPayment(d.db, {
          accountNumber: account,
          amount,
          key: opts.key,
          provider: 'cli',
          method: 'manual',
          source: 'cli',
          comment: opts.comment,
        });
        if (opts.json)
          out(
            JSON.stringify({
              payment_id: r.paymentId,
              credited: r.created,
              balance_kopecks: r.balance,
              bonus_kopecks: r.bonus,
              unblocked: r.unblocked,
            }),
          );
        else
          out(
            `${r.created ? 'credited' : 'already credited (same key)'}: ${formatRubles(amount)} to ${account}; ` +
              `balance ${formatRubles(r.balance)}${r.bonus ? `, bonus ${formatRubles(r.bonus)}` : ''}${r.unblocked ? ', unblocked' : ''}`,
          );
      });
    });

  program
    .command('account')
    .description('accounts')
    .command('show <number>')
    .description('show an account by personal account or contract number')
    .option('--json')
    .action((number: string, opts: { json?: boolean }) =>
      withDb(async (d) => {
        const a = await showAccount(d.db, number);
        if (opts.json) {
          out(JSON.stringify(a));
          return;
        }
        out(`account ${a.number}  contract ${a.contract}  ${a.subscriber}  (${a.region})`);
        out(`status ${a.status}  balance ${formatRubles(a.balance)}  credit limit ${formatRubles(a.creditLimit)}`);
        for (const s of a.subscriptions)
          out(
            `  ${s.kind} ${s.name}: ${formatRubles(s.monthlyFee)}/month from ${s.startsOn}${s.endsOn ? ` to ${s.endsOn}` : ''}`,
          );
        for (const e of a.lastEntries)
          out(`  ${e.effectiveOn} ${e.kind.padEnd(18)} ${formatRubles(e.amount).padStart(14)} ${e.comment ?? ''}`);
      }),
    );

  const ledger = program.command('ledger').description('money ledger');
  ledger
    .command('verify')
    .description(
      'check that every balance equals the sum of its ledger entries (from the latest verified checkpoint; --full: all) and that every entry names an existing account (exit 2 when not)',
    )
    .option('--full', 'read every entry still in the ledger and check the latest checkpoint too')
    .option('--from <day>', 'with --to: also sum the period from the entries (opening, each kind, closing)')
    .option('--to <day>', 'last day of the period (inclusive)')
    .option(
      '--json',
      'print one JSON line: {"accounts","mode","since","mismatches":[…],"checkpoint_mismatches":[…],"orphan_entries"[,"period"]}',
    )
    .action((opts: { full?: boolean; json?: boolean; from?: string; to?: string }) =>
      withDb(async (d) => {
        if (Boolean(opts.from) !== Boolean(opts.to) || (opts.from && (!isValidDay(opts.from) || !isValidDay(opts.to!))))
          throw new Error('--from and --to go together, as YYYY-MM-DD');
        const period = opts.from && opts.to ? { from: opts.from, to: opts.to } : undefined;
        const r = await verifyLedger(d.db, { full: opts.full, period });
        if (opts.json)
          out(
            JSON.stringify({
              accounts: r.accounts,
              mode: r.mode,
              since: r.since,
              mismatches: r.mismatches,
              checkpoint_mismatches: r.checkpointMismatches,
              orphan_entries: r.orphanEntries,
              ...(r.period ? { period: r.period } : {}),
            }),
          );
        else {
          for (const m of r.mismatches)
            out(`MISMATCH account ${m.accountNumber}: balance ${m.balance} ≠ ledger ${m.ledgerSum} (kopecks)`);
          for (const m of r.checkpointMismatches)
            out(`CHECKPOINT account id ${m.accountId}: opening ${m.opening} ≠ entries ${m.ledgerSum} (kopecks)`);
          if (r.orphanEntries > 0)
            out(
              `ORPHANS: ${r.orphanEntries} ${r.orphanEntries === 1 ? 'entry' : 'entries'} naming an account that does not exist`,
            );
          if (r.period) {
            const p = r.period;
            out(`period ${p.from} … ${p.to}: opening ${formatRubles(p.opening)}`);
            for (const [kind, total] of Object.entries(p.byKind))
              out(`  ${kind.padEnd(20)} ${formatRubles(total).padStart(18)}`);
            out(`  closing ${formatRubles(p.closing)}`);
          }
          out(
            `${r.accounts} accounts checked (${r.mode}${r.since ? `, from ${r.since}` : ''}), ` +
              `${r.mismatches.length + r.checkpointMismatches.length} mismatches, ${r.orphanEntries} orphan entries`,
          );
        }
        if (r.mismatches.length + r.checkpointMismatches.length + r.orphanEntries > 0) process.exitCode = 2;
      }),
    );
  ledger
    .command('maintain')
    .description('make month partitions ahead and bring the verified checkpoints up to date (the hourly job)')
    .action(() =>
      withDb(async (d) => {
        const made = await ensureLedgerPartitions(d.db);
        const cp = await checkpointLedger(d.db);
        out(`partitions made: ${made.join(', ') || 'none'}; checkpoints made: ${cp.made.join(', ') || 'none'}`);
      }),
    );
  ledger
    .command('archive')
    .description('detach the month partitions before --before for archiving (balances are not touched)')
    .requiredOption('--before <YYYY-MM>', 'first month to keep')
    .action((opts: { before: string }) =>
      withDb(async (d) => {
        await checkpointLedger(d.db);
        const done = await archiveLedgerMonths(d.db, { before: `${opts.before}-01` });
        for (const m of done) {
          out(`${m.month.slice(0, 7)}: ${m.entries} entries, sum ${m.total} kopecks → table ${m.table}`);
          // A month in ten-day parts: pg_dump --table dumps a partitioned table without its partitions.
          const tables = m.tables.map((t) => `--table=${t}`).join(' ');
          out(`  pg_dump ${tables} --format=custom --file=${m.table}.dump "$DATABASE_URL"`);
          out(`  then: psql "$DATABASE_URL" -c 'DROP TABLE ${m.table}'`);
        }
        out(done.length ? `${done.length} months detached` : 'nothing to archive');
      }),
    );
  const imp = program
    .command('import')
    .description('move subscribers in from another billing: CSV files, Ubilling or ABillS (docs/import.md)');
  const importOptions = (c: Command) =>
    c
      .option('--dry-run', 'read and check everything, write nothing: counts, refused rows, conflicts, money to open')
      .option('--source <name>', 'name of this source: later runs with the same name skip what was imported')
      .option('--mapping <file>', 'the mapping file to read and write (default: import-mapping-<source>.yaml)')
      .option('--problems <file>', 'write every refused row, conflict and warning to this CSV file')
      .option('--json', 'print the report as one JSON line');
  type ImportOpts = { dryRun?: boolean; source?: string; mapping?: string; problems?: string; json?: boolean };
  const runImportCli = (
    kind: 'csv' | 'ubilling' | 'abills',
    location: string,
    opts: ImportOpts,
    abillsSecret?: string,
  ) =>
    withDb(async (d, config) => {
      await importCommand(d.db, {
        kind,
        location,
        abillsSecret,
        source: opts.source,
        dryRun: Boolean(opts.dryRun),
        mappingFile: opts.mapping,
        problemsFile: opts.problems,
        json: Boolean(opts.json),
        secret: config.secret,
        keys: config.secrets,
        out,
        err: process.stderr,
      });
    });
  importOptions(imp.command('csv <directory>').description('from the documented CSV files in a directory')).action(
    (dir: string, opts: ImportOpts) => runImportCli('csv', dir, opts),
  );
  importOptions(
    imp
      .command('ubilling')
      .description(
        `from Ubilling's MySQL/MariaDB (read-only); the URL mysql://user:password@host/db from ${IMPORT_URL_ENV} or stdin`,
      ),
  ).action(async (opts: ImportOpts) => {
    const url = await readSecret({ envVar: IMPORT_URL_ENV, what: 'Source database URL' });
    return runImportCli('ubilling', url, opts);
  });
  importOptions(
    imp
      .command('abills')
      .description(
        `from ABillS's MySQL/MariaDB (read-only); the URL from ${IMPORT_URL_ENV}, the password key ($conf{secretkey}) from ${ABILLS_SECRET_ENV}`,
      ),
  ).action(async (opts: ImportOpts) => {
    const url = await readSecret({ envVar: IMPORT_URL_ENV, what: 'Source database URL' });
    const key = await readSecret({ envVar: ABILLS_SECRET_ENV, what: 'ABillS secret key' });
    return runImportCli('abills', url, opts, key);
  });
  imp
    .command('passwords')
    .description('issue cabinet passwords to imported subscribers who have none: by SMS, e-mail or printed letters')
    .requiredOption('--source <name>', 'the source the subscribers came from')
    .requiredOption('--deliver <how>', 'sms | email | letters')
    .option('--out <file.pdf>', 'letters: where to write the PDF batch')
    .action((opts: { source: string; deliver: string; out?: string }) => {
      if (!['sms', 'email', 'letters'].includes(opts.deliver))
        throw new AppError('validation_failed', { details: '--deliver: sms, email or letters' });
      return withDb((d, config) =>
        passwordsCommand(d.db, {
          source: opts.source,
          delivery: opts.deliver as 'sms' | 'email' | 'letters',
          outFile: opts.out,
          portalUrl: config.publicUrl,
          out,
          err: process.stderr,
        }),
      );
    });
  program
    .command('staff')
    .description('staff accounts')
    .command('create-admin')
    .description(
      `create an administrator (the first step of a production install). The password is never an argument: ` +
        `set ${ADMIN_PASSWORD_ENV}, type it when asked, or pipe it on stdin`,
    )
    .requiredOption('--email <email>', 'the login')
    .option('--name <full name>', 'shown in the back office and the audit trail', 'Administrator')
    .action(async (opts: { email: string; name: string }) => {
      const password = await readSecret({ envVar: ADMIN_PASSWORD_ENV, what: 'Password' });
      const input = parseAdminInput({ email: opts.email, fullName: opts.name, password });
      return withDb(async (d) => {
        const u = await createAdmin(d.db, input, osUser());
        out(`administrator ${u.email} created (id ${u.id}); sign in at /staff/login`);
      });
    });
  const inst = program
    .command('installation')
    .description('the id that prefixes every key sent to ATOL and the payment providers (decision 0021)');
  inst
    .command('show')
    .description('the current id and the earlier ones')
    .action(() =>
      withDb(async (d) => {
        const i = await getInstallation(d.db);
        out(`installation id: ${i.id}`);
        for (const p of i.previous) out(`  earlier: ${p.id} until ${p.until} (${p.why})`);
      }),
    );
  inst
    .command('renew')
    .description('make a new id: run it on a copy restored from a backup that must not reuse the original keys')
    .action(() =>
      withDb(async (d) => {
        const id = await renewInstallation(d.db, `abonent installation renew by ${osUser()}`);
        out(`installation id is now ${id}; rows made before keep their keys`);
      }),
    );
  program
    .command('secrets')
    .description('values sealed at rest (passports, staff TOTP secrets, PPPoE passwords, NAS secrets)')
    .command('reseal')
    .description(
      'after changing APP_SECRET (old one in APP_SECRET_PREVIOUS) and restarting every process: re-seal everything under the new one, counts per kind',
    )
    .action(() =>
      withDb(async (d, config) => {
        await resealSecrets(d.db, config.secrets, out);
        out('done: every value now opens with APP_SECRET alone; APP_SECRET_PREVIOUS can be removed');
      }),
    );
  return program;
}

/** Exit codes of `abonent migrate [--status]` for deploy scripts (docs/upgrades.md). */
export const MIGRATE_EXIT = { current: 0, pending: 3, refused: 4 } as const;

function printMigrationStatus(s: MigrationStatus, json: boolean): void {
  if (json) {
    out(
      JSON.stringify({
        state: s.state,
        code_version: s.codeVersion,
        migrated_by: s.migratedBy?.codeVersion ?? null,
        oldest_code: s.migratedBy?.oldestCode ?? null,
        applied: s.applied.length,
        pending: s.pending,
        unknown: s.unknown,
      }),
    );
    return;
  }
  out(`code: Abonent ${s.codeVersion}`);
  out(
    `database: ${s.applied.length} migrations of this code applied` +
      (s.migratedBy ? `; last migrated by Abonent ${s.migratedBy.codeVersion} at ${s.migratedBy.at}` : ''),
  );
  for (const tag of s.pending) out(`  pending: ${tag}`);
  if (s.unknown > 0) out(`  ${s.unknown} migrations in the database that this code does not know`);
  out(
    s.message ?? (s.state === 'pending' ? `${s.pending.length} migrations pending: run abonent migrate` : 'up to date'),
  );
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1; // commander already printed it
    const lang = (process.env.LANG ?? '').startsWith('ru') ? 'ru' : 'en';
    const msg =
      e instanceof AppError ? errorMessage(e.code, e.params, lang) : e instanceof Error ? e.message : String(e);
    process.stderr.write(`abonent: ${msg}\n`);
    // A command may have chosen its exit code before failing (migrate: 4 when the database is refused).
    return Number(process.exitCode ?? 0) || 1;
  }
}

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
