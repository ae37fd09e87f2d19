import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildSubscriber } from '../../test/factories.js';
import { buildNetworkAccess } from '../../test/network-factories.js';
import { NetworkDirectory } from './directory.js';

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

  it('builds a large full reload a slice at a time, answering from the old maps until it swaps them in', async () => {
    // 30,000 accounts from a stand-in database: the build must let the event loop turn in between.
    const N = 30_000;
    let generation = 'old';
    const rows = () =>
      Array.from({ length: N }, (_, i) => ({
        account_id: i + 1,
        number: String(100_000 + i),
        region_id: 1,
        status: 'active',
        login: `${generation}${i + 1}`,
        password_enc: null,
        mac: null,
        opt82_remote_id: null,
        opt82_circuit_id: null,
        static_ip: null,
        down: 100_000,
        up: 100_000,
      }));
    let rowsGiven = 0;
    const db = {
      execute: async (query: { queryChunks?: unknown[] }) => {
        if (JSON.stringify(query.queryChunks ?? '').includes('from nas')) return { rows: [] };
        rowsGiven++;
        return { rows: rows() };
      },
    };
    const dir = new NetworkDirectory({ db } as unknown as Database, { reloadSeconds: 3600 });
    await dir.start();
    expect(await dir.whenReady()).toBe(true);
    try {
      expect(dir.byLoginName('old30000')?.accountId).toBe(30_000);
      generation = 'new';
      dir.notify('*');
      // From the moment the rows are in until the new maps are swapped in, the loop keeps turning (it
      // used to build all of them in one go) and the old maps answer.
      let turnsWhileBuilding = 0;
      for (let i = 0; i < 10_000 && !dir.byLoginName('new1'); i++) {
        if (rowsGiven === 2) {
          expect(dir.byLoginName('old1')?.accountId).toBe(1);
          turnsWhileBuilding++;
        }
        await new Promise((r) => setImmediate(r));
      }
      expect(dir.byLoginName('new30000')?.accountId).toBe(30_000);
      expect(dir.byLoginName('old1')).toBeUndefined();
      expect(turnsWhileBuilding).toBeGreaterThanOrEqual(5);
    } finally {
      await dir.close();
    }
  });
});
