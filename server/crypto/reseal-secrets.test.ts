import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../db/client.js';
import { encryptPassport } from '../modules/contracts/passport-crypto.js';
import { decryptSecret } from '../modules/network/network-crypto.js';
import { createTestDatabase } from '../test/db.js';
import { buildRegion, buildStaff, buildSubscriber } from '../test/factories.js';
import { buildNas, buildNetworkAccess } from '../test/network-factories.js';
import { resealSecrets, SEALED } from './reseal-secrets.js';
import { open, seal } from './secret-box.js';

const OLD = 'the-secret-this-isp-had-at-install';
const NEW = 'the-secret-this-isp-rotated-to-2026';

describe('abonent secrets reseal', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('knows every sealed column of the schema (a new *_enc column must be resealed too)', async () => {
    const cols = await queryRows<{ table_name: string; column_name: string }>(
      database.db,
      sql`select table_name, column_name from information_schema.columns
          where table_schema = 'public' and (column_name like '%\_enc' or column_name = 'totp_secret')
          order by 1, 2`,
    );
    expect(cols.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
      SEALED.map((s) => `${s.table}.${s.column}`).sort(),
    );
  });

  it('re-seals passports, TOTP secrets, PPPoE passwords, NAS secrets and contract PDFs under the new key, counted per kind', async () => {
    const db = database.db;
    const region = await buildRegion(db);
    const sub = await buildSubscriber(db, { regionId: region.id });
    await db.execute(
      sql`update subscribers set passport_enc = ${encryptPassport('4510123456', OLD)} where id = ${sub.subscriber.id}`,
    );
    const staff = await buildStaff(db, { role: 'admin' });
    await db.execute(
      sql`update staff_users set totp_secret = ${seal('JBSWY3DPEHPK3PXP', 'totp', OLD)} where id = ${staff.user.id}`,
    );
    const access = await buildNetworkAccess(db, {
      accountId: sub.account.id,
      appSecret: OLD,
      password: 'Router-pass-7',
    });
    const box = await buildNas(db, { regionId: region.id, appSecret: OLD, secret: 'nas-shared-secret' });
    await db.execute(
      sql`insert into contract_pdfs (contract_id, pdf_enc, signed_by)
          values (${sub.contract.id}, ${seal('JVBERi0xLjQ=', 'contract-pdf', OLD)}, ${staff.user.id})`,
    );
    const rotated = { current: NEW, previous: [OLD] };

    // Before the reseal, the old key still opens everything for a process that has both.
    const pw = () =>
      queryRows<{ v: string }>(
        db,
        sql`select password_enc as v from network_access where account_id = ${sub.account.id}`,
      );
    expect(decryptSecret('network-password', (await pw())[0]!.v, rotated)).toBe('Router-pass-7');

    const lines: string[] = [];
    const done = await resealSecrets(db, rotated, (l) => lines.push(l));
    expect(done).toMatchObject({
      passports: 1,
      'staff TOTP secrets': 1,
      'PPPoE passwords': 1,
      'NAS secrets': 1,
      'contract PDFs (24 hours)': 1,
    });
    expect(lines).toContain('PPPoE passwords: 1 resealed');

    // After it, the new secret alone opens every value, and the old one alone opens none.
    const newOnly = { current: NEW, previous: [] };
    const [p] = await pw();
    expect(decryptSecret('network-password', p!.v, newOnly)).toBe(access.password);
    expect(() => decryptSecret('network-password', p!.v, OLD)).toThrow(/neither APP_SECRET nor in APP_SECRET_PREVIOUS/);
    const [n] = await queryRows<{ v: string }>(db, sql`select secret_enc as v from nas where id = ${box.id}`);
    expect(decryptSecret('nas-secret', n!.v, newOnly)).toBe('nas-shared-secret');
    const [s] = await queryRows<{ v: string }>(
      db,
      sql`select passport_enc as v from subscribers where id = ${sub.subscriber.id}`,
    );
    expect(open(s!.v, 'passport', newOnly)).toBe('4510123456');
    const [t] = await queryRows<{ v: string }>(
      db,
      sql`select totp_secret as v from staff_users where id = ${staff.user.id}`,
    );
    expect(open(t!.v, 'totp', newOnly)).toBe('JBSWY3DPEHPK3PXP');
    const [d] = await queryRows<{ v: string }>(
      db,
      sql`select pdf_enc as v from contract_pdfs where contract_id = ${sub.contract.id}`,
    );
    expect(open(d!.v, 'contract-pdf', newOnly)).toBe('JVBERi0xLjQ=');

    // Run again: nothing left to do.
    expect(Object.values(await resealSecrets(db, newOnly))).toEqual([0, 0, 0, 0, 0]);
  });

  it('opens network values sealed before they carried a key id (v1), under either secret', () => {
    // The format network-crypto.ts wrote before 1.0.0's rotation support: no key id.
    const v2 = seal('legacy-pass', 'network-password', OLD);
    const [, , iv, tag, data] = v2.split(':');
    const v1 = `v1:${iv}:${tag}:${data}`;
    expect(decryptSecret('network-password', v1, { current: NEW, previous: [OLD] })).toBe('legacy-pass');
    expect(() => decryptSecret('network-password', v1, NEW)).toThrow(/no configured APP_SECRET opens it/);
  });
});
