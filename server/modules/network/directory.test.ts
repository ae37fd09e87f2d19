import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { buildNetworkAccess } from '../../test/network-factories.js';
import { ClearPasswords } from './clear-passwords.js';
import { NetworkDirectory } from './directory.js';
import { encryptSecret } from './network-crypto.js';

/**
 * The directory alone, fed by hand (no LISTEN): the order of reads and notifications is the test's,
 * so what a busy server meets now and then (a read asked for with nothing left to read) happens every time.
 */
let database: Database;
let directory: NetworkDirectory;
const SECRET = 'directory-test-secret-0123456789';
beforeAll(async () => {
  database = await createTestDatabase();
  directory = new NetworkDirectory(database, { reloadSeconds: 3600 });
  await directory.start();
  expect(await directory.whenReady()).toBe(true);
});
afterAll(async () => {
  await directory.close();
  await database.close();
});

async function knows(login: string, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (directory.byLoginName(login)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe('network directory', () => {
  it('keeps following changes after a read that found nothing to read', async () => {
    // Nothing pending: this read ends at once. It used to leave the directory deaf for good.
    await directory.refresh([]);
    const a = await buildSubscriber(database.db);
    const first = await buildNetworkAccess(database.db, { accountId: a.account.id, appSecret: SECRET });
    directory.notify(`a:${a.account.id}`);
    expect(await knows(first.login!)).toBe(true);

    await directory.refresh([]);
    const b = await buildSubscriber(database.db);
    const second = await buildNetworkAccess(database.db, { accountId: b.account.id, appSecret: SECRET });
    await directory.refresh([b.account.id]);
    expect(directory.byLoginName(second.login!)?.accountId).toBe(b.account.id);
  });

  it('reads the accounts of a refresh asked just as a read is finishing', async () => {
    // The directory over a database that lets the test act the moment a read's rows arrive.
    let onRows: (() => void) | null = null;
    const db = new Proxy(database.db, {
      get(target, prop) {
        if (prop === 'execute') {
          return async (query: Parameters<typeof target.execute>[0]) => {
            const res = await target.execute(query);
            const act = onRows;
            onRows = null;
            act?.();
            return res;
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const dir = new NetworkDirectory({ db } as unknown as Database, { reloadSeconds: 3600 });
    await dir.start();
    expect(await dir.whenReady()).toBe(true);
    try {
      // Each step asks `microtasks` later than the one before: one of them lands after the read's last
      // check for pending accounts and before the read is over — refresh used to return unread then.
      for (let microtasks = 0; microtasks < 16; microtasks++) {
        const a = await buildSubscriber(database.db);
        await buildNetworkAccess(database.db, { accountId: a.account.id, appSecret: SECRET });
        const b = await buildSubscriber(database.db);
        const second = await buildNetworkAccess(database.db, { accountId: b.account.id, appSecret: SECRET });
        let asked!: Promise<boolean>;
        onRows = () => {
          asked = (async () => {
            for (let i = 0; i < microtasks; i++) await Promise.resolve();
            await dir.refresh([b.account.id]);
            return dir.byLoginName(second.login!) !== undefined;
          })();
        };
        await dir.refresh([a.account.id]);
        expect({ microtasks, read: await asked }).toEqual({ microtasks, read: true });
      }
    } finally {
      await dir.close();
    }
  });

  it('reloads a large directory in place, a slice at a time: unchanged entries stay, changed and gone ones follow', async () => {
    // 30,000 accounts from a stand-in database; the first 200 with passwords.
    const N = 30_000;
    const enc = (i: number, pw = `pw-${i}`) => encryptSecret('network-password', pw, SECRET);
    const passwords = Array.from({ length: 200 }, (_, i) => enc(i + 1));
    const row = (i: number) => ({
      account_id: i,
      number: String(100_000 + i),
      region_id: 1,
      status: 'active',
      access_type: 'pppoe',
      login: `user${i}`,
      password_enc: passwords[i - 1] ?? null,
      mac: null,
      opt82_remote_id: null,
      opt82_circuit_id: null,
      static_ip: null,
      down: 100_000,
      up: 100_000,
    });
    let rows = Array.from({ length: N }, (_, i) => row(i + 1));
    let rowsGiven = 0;
    const db = {
      execute: async (query: { queryChunks?: unknown[] }) => {
        if (JSON.stringify(query.queryChunks ?? '').includes('from nas')) return { rows: [] };
        rowsGiven++;
        return { rows };
      },
    };
    const clear = new ClearPasswords(SECRET);
    const dir = new NetworkDirectory({ db } as unknown as Database, {
      reloadSeconds: 3600,
      onLoaded: (entries) => clear.loaded(entries),
    });
    await dir.start();
    expect(await dir.whenReady()).toBe(true);
    try {
      for (let i = 0; i < 1000 && clear.stats.decrypted < 200; i++) await new Promise((r) => setTimeout(r, 2));
      expect(clear.stats.decrypted).toBe(200);
      const before = [1, 5, 7, 30_000].map((id) => dir.byAccountId(id)!);

      // The next read: account 5 blocked, account 7's password reset, account 9 renamed and its old login
      // taken by account 8 (read before it), 30,000 gone, 30,001 new.
      rows = rows.slice(0, N - 1).concat(row(N + 1));
      rows[4] = { ...rows[4]!, status: 'blocked' };
      rows[6] = { ...rows[6]!, password_enc: enc(7, 'reset') };
      rows[7] = { ...rows[7]!, login: 'user9' };
      rows[8] = { ...rows[8]!, login: 'renamed9' };
      dir.notify('*');
      // From the moment the rows are in until the read is applied the loop keeps turning (a full reload
      // used to be built in one go), and an unchanged subscriber is answered all along.
      let turns = 0;
      for (let i = 0; i < 10_000 && (dir.byAccountId(N) || !dir.byAccountId(N + 1)); i++) {
        if (rowsGiven === 2) {
          expect(dir.byLoginName('user1')).toBe(before[0]);
          turns++;
        }
        await new Promise((r) => setImmediate(r));
      }
      expect(turns).toBeGreaterThanOrEqual(5);
      expect(dir.byLoginName('user1')).toBe(before[0]); // the same object: nothing rebuilt
      expect(dir.byLoginName('user5')?.status).toBe('blocked');
      expect(dir.byLoginName('user5')).not.toBe(before[1]);
      expect(clear.has(dir.byLoginName('user5')!)).toBe(true); // same ciphertext: nothing to decrypt
      expect(dir.byAccountId(N)).toBeUndefined();
      expect(dir.byLoginName(`user${N}`)).toBeUndefined();
      expect(dir.byLoginName(`user${N + 1}`)?.accountId).toBe(N + 1);
      expect(dir.size).toBe(N);
      expect(dir.byLoginName('user9')?.accountId).toBe(8);
      expect(dir.byLoginName('renamed9')?.accountId).toBe(9);
      expect(dir.byLoginName('user8')).toBeUndefined();
      const reset = dir.byLoginName('user7')!;
      expect(reset).not.toBe(before[2]);
      expect(clear.get(reset, reset.passwordEnc!)).toBe('reset');
      expect(clear.stats.decrypted).toBe(201); // only the reset password
    } finally {
      await dir.close();
      clear.close();
    }
  });
});
