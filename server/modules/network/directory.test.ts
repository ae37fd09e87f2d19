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
});
