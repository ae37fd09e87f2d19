import type { AddressInfo } from 'node:net';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Database, openDatabase } from '../../db/client.js';
import { buildApp, createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';

/** Server-sent events over a real HTTP connection, as a browser's EventSource would read them. */
let t: TestContext;
let base: string;
let support: Awaited<ReturnType<typeof buildStaff>>;
let sub: Awaited<ReturnType<typeof signedInSubscriber>>;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  support = await buildStaff(t.database.db, { role: 'support' });
  sub = await signedInSubscriber(t.app, t.database.db);
}, 180_000); // a fresh migrated database; slow on a loaded shared machine
afterAll(() => t.close());

/** Opens a stream and collects its events; `next(pred)` waits for one that matches. */
async function openStream(url: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  expect(res.headers.get('x-accel-buffering')).toBe('no');
  // The API's security headers, which a stream that takes over the response passes on itself.
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
  const reader = res.body!.getReader();
  const events: { event: string; data: string }[] = [];
  let buf = '';
  const pump = (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ?? '' });
      }
    }
  })();
  const next = async (pred: (e: { event: string; data: string }) => boolean, ms = 10_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const hit = events.find(pred);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no such event; got ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await next((e) => e.event === 'ready');
  return {
    events,
    next,
    close: async () => {
      ctrl.abort();
      await pump;
    },
  };
}

const newTicket = async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/me/support/tickets',
    headers: sub.auth,
    payload: { categoryId: await categoryId(), text: 'Не работает интернет' },
  });
  return res.json<{ id: number }>().id;
};
const categoryId = async () =>
  (await t.app.inject({ method: 'GET', url: '/api/me/support/categories', headers: sub.auth })).json<{
    categories: { id: number }[];
  }>().categories[0]!.id;
const reply = (app: FastifyInstance, id: number, payload: object) =>
  app.inject({ method: 'POST', url: `/api/staff/support/tickets/${id}/messages`, headers: support.auth, payload });

describe('live updates', () => {
  it("a subscriber's stream hears of answers in their tickets, not of staff notes or others' tickets", async () => {
    const mine = await openStream(`${base}/api/me/support/events`, sub.auth);
    const staff = await openStream(`${base}/api/staff/support/events`, support.auth);
    const other = await signedInSubscriber(t.app, t.database.db);
    const theirs = await openStream(`${base}/api/me/support/events`, other.auth);
    const id = await newTicket();
    await staff.next((e) => e.event === 'ticket' && JSON.parse(e.data).kind === 'created');
    await reply(t.app, id, { text: 'SECRET note', internal: true });
    await staff.next((e) => e.event === 'ticket' && JSON.parse(e.data).kind === 'note');
    await reply(t.app, id, { text: 'Ответ', status: 'waiting' });
    const got = await mine.next((e) => e.event === 'ticket' && JSON.parse(e.data).kind === 'message');
    expect(JSON.parse(got.data)).toEqual({ ticketId: id, kind: 'message' });
    expect(mine.events.map((e) => JSON.parse(e.data || '{}').kind)).not.toContain('note');
    expect(mine.events.some((e) => e.data.includes('SECRET'))).toBe(false);
    expect(theirs.events.filter((e) => e.event === 'ticket')).toEqual([]);
    await Promise.all([mine.close(), staff.close(), theirs.close()]);
  });

  it("a support member's stream hears only of tickets of their regions (issue 26)", async () => {
    const db = t.database.db;
    const here = sub.account.regionId;
    const elsewhere = (await buildRegion(db)).id;
    const local = await openStream(
      `${base}/api/staff/support/events`,
      (await buildStaff(db, { role: 'support', regions: [here] })).auth,
    );
    const away = await openStream(
      `${base}/api/staff/support/events`,
      (await buildStaff(db, { role: 'support', regions: [elsewhere] })).auth,
    );
    const id = await newTicket();
    await local.next((e) => e.event === 'ticket' && JSON.parse(e.data).ticketId === id);
    // The other region's stream stays silent while this one hears the answer too.
    await reply(t.app, id, { text: 'Ответ', status: 'waiting' });
    await local.next(
      (e) => e.event === 'ticket' && JSON.parse(e.data).kind === 'message' && JSON.parse(e.data).ticketId === id,
    );
    expect(away.events.filter((e) => e.event === 'ticket')).toEqual([]);
    await Promise.all([local.close(), away.close()]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'an answer given through one app server reaches a subscriber connected to another (PostgreSQL LISTEN/NOTIFY)',
    async () => {
      const url = (t.database.pool!.options as { connectionString: string }).connectionString;
      const second: Database = await openDatabase({ databaseUrl: url, poolSize: 2 });
      const other = await buildApp({ config: t.config, database: second });
      await other.listen({ port: 0, host: '127.0.0.1' });
      try {
        const otherBase = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
        const stream = await openStream(`${otherBase}/api/me/support/events`, sub.auth);
        expect(stream.events[0]!.data).toBe('{"live":true}');
        const id = await newTicket();
        await reply(t.app, id, { text: 'Ответ из другого процесса' });
        const got = await stream.next((e) => e.event === 'ticket' && JSON.parse(e.data).kind === 'message');
        expect(JSON.parse(got.data).ticketId).toBe(id);
        await stream.close();
      } finally {
        await other.close();
        await second.close();
      }
    },
  );
});
