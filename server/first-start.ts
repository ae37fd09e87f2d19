import type { AddressInfo } from 'node:net';

import { sql } from 'drizzle-orm';

import type { Config } from './config.js';
import { type Database, queryRows } from './db/client.js';
import { isEmptyDatabase } from './db/migrate.js';
import { findDemoLogins, printDemoLogins, seedDemo } from './modules/demo/seed-demo.js';
import { version } from './version.js';

/**
 * What a start does before serving and what it prints when it is up (docs/deploy.md):
 *
 * - Demo data goes into an empty database only when asked: DEMO_SEED (on by default in development
 *   only) or `abonent seed-demo`. A production start never loads it by itself.
 * - A start with no administrator says what to run next (`abonent staff create-admin`).
 * - The last lines are the banner: the addresses to open, the demo logins (development), and where
 *   the messages that were not sent can be read.
 */
export async function seedDemoIfAsked(database: Database, config: Config, log: (s: string) => void): Promise<void> {
  if (!config.DEMO_SEED || !(await isEmptyDatabase(database))) return;
  if (config.NODE_ENV === 'production') log('DEMO_SEED=1: loading the demo data into this production database.');
  await seedDemo(database.db, { log });
}

export async function startupBanner(database: Database, config: Config, url: string): Promise<string[]> {
  const lines: string[] = [];
  const [staff] = await queryRows<{ admins: number }>(
    database.db,
    sql`select count(*) filter (where role = 'admin' and active)::int as admins from staff_users`,
  );
  if (config.NODE_ENV !== 'production' || config.DEMO_SEED)
    printDemoLogins(await findDemoLogins(database.db), (s) => lines.push(s));
  const mode = config.NODE_ENV === 'production' ? 'production' : config.NODE_ENV;
  const db = database.kind === 'pglite' ? `embedded PGlite in ${config.DATA_DIR}` : 'PostgreSQL';
  lines.push('', `Abonent ${version} is running (${mode}, database: ${db})`);
  lines.push(`  Site and sign-in   ${url}/`);
  lines.push(`  Cabinet            ${url}/cabinet`);
  lines.push(`  Back office        ${url}/staff`);
  lines.push(`  API documentation  ${url}/api/docs`);
  if (config.NODE_ENV !== 'production' && !config.SMTP_URL && !config.SMPP_URL && !config.SMS_HTTP_URL)
    lines.push(`  Sent e-mail / SMS  ${url}/dev/outbox  (not delivered in development; readable from this machine)`);
  if ((staff?.admins ?? 0) === 0) {
    // `npx abonent` runs as production unless NODE_ENV says otherwise; `npm run cli` keeps development.
    const cli = config.NODE_ENV === 'production' ? 'npx abonent' : 'npm run cli --';
    const stop =
      database.kind === 'pglite' ? ' (stop this server first: the embedded database opens in one process)' : '';
    lines.push(
      '',
      'No administrator yet. Next step — create the first one; it asks for the password (never printed or logged;',
      'in a script, give it in ABONENT_ADMIN_PASSWORD or on stdin, never as an argument):',
      `  ${cli} staff create-admin --email admin@your-isp.ru --name "Full Name"${stop}`,
      `Then sign in at ${url}/staff/login to create regions, tariffs and staff accounts.`,
    );
    if (config.NODE_ENV !== 'production')
      lines.push('(For a demo instead: `npm run cli -- seed-demo` on an empty database, or DEMO_SEED=1.)');
  }
  return lines;
}

/** The address the banner shows: PUBLIC_URL, or where the server really listens. */
export function listeningUrl(config: Config, address: AddressInfo | string | null): string {
  if (config.PUBLIC_URL) return config.publicUrl;
  if (!address || typeof address === 'string') return config.publicUrl;
  const host = ['0.0.0.0', '::'].includes(address.address)
    ? 'localhost'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}
