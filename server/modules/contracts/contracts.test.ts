import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildService, buildStaff, buildTariff } from '../../test/factories.js';
import { isValidContractNumber } from './contract-numbers.js';
import { decryptPassport } from './passport-crypto.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Text of the given page of a PDF, via poppler's pdftotext. */
function pdfPageText(pdf: Buffer, page: number | 'last'): string {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-pdf-'));
  const file = join(dir, 'c.pdf');
  writeFileSync(file, pdf);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
  const p = page === 'last' ? pages : page;
  return execFileSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', file, '-']).toString();
}

async function setup() {
  const region = await buildRegion(t.database.db, { nameRu: 'Санкт-Петербург' });
  const tariff = await buildTariff(t.database.db, { regionId: region.id, nameRu: 'Домашний 100', monthlyFee: 55_000 });
  const tv = await buildService(t.database.db, {
    regionId: region.id,
    kind: 'tv',
    nameRu: 'ТВ Базовый',
    monthlyFee: 19_900,
  });
  const op = await buildStaff(t.database.db, { role: 'operator' });
  return { region, tariff, tv, op };
}
const body = (o: { regionId: number; tariffId: number; serviceIds?: number[] }) => ({
  fullName: 'Соколова Елена Игоревна',
  address: 'г. Санкт-Петербург, пр. Невский, д. 10, кв. 5',
  phone: '+7 (921) 555-12-34',
  email: 'sokolova@example.ru',
  passport: '4010 123456',
  serviceIds: [],
  ...o,
});

describe('contract signing', () => {
  it('creates the contract, account and subscriptions, and a PDF with the number first and the password last', async () => {
    const { region, tariff, tv, op } = await setup();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/contracts',
      headers: op.auth,
      payload: body({ regionId: region.id, tariffId: tariff.id, serviceIds: [tv.id] }),
    });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(isValidContractNumber(r.contract.number)).toBe(true);
    expect(r.account.number).toMatch(/^7\d{8}$/);
    expect(r.initialPassword).toMatch(/^[A-Za-z2-9]{10}$/);

    const pdf = await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: op.auth });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const first = pdfPageText(pdf.rawPayload, 1);
    expect(first).toContain(`№ ${r.contract.number}`);
    expect(first).toContain('Соколова Елена Игоревна');
    expect(first).toContain('ТВ Базовый');
    const last = pdfPageText(pdf.rawPayload, 'last');
    expect(last).toContain(r.initialPassword);
    expect(last).toContain(r.contract.number);
    expect(first).not.toContain(r.initialPassword);

    const [row] = await queryRows<{
      password_hash: string;
      must_change_password: number;
      phone: string;
      passport_enc: string;
      passport_last4: string;
    }>(
      t.database.db,
      sql`select c.password_hash, c.must_change_password, s.phone, s.passport_enc, s.passport_last4
          from contracts c join subscribers s on s.id = c.subscriber_id where c.id = ${r.contract.id}`,
    );
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(row!.password_hash).not.toContain(r.initialPassword);
    expect(row!.must_change_password).toBe(1);
    expect(row!.phone).toBe('79215551234');
    expect(row!.passport_enc).not.toContain('123456');
    expect(decryptPassport(row!.passport_enc, t.config.secret)).toBe('4010123456');
    expect(row!.passport_last4).toBe('3456');
    const subs = await queryRows<{ kind: string; monthly_fee: number }>(
      t.database.db,
      sql`select kind, monthly_fee from subscriptions where account_id = ${r.account.id} order by kind`,
    );
    expect(subs).toEqual([
      { kind: 'service', monthly_fee: 19_900 },
      { kind: 'tariff', monthly_fee: 55_000 },
    ]);

    // The subscriber can sign in with the password from the PDF and must change it.
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { contract: r.contract.number, password: r.initialPassword },
    });
    expect(login.json().mustChangePassword).toBe(true);
    const audit = await queryRows<{ after: Record<string, unknown> }>(
      t.database.db,
      sql`select after from audit_log where action = 'contract.sign' and entity_id = ${String(r.contract.id)}`,
    );
    expect(JSON.stringify(audit)).not.toContain(r.initialPassword);
  });

  it('gives concurrent signings different numbers', async () => {
    const { region, tariff, op } = await setup();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/staff/contracts',
          headers: op.auth,
          payload: body({ regionId: region.id, tariffId: tariff.id }),
        }),
      ),
    );
    const numbers = results.map((r) => r.json().contract.number);
    expect(new Set(numbers).size).toBe(5);
  });

  it('refuses a tariff of another region, bad input and other roles, creating nothing', async () => {
    const { region, op } = await setup();
    const other = await buildRegion(t.database.db);
    const foreign = await buildTariff(t.database.db, { regionId: other.id });
    const before = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int8 as n from contracts`);
    const wrongRegion = await t.app.inject({
      method: 'POST',
      url: '/api/staff/contracts',
      headers: op.auth,
      payload: body({ regionId: region.id, tariffId: foreign.id }),
    });
    expect(wrongRegion.json().error.code).toBe('tariff_not_available');
    const badPhone = await t.app.inject({
      method: 'POST',
      url: '/api/staff/contracts',
      headers: op.auth,
      payload: { ...body({ regionId: region.id, tariffId: foreign.id }), phone: '12345' },
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.message).toMatch(/phone/);
    for (const role of ['support', 'finance'] as const) {
      const s = await buildStaff(t.database.db, { role });
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/staff/contracts',
            headers: s.auth,
            payload: body({ regionId: region.id, tariffId: foreign.id }),
          })
        ).statusCode,
      ).toBe(403);
    }
    const after = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int8 as n from contracts`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('stops serving the PDF after 24 hours', async () => {
    const { region, tariff, op } = await setup();
    const r = (
      await t.app.inject({
        method: 'POST',
        url: '/api/staff/contracts',
        headers: op.auth,
        payload: body({ regionId: region.id, tariffId: tariff.id }),
      })
    ).json();
    await t.database.db.execute(
      sql`update contract_pdfs set created_at = now() - interval '25 hours' where contract_id = ${r.contract.id}`,
    );
    const res = await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: op.auth });
    expect(res.statusCode).toBe(410);
  });

  it('keeps the PDF sealed at rest and serves it only to its signer and administrators (issue 26)', async () => {
    const { region, tariff, op } = await setup();
    const r = (
      await t.app.inject({
        method: 'POST',
        url: '/api/staff/contracts',
        headers: op.auth,
        payload: body({ regionId: region.id, tariffId: tariff.id }),
      })
    ).json();
    // At rest: neither the PDF nor the password in clear, and nothing in the old clear-text table.
    const [stored] = await queryRows<{ pdf_enc: string }>(
      t.database.db,
      sql`select pdf_enc from contract_pdfs where contract_id = ${r.contract.id}`,
    );
    expect(stored!.pdf_enc).toMatch(/^v2:/);
    const pdfBase64Prefix = Buffer.from('%PDF').toString('base64').slice(0, 4);
    expect(stored!.pdf_enc).not.toContain(pdfBase64Prefix);
    expect(stored!.pdf_enc).not.toContain(r.initialPassword);
    const [legacy] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from contract_documents`,
    );
    expect(legacy!.n).toBe(0);

    // Another operator of the same region walking contract ids: "not found", as for an id that does not exist.
    const other = await buildStaff(t.database.db, { role: 'operator' });
    const theirs = await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: other.auth });
    expect(theirs.statusCode).toBe(404);
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/staff/contracts/999999999/pdf',
      headers: other.auth,
    });
    expect(theirs.json()).toEqual(missing.json());
    // Finance and support have no access at all; an administrator and the signer do.
    for (const role of ['finance', 'support'] as const) {
      const s = await buildStaff(t.database.db, { role });
      expect((await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: s.auth })).statusCode).toBe(403);
    }
    const admin = await buildStaff(t.database.db, { role: 'admin' });
    const byAdmin = await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: admin.auth });
    expect(byAdmin.statusCode).toBe(200);
    expect(pdfPageText(byAdmin.rawPayload, 'last')).toContain(r.initialPassword);
    expect((await t.app.inject({ method: 'GET', url: r.pdfUrl, headers: op.auth })).statusCode).toBe(200);
  });
});
