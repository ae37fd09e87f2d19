import { mkdtempSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SUPPORT_LIMITS } from '../../../common/support.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { FileStore } from './file-store.js';
import { imageDecodes, Slots } from './image-decodes.js';
import { photoWithGps, tinyPdf, upload } from './support-test-helpers.js';

/**
 * Issue 26, item 6: uploads cannot fill the disk. Byte quotas per person per day and per ticket,
 * counted in the same statement or lock as the upload (no race), a rate limit counted before the body
 * is read, one image decode per core, and a free-space floor below which nothing is written.
 */
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
}, 180_000);
afterAll(() => t?.close());

const UPLOAD = '/api/me/support/attachments';
const countRows = async (accountId: number) =>
  Number(
    (
      await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from support_attachments where owner_account_id = ${accountId}`,
      )
    )[0]!.n,
  );

describe('upload quotas', () => {
  it('a day’s bytes per person: of 10 parallel uploads only those that fit the quota are taken', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const pdf = tinyPdf();
    // Today's usage leaves room for exactly 3 more of these files.
    await t.database.db.execute(
      sql`insert into upload_usage (owner, day, bytes, files)
          values (${`account:${s.account.id}`}, (now() at time zone 'UTC')::date, ${SUPPORT_LIMITS.subscriberBytesPerDay - 3 * pdf.length}, 7)`,
    );
    const results = await Promise.all(Array.from({ length: 10 }, () => upload(t.app, UPLOAD, s.auth, 'a.pdf', pdf)));
    const codes = results.map((r) => (r.statusCode === 200 ? 'ok' : r.json().error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(3);
    expect(codes.filter((c) => c === 'upload_quota')).toHaveLength(7);
    expect(results.find((r) => r.statusCode === 429)!.json().error.message).toContain('100 МБ');
    const [usage] = await queryRows<{ bytes: number }>(
      t.database.db,
      sql`select bytes from upload_usage where owner = ${`account:${s.account.id}`}`,
    );
    expect(Number(usage!.bytes)).toBe(SUPPORT_LIMITS.subscriberBytesPerDay);
    expect(await countRows(s.account.id)).toBe(3);
  });

  it('pending files per person are counted under the same lock: 10 parallel uploads with room for 2', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    for (let i = 0; i < SUPPORT_LIMITS.pendingUploads - 2; i++)
      expect((await upload(t.app, UPLOAD, s.auth, `${i}.pdf`, tinyPdf())).statusCode).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => upload(t.app, UPLOAD, s.auth, 'b.pdf', tinyPdf())),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 429 && r.json().error.code === 'too_many_uploads')).toHaveLength(8);
    expect(await countRows(s.account.id)).toBe(SUPPORT_LIMITS.pendingUploads);
  });

  it('a ticket holds at most 50 MB of files, whoever sends them', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    const categoryId = (await t.app.inject({ url: '/api/me/support/categories', headers: s.auth })).json().categories[0]
      .id;
    const ticket = (
      await t.app.inject({
        method: 'POST',
        url: '/api/me/support/tickets',
        headers: s.auth,
        payload: { categoryId, text: 'Сканы договора' },
      })
    ).json();
    // Uploads of 9 MB each (the rows' sizes; the bytes on disk do not matter to the rule).
    const big = 9 * 1024 * 1024;
    const files = async (n: number) => {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        const [row] = await queryRows<{ id: number }>(
          t.database.db,
          sql`insert into support_attachments (owner_account_id, file_name, mime, size, sha256, storage_key)
              values (${s.account.id}, 'scan.pdf', 'application/pdf', ${big}, 'x', ${`${s.account.id}${i}${Date.now()}`.padEnd(32, '0')})
              returning id`,
        );
        ids.push(row!.id);
      }
      return ids;
    };
    const send = async (ids: number[]) =>
      t.app.inject({
        method: 'POST',
        url: `/api/me/support/tickets/${ticket.id}/messages`,
        headers: s.auth,
        payload: { text: 'ещё', attachmentIds: ids },
      });
    expect((await send(await files(5))).statusCode).toBe(200); // 45 MB
    const over = await send(await files(1)); // 54 MB
    expect(over.statusCode).toBe(413);
    expect(over.json().error.code).toBe('ticket_files_quota');
    const [n] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from support_attachments where ticket_id = ${ticket.id}`,
    );
    expect(n!.n).toBe(5);
  });

  it('30 uploads in 10 minutes per person; the 31st is refused before its body is read', async () => {
    const s = await signedInSubscriber(t.app, t.database.db);
    await t.database.db.execute(
      sql`insert into rate_limits (key, count, window_started_at) values (${`upload:account:${s.account.id}`}, 30, now())`,
    );
    const refused = await upload(t.app, UPLOAD, s.auth, 'c.pdf', tinyPdf());
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await countRows(s.account.id)).toBe(0);
  });
});

describe('image decodes', () => {
  it('run one at a time per core: 8 parallel photo uploads never decode more at once', async () => {
    const photo = await photoWithGps(1600, 1200);
    const people: Awaited<ReturnType<typeof signedInSubscriber>>[] = [];
    for (let i = 0; i < 8; i++) people.push(await signedInSubscriber(t.app, t.database.db));
    imageDecodes.peak = 0;
    const results = await Promise.all(people.map((p) => upload(t.app, UPLOAD, p.auth, 'p.jpg', photo)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(imageDecodes.peak).toBeGreaterThan(0);
    expect(imageDecodes.peak).toBeLessThanOrEqual(availableParallelism());
  });

  it('queue in order and refuse beyond the waiting line', async () => {
    const slots = new Slots(2, 1);
    const started: number[] = [];
    const gates = Array.from({ length: 4 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    const fourth = await runs[3]!.then(
      () => 'ran',
      (e: { code?: string }) => e.code,
    );
    expect(fourth).toBe('uploads_busy');
    expect(started).toEqual([0, 1]);
    gates[0]!.resolve();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs.slice(0, 3))).toEqual([0, 1, 2]);
    expect(slots.peak).toBe(2);
  });
});

describe('the free-space floor', () => {
  it('refuses a file that would leave less than the floor free, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-floor-'));
    const store = new FileStore(dir, { minFreeBytes: 1_000_000, freeSpace: async () => 1_500_000 });
    await expect(store.put(Buffer.alloc(400_000))).resolves.toMatch(/^[0-9a-f]{32}$/);
    await expect(store.put(Buffer.alloc(600_000))).rejects.toMatchObject({ code: 'storage_full' });
    expect(readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)))).toHaveLength(1);
  });

  it('through the API: with the floor above what the disk has free, an upload is 507 and nothing is kept', async () => {
    const full = await createTestApp({ SUPPORT_FILES_MIN_FREE_MB: 10_000_000 }); // 10 TB
    try {
      const s = await signedInSubscriber(full.app, full.database.db);
      const res = await upload(full.app, UPLOAD, s.auth, 'd.pdf', tinyPdf());
      expect(res.statusCode).toBe(507);
      expect(res.json().error.code).toBe('storage_full');
      const [n] = await queryRows<{ n: number }>(
        full.database.db,
        sql`select count(*)::int as n from support_attachments`,
      );
      expect(n!.n).toBe(0);
    } finally {
      await full.close();
    }
  }, 120_000);
});
