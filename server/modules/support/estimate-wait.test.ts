import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildStaff, buildSubscriber } from '../../test/factories.js';
import { estimateWait } from './estimate-wait.js';
import { listRegionCategories } from './list-categories.js';

/**
 * Simulated queues: tickets written straight into the table with chosen times, then the estimate.
 * `now` is fixed so nothing depends on when the test runs.
 */
let database: Database;
let accountId: number;
let staffIds: number[];
const now = new Date('2026-11-20T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

beforeAll(async () => {
  database = await createTestDatabase();
  const s = await buildSubscriber(database.db);
  accountId = s.account.id;
  staffIds = [(await buildStaff(database.db, { role: 'support' })).user.id];
  staffIds.push((await buildStaff(database.db, { role: 'support' })).user.id);
}, 180_000); // a fresh migrated database; slow on a loaded shared machine
afterAll(() => database.close());

async function queue() {
  const region = await buildRegion(database.db);
  const cats = await listRegionCategories(database.db, region.id);
  const internet = cats.find((c) => c.code === 'no_internet')!;
  const tv = cats.find((c) => c.code === 'tv')!;
  /** A ticket created `createdAgo` minutes ago, answered `answeredAfter` minutes later by `staff` (or not). */
  const ticket = async (categoryId: number, createdAgo: number, answeredAfter?: number, staff = 0) => {
    const created = minutesAgo(createdAgo);
    const answered = answeredAfter === undefined ? null : minutesAgo(createdAgo - answeredAfter);
    const [row] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into support_tickets (account_id, region_id, category_id, subject, status, created_at,
                first_response_due_at, resolution_due_at, first_response_at)
            values (${accountId}, ${region.id}, ${categoryId}, 't', ${answered ? 'in_progress' : 'new'},
                    ${created}::timestamptz, ${created}::timestamptz + interval '30 minutes',
                    ${created}::timestamptz + interval '1 day', ${answered}::timestamptz)
            returning id`,
    );
    if (answered) {
      await database.db.execute(
        sql`insert into support_messages (ticket_id, author_type, staff_id, body, created_at)
            values (${row!.id}, 'staff', ${staffIds[staff]!}, 'ответ', ${answered}::timestamptz)`,
      );
    }
    return row!.id;
  };
  const estimate = (categoryId: number, ticket?: { id: number; createdAt: Date }) =>
    estimateWait(database.db, { regionId: region.id, categoryId, slaMinutes: 30, now, ticket });
  return { internet: internet.id, tv: tv.id, ticket, estimate };
}

describe('expected wait from the live queue', () => {
  it('no history: no estimate, the SLA target instead', async () => {
    const q = await queue();
    await q.ticket(q.internet, 5);
    const e = await q.estimate(q.internet);
    expect(e).toMatchObject({ ahead: 1, medianMinutes: null, basis: 'none', minutes: null, slaMinutes: 30 });
  });

  it('empty queue: the recent median time to a first answer', async () => {
    const q = await queue();
    for (const [ago, after] of [
      [600, 4],
      [500, 10],
      [400, 6],
      [300, 8],
      [200, 12],
    ] as const)
      await q.ticket(q.internet, ago, after);
    // An answer older than the history window does not count.
    await q.ticket(q.internet, 20 * 24 * 60, 500);
    const e = await q.estimate(q.internet);
    expect(e).toMatchObject({ ahead: 0, medianMinutes: 8, basis: 'category', minutes: 8 });
  });

  it('long queue: grows with the tickets ahead, shared by the staff answering now', async () => {
    const q = await queue();
    for (const ago of [70, 60, 50]) await q.ticket(q.internet, ago, 10, 0);
    for (let i = 0; i < 12; i++) await q.ticket(q.internet, 30 - i);
    await q.ticket(q.tv, 15); // another topic is not ahead
    const one = await q.estimate(q.internet);
    expect(one).toMatchObject({ ahead: 12, medianMinutes: 10, staffActive: 1, minutes: 130 });
    // A second person answering within the last hour halves the rounds.
    await q.ticket(q.internet, 50, 5, 1);
    const two = await q.estimate(q.internet);
    expect(two.staffActive).toBe(2);
    expect(two.minutes).toBe(Math.ceil(two.medianMinutes! * Math.ceil(13 / 2)));
    expect(two.minutes!).toBeLessThan(one.minutes!);
  });

  it('for an open ticket only the tickets written before it are ahead; a thin topic borrows the region median', async () => {
    const q = await queue();
    for (const ago of [300, 200, 100]) await q.ticket(q.tv, ago, 20);
    const first = await q.ticket(q.internet, 10);
    await q.ticket(q.internet, 9);
    const mine = await q.ticket(q.internet, 8);
    await q.ticket(q.internet, 7);
    const e = await q.estimate(q.internet, { id: mine, createdAt: new Date(minutesAgo(8)) });
    expect(e).toMatchObject({ ahead: 2, basis: 'region', medianMinutes: 20, minutes: 60 });
    const head = await q.estimate(q.internet, { id: first, createdAt: new Date(minutesAgo(10)) });
    expect(head).toMatchObject({ ahead: 0, minutes: 20 });
  });
});
