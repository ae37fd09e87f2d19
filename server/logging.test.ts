import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { type Database, queryRows } from './db/client.js';
import { safeErrorMessage, scrubText } from './logging.js';
import { createTestDatabase } from './test/db.js';
import { buildStaff } from './test/factories.js';

/**
 * Issue 26, item 7: whatever the app logs — an error from the database, a request, a body — carries no
 * query parameters, tokens, codes, passwords or contacts. The app's own logger is used, as configured
 * by buildApp (server/logging.ts), writing into memory.
 */
let app: FastifyInstance;
let database: Database;
const lines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DEMO_SEED: '0' });
  app = await buildApp({
    config,
    database,
    logger: { level: 'info', stream: { write: (l: string) => lines.push(l) } },
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

function logged(obj: object, msg: string): string {
  const from = lines.length;
  app.log.error(obj, msg);
  return lines.slice(from).join('\n');
}

describe('logs', () => {
  it('write a database error without its parameters or the values in its message and detail', async () => {
    const phone = '79110000001';
    const email = 'vera.private@example.ru';
    const outOfRange = await failure(() => queryRows(database.db, sql`select ${phone}::int4 as n, ${email} as e`));
    // What the old serializer would have written: drizzle's message carries "params: 79110000001,…".
    expect(String((outOfRange as Error).message)).toContain(phone);
    const line = logged({ err: outOfRange }, 'query failed');
    expect(line).not.toContain(phone);
    expect(line).not.toContain(email);
    expect(JSON.parse(line).err).toMatchObject({
      type: 'DrizzleQueryError',
      message: expect.stringMatching(/^Failed query: select/),
    });
    expect(JSON.parse(line).err.cause).toMatchObject({ type: 'DatabaseError', code: '22003' });

    // A unique violation: PostgreSQL's detail names the value ("Key (email)=(…) already exists").
    const staff = await buildStaff(database.db, { email });
    const duplicate = await failure(() =>
      database.db.execute(
        sql`insert into staff_users (email, full_name, role, password_hash) values (${staff.user.email}, 'x', 'admin', 'x')`,
      ),
    );
    const dup = logged({ err: duplicate }, 'insert failed');
    expect(dup).not.toContain(email);
    expect(dup).not.toContain('vera.private');
    expect(JSON.parse(dup).err.cause).toMatchObject({ code: '23505', constraint: 'staff_users_email_unique' });
  });

  it('redact credentials in headers and bodies wherever they are logged', () => {
    const line = logged(
      {
        req: {
          method: 'POST',
          url: '/api/recovery/complete?token=abcDEF1234567890abcDEF12',
          headers: { authorization: 'Bearer tkn-1' },
        },
        headers: { cookie: 'abonent_session=s3cr3t' },
        body: { password: 'Tajna-parol-2026', code: '482913', contract: '77000001' },
        attempt: { newPassword: 'Novyi-parol-2026', totp: '123456' },
      },
      'request',
    );
    for (const secret of [
      'tkn-1',
      's3cr3t',
      'Tajna-parol-2026',
      '482913',
      'Novyi-parol-2026',
      '123456',
      'abcDEF1234567890',
    ])
      expect(line, secret).not.toContain(secret);
    expect(JSON.parse(line).req).toEqual({ method: 'POST', path: '/api/recovery/complete' });
  });

  it('mask contacts, tokens, URL queries and secret pairs in any error text (jobs keep it as last_error too)', () => {
    const text = scrubText(
      'SMTP refused vera@example.ru; GET https://api.yookassa.ru/v3/payments?key=abc failed; token=Zx9-abc; ' +
        'phone +7 (911) 000-00-01; Bearer eyJhbGciOiJIUzI1NiJ9.x; session 3q2+7wAbCdEfGh1234567890XYZ',
    );
    for (const s of [
      'vera@example.ru',
      'key=abc',
      'Zx9-abc',
      '000-00-01',
      'eyJhbGciOiJIUzI1NiJ9',
      'AbCdEfGh1234567890',
    ])
      expect(text, s).not.toContain(s);
    expect(text).toContain('https://api.yookassa.ru/v3/payments?[redacted]');
    expect(safeErrorMessage(new Error('recovery code 482913 for +79110000001'))).not.toContain('79110000001');
  });
});
