import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { queryRows } from '../../db/client.js';
import { JobWorker } from '../../jobs/queue.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildStaff } from '../../test/factories.js';
import { csvFixture } from '../../test/import-csv-fixture.js';
import { importPasswordsJob, importRunJob } from './import.jobs.js';

let t: TestContext;
let admin: { authorization: string };
let operator: { authorization: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = { authorization: `Bearer ${(await buildStaff(t.database.db, { role: 'admin' })).token}` };
  operator = { authorization: `Bearer ${(await buildStaff(t.database.db, { role: 'operator' })).token}` };
});
afterAll(() => t?.close());

/** A multipart/form-data body as a browser sends it: the CSV files in "files", and fields. */
function multipart(files: Record<string, Buffer>, fields: Record<string, string> = {}) {
  const boundary = '----abonent-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const [name, data] of Object.entries(files)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const drain = (job: typeof importRunJob | typeof importPasswordsJob) => new JobWorker(t.app.deps, [job]).drain();

describe('import in the back office (API)', () => {
  it('is for admins only', async () => {
    const body = multipart(csvFixture());
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/imports/csv',
      ...body,
      headers: { ...body.headers, ...operator },
    });
    expect(res.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/imports', headers: operator });
    expect(list.statusCode).toBe(403);
  });

  it('refuses a file it does not know before keeping anything', async () => {
    const body = multipart({ 'clients.csv': Buffer.from('id\n1\n') });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/imports/csv',
      ...body,
      headers: { ...body.headers, ...admin },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('import_csv_invalid');
    const [n] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int8 as n from import_runs`);
    expect(n!.n).toBe(0);
  });

  it('uploads CSVs, dry-runs them as a job with progress, lists the problems in Russian, applies the edited mapping and issues letters', async () => {
    const body = multipart(csvFixture(), { source: 'office-sheet' });
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/staff/imports/csv',
      ...body,
      headers: { ...body.headers, ...admin },
    });
    expect(up.statusCode, up.body).toBe(202);
    const dryId = up.json().id as number;
    const queued = (await t.app.inject({ method: 'GET', url: `/api/staff/imports/${dryId}`, headers: admin })).json();
    expect(queued).toMatchObject({ state: 'queued', dryRun: true, kind: 'csv', source: 'office-sheet', permille: 0 });

    expect(await drain(importRunJob)).toBe(1);
    const dry = (await t.app.inject({ method: 'GET', url: `/api/staff/imports/${dryId}`, headers: admin })).json();
    expect(dry).toMatchObject({ state: 'done', phase: 'done', permille: 1000 });
    expect(dry.report.subscribers).toMatchObject({ read: 15, toImport: 6 });
    expect(dry.mapping).toContain('code: "home-100"');

    const problems = await t.app.inject({
      method: 'GET',
      url: `/api/staff/imports/${dryId}/problems?severity=refused&pageSize=50`,
      headers: { ...admin, 'accept-language': 'ru' },
    });
    expect(problems.statusCode).toBe(200);
    const p = problems.json();
    // In the file's order: line 10 (a balance that is not an amount) before line 16.
    const refs = p.problems.map((x: { ref: string }) => x.ref);
    expect(refs.indexOf('subscribers.csv:10')).toBeLessThan(refs.indexOf('subscribers.csv:16'));
    expect(p.problems).toContainEqual(
      expect.objectContaining({
        ref: 'subscribers.csv:10',
        reason: 'bad_balance',
        message: 'баланс не читается как сумма',
      }),
    );

    // The operator renames the plan in the mapping before the real run.
    const mapping = (dry.mapping as string).replace('nameRu: "Домашний 100"', 'nameRu: "Домашний 100 (архив)"');
    const apply = await t.app.inject({
      method: 'POST',
      url: `/api/staff/imports/${dryId}/apply`,
      payload: { mapping },
      headers: admin,
    });
    expect(apply.statusCode, apply.body).toBe(202);
    const realId = apply.json().id as number;
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/staff/imports/${realId}/apply`,
      payload: {},
      headers: admin,
    });
    expect(twice.json().error.code).toBe('import_dry_run_required');
    await drain(importRunJob);
    const real = (await t.app.inject({ method: 'GET', url: `/api/staff/imports/${realId}`, headers: admin })).json();
    expect(real).toMatchObject({ state: 'done', dryRun: false, filesRunId: dryId });
    expect(real.report.written).toMatchObject({ accounts: 6, payments: 3 });
    const [tariff] = await queryRows<{ name: string }>(
      t.database.db,
      sql`select name_ru as name from tariffs where code = 'home-100'`,
    );
    expect(tariff!.name).toBe('Домашний 100 (архив)');

    const list = (await t.app.inject({ method: 'GET', url: '/api/staff/imports', headers: admin })).json();
    expect(list.runs.map((r: { id: number }) => r.id)).toEqual([realId, dryId]);

    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/staff/imports/passwords',
      payload: { source: 'office-sheet', delivery: 'letters' },
      headers: admin,
    });
    expect(batch.statusCode).toBe(202);
    await drain(importPasswordsJob);
    const b = (
      await t.app.inject({ method: 'GET', url: `/api/staff/imports/passwords/${batch.json().id}`, headers: admin })
    ).json();
    // Every imported open contract gets a letter; the closed one does not.
    expect(b).toMatchObject({ state: 'done', delivery: 'letters', total: 5, done: 5, hasPdf: true });
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/staff/imports/passwords/${b.id}/letters`,
      headers: admin,
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const audit = await queryRows<{ action: string }>(
      t.database.db,
      sql`select distinct action from audit_log where entity in ('import_run', 'import_password_batch') order by action`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'import.catalog',
      'import.dry_run',
      'import.passwords',
      'import.run',
      'import.start',
      'import.subscribers',
    ]);
  });
});
