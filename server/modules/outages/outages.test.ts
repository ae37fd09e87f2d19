import { randomUUID } from 'node:crypto';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compensationAmount } from '../../../common/compensation.js';
import { dayParts, todayIn } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import { compensationDays, OUTAGE_RENOTIFY_MINUTES, shouldRenotify } from '../../../common/outages.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildStaff, buildTariff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';
import { runBulk } from '../bulk/run-bulk.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, auth: Record<string, string>, payload?: object) {
  return t.app.inject({ method, url, headers: auth, payload });
}

async function inboxOf(accountId: number) {
  return queryRows<{ template: string; body: string }>(
    t.database.db,
    sql`select template, body from outbox where account_id = ${accountId} and channel = 'inbox' and template like 'outage%' order by id`,
  );
}

describe('rules', () => {
  it('compensation days: none under 2 hours, then one per started day; re-notice on a move of 2 hours later', () => {
    const s = '2026-12-01T10:00:00Z';
    expect(compensationDays(s, '2026-12-01T11:59:00Z')).toBe(0);
    expect(compensationDays(s, '2026-12-01T12:00:00Z')).toBe(1);
    expect(compensationDays(s, '2026-12-02T10:00:00Z')).toBe(1);
    expect(compensationDays(s, '2026-12-02T10:01:00Z')).toBe(2);
    expect(shouldRenotify(s, new Date(Date.parse(s) + OUTAGE_RENOTIFY_MINUTES * 60_000 - 1))).toBe(false);
    expect(shouldRenotify(s, new Date(Date.parse(s) + OUTAGE_RENOTIFY_MINUTES * 60_000))).toBe(true);
    expect(shouldRenotify(s, '2026-11-30T10:00:00Z')).toBe(false);
  });
});

describe('an outage from declaration to compensation', () => {
  it('banner and one notice for the street, tickets linked, big moves told again, compensation of its subscribers', async () => {
    const db = t.database.db;
    const region = await buildRegion(db, { timeZone: 'Europe/Moscow' });
    const plan = await buildTariff(db, { regionId: region.id, monthlyFee: 62_000 });
    const operator = await buildStaff(db, { role: 'operator' });
    const finance = await buildStaff(db, { role: 'finance' });
    const onStreet = (address: string) =>
      signedInSubscriber(t.app, db, { regionId: region.id, tariffId: plan.id, address });
    const alice = await onStreet('г. Тверь, ул. Садовая, д. 3, кв. 10');
    const bob = await onStreet('г. Тверь, ул. садовая, дом 5');
    const carol = await onStreet('г. Тверь, ул. Садовая, д. 9');
    const elsewhere = await onStreet('г. Тверь, пр. Мира, д. 3');

    const area = { regionId: region.id, scope: 'address', street: 'Садовая', houses: '1-5' };
    const preview = await call('POST', '/api/staff/outages/preview', operator.auth, area);
    expect(preview.json()).toEqual({ accounts: 2 });

    const declared = await call('POST', '/api/staff/outages', operator.auth, {
      area,
      title: 'Обрыв кабеля',
      description: 'Бригада на месте',
      startsAt: hours(-1),
      expectedEndAt: hours(3),
    });
    expect(declared.statusCode).toBe(200);
    const outage = declared.json();
    expect(outage).toMatchObject({ accounts: 2, notified: 2, notices: 1, state: 'open', scope: 'address' });

    // The subscribers of the area see it in the cabinet; others do not.
    const banner = await call('GET', '/api/me/outages', alice.auth);
    expect(banner.json().outages).toEqual([
      expect.objectContaining({ id: outage.id, title: 'Обрыв кабеля', expectedEndAt: outage.expectedEndAt }),
    ]);
    expect((await call('GET', '/api/me/outages', carol.auth)).json().outages).toEqual([]);
    expect((await call('GET', '/api/me/outages', elsewhere.auth)).json().outages).toEqual([]);
    expect((await call('GET', '/api/me/outages', operator.auth)).statusCode).toBe(403);
    // One notice each, with the expected end in the region's time.
    const first = await inboxOf(alice.account.id);
    expect(first).toEqual([{ template: 'outage', body: expect.stringContaining('Обрыв кабеля') }]);
    expect(await inboxOf(carol.account.id)).toEqual([]);

    // A ticket written now is linked to the outage, and support sees the link.
    const cats = await call('GET', '/api/me/support/categories', bob.auth);
    const categoryId = cats.json().categories[0].id as number;
    const ticket = await call('POST', '/api/me/support/tickets', bob.auth, {
      categoryId,
      subject: 'Нет интернета',
      text: 'С утра не работает',
    });
    expect(ticket.statusCode).toBe(200);
    const elsewhereTicket = await call('POST', '/api/me/support/tickets', elsewhere.auth, {
      categoryId,
      subject: 'Вопрос',
      text: 'Про тариф',
    });
    const support = await buildStaff(db, { role: 'support' });
    const seen = await call('GET', `/api/staff/support/tickets/${ticket.json().id}`, support.auth);
    expect(seen.json().outage).toMatchObject({ id: outage.id, title: 'Обрыв кабеля', state: 'open' });
    const unrelated = await call('GET', `/api/staff/support/tickets/${elsewhereTicket.json().id}`, support.auth);
    expect(unrelated.json().outage).toBeNull();
    const withTickets = await call('GET', `/api/staff/outages/${outage.id}`, operator.auth);
    expect(withTickets.json()).toMatchObject({ tickets: 1, linkedTickets: [{ id: ticket.json().id }] });

    // A small move of the end changes the banner only; a big one tells them again, once.
    const small = await call('PATCH', `/api/staff/outages/${outage.id}`, operator.auth, { expectedEndAt: hours(4) });
    expect(small.json()).toMatchObject({ renotified: false, notices: 1 });
    expect(await inboxOf(alice.account.id)).toHaveLength(1);
    const big = await call('PATCH', `/api/staff/outages/${outage.id}`, operator.auth, { expectedEndAt: hours(8) });
    expect(big.json()).toMatchObject({ renotified: true, notices: 2 });
    expect((await inboxOf(alice.account.id)).map((m) => m.template)).toEqual(['outage', 'outage_update']);
    const moved = (await call('GET', '/api/me/outages', alice.auth)).json().outages[0];
    expect(moved.expectedEndAt).toBe(big.json().expectedEndAt);

    // Closed after 27 hours in all: two days by the rule; the banner goes.
    await db.execute(sql`update outages set starts_at = now() - interval '27 hours' where id = ${outage.id}`);
    const closed = await call('POST', `/api/staff/outages/${outage.id}/close`, operator.auth, {});
    expect(closed.json()).toMatchObject({ state: 'closed', suggestedDays: 2 });
    expect((await call('GET', '/api/me/outages', alice.auth)).json().outages).toEqual([]);
    const again = await call('PATCH', `/api/staff/outages/${outage.id}`, operator.auth, { title: 'Ещё' });
    expect(again.json().error.code).toBe('outage_closed');

    // The compensation: the outage's subscribers, its days, through the bulk operation (finance).
    const filter = { statuses: ['active'], outageId: outage.id };
    const action = { kind: 'compensation', days: 2, comment: 'Авария на Садовой' };
    const operatorTries = await call('POST', '/api/staff/bulk/preview', operator.auth, { filter, action });
    expect(operatorTries.statusCode).toBe(403);
    const p = (await call('POST', '/api/staff/bulk/preview', finance.auth, { filter, action })).json();
    const { year, month } = dayParts(todayIn('Europe/Moscow'));
    const each = compensationAmount(62_000, 2, daysInMonth(year, month));
    expect(p).toMatchObject({ accounts: 2, apply: 2, amount: 2 * each });
    const created = await call('POST', '/api/staff/bulk', finance.auth, {
      filter,
      action,
      key: randomUUID(),
      expect: { accounts: p.accounts, amount: p.amount },
      outageId: outage.id,
    });
    expect(created.statusCode).toBe(200);
    await runBulk(db, { operationId: created.json().id });
    const report = (await call('GET', `/api/staff/bulk/${created.json().id}`, finance.auth)).json();
    expect(report).toMatchObject({ state: 'done', succeeded: 2, amountMoved: 2 * each, outageId: outage.id });
    const linked = (await call('GET', `/api/staff/outages/${outage.id}`, finance.auth)).json();
    expect(linked.compensationId).toBe(created.json().id);
    const csv = await call('GET', `/api/staff/bulk/${created.json().id}/report.csv`, finance.auth);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(alice.account.number);
    expect(csv.body).toContain(bob.account.number);
    expect(csv.body).not.toContain(carol.account.number);
  });

  it('refuses bad times, a NAS of another region, and staff without the role', async () => {
    const db = t.database.db;
    const region = await buildRegion(db);
    const operator = await buildStaff(db, { role: 'operator' });
    const finance = await buildStaff(db, { role: 'finance' });
    const area = { regionId: region.id, scope: 'region' };
    const backwards = await call('POST', '/api/staff/outages', operator.auth, {
      area,
      title: 'Авария',
      startsAt: hours(2),
      expectedEndAt: hours(1),
    });
    expect(backwards.json().error.code).toBe('outage_bad_times');
    const byFinance = await call('POST', '/api/staff/outages', finance.auth, {
      area,
      title: 'Авария',
      startsAt: hours(0),
      expectedEndAt: hours(1),
    });
    expect(byFinance.statusCode).toBe(403);
    const noStreet = await call('POST', '/api/staff/outages/preview', operator.auth, {
      regionId: region.id,
      scope: 'address',
    });
    expect(noStreet.statusCode).toBe(400);
  });
});
