import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addDays, todayIn } from '../../../common/dates.js';
import { queryRows } from '../../db/client.js';
import { createTestApp, type TestContext } from '../../test/app.js';
import { buildRegion, buildService, buildStaff } from '../../test/factories.js';
import { signedInSubscriber } from '../../test/sign-in.js';

// Mobile internet (services issue, item 5): a page per region, a request to connect, a staff queue.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const db = () => t.database.db;

describe('mobile internet requests', () => {
  it('a subscriber asks once, staff connect it in the queue, the package is charged from tomorrow; others may not act', async () => {
    const region = await buildRegion(db());
    const pkg = await buildService(db(), {
      regionId: region.id,
      kind: 'mobile',
      nameRu: 'Мобильный 10 ГБ',
      nameEn: 'Mobile 10 GB',
      monthlyFee: 30_000,
    });
    const s = await signedInSubscriber(t.app, db(), { regionId: region.id, balance: 50_000 });
    const other = await signedInSubscriber(t.app, db(), { regionId: region.id, balance: 50_000 });
    const op = await buildStaff(db(), { role: 'operator' });
    const finance = await buildStaff(db(), { role: 'finance' });

    const page = await t.app.inject({ method: 'GET', url: '/api/me/mobile', headers: s.auth });
    expect(page.statusCode).toBe(200);
    expect(page.json().packages).toEqual([
      expect.objectContaining({ id: pkg.id, nameRu: 'Мобильный 10 ГБ', monthlyFee: 30_000 }),
    ]);

    // Bad phone: a clear 400 in the caller's language, nothing stored.
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/me/mobile/requests',
      headers: { ...s.auth, 'accept-language': 'en' },
      payload: { serviceId: pkg.id, phone: '12-34', convenientTime: 'evening' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toEqual({ code: 'bad_phone', message: 'Enter a phone number: 10–15 digits' });

    const req = await t.app.inject({
      method: 'POST',
      url: '/api/me/mobile/requests',
      headers: s.auth,
      payload: { serviceId: pkg.id, phone: '8 (921) 100-20-30', convenientTime: 'будни после 18:00' },
    });
    expect(req.statusCode).toBe(200);
    const id = req.json().id as number;
    expect(req.json()).toEqual({ id, status: 'new' });
    // One open request at a time.
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/me/mobile/requests',
      headers: s.auth,
      payload: { phone: '+79211002030', convenientTime: 'утром' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('mobile_request_exists');

    // Another subscriber can neither see nor withdraw it.
    const theirs = await t.app.inject({ method: 'GET', url: '/api/me/mobile', headers: other.auth });
    expect(theirs.json().requests).toEqual([]);
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/me/mobile/requests/${id}/cancel`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);

    // The queue: the operator sees it with the normalised phone; finance may read but not handle; a subscriber neither.
    const queue = await t.app.inject({ method: 'GET', url: '/api/staff/mobile-requests', headers: op.auth });
    expect(queue.json().requests).toContainEqual(
      expect.objectContaining({
        id,
        phone: '79211002030',
        convenientTime: 'будни после 18:00',
        packageRu: 'Мобильный 10 ГБ',
        status: 'new',
      }),
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/mobile-requests', headers: s.auth })).statusCode).toBe(
      403,
    );
    const byFinance = await t.app.inject({
      method: 'POST',
      url: `/api/staff/mobile-requests/${id}`,
      headers: finance.auth,
      payload: { status: 'connected' },
    });
    expect(byFinance.statusCode).toBe(403);
    const refuseWithoutReason = await t.app.inject({
      method: 'POST',
      url: `/api/staff/mobile-requests/${id}`,
      headers: op.auth,
      payload: { status: 'refused' },
    });
    expect(refuseWithoutReason.statusCode).toBe(400);

    const done = await t.app.inject({
      method: 'POST',
      url: `/api/staff/mobile-requests/${id}`,
      headers: op.auth,
      payload: { status: 'connected' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id, status: 'connected' });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/mobile-requests/${id}`,
      headers: op.auth,
      payload: { status: 'refused', note: 'нет' },
    });
    expect(again.statusCode).toBe(409);

    // The package is an add-on at its fee from tomorrow; the subscriber is told; the action is audited.
    const [sub] = await queryRows<{ monthly_fee: number; starts_on: string }>(
      db(),
      sql`select monthly_fee, starts_on::text from subscriptions where account_id = ${s.account.id} and service_id = ${pkg.id}`,
    );
    expect(sub).toEqual({ monthly_fee: 30_000, starts_on: addDays(todayIn(region.timeZone), 1) });
    const notices = await queryRows<{ template: string }>(
      db(),
      sql`select template from outbox where account_id = ${s.account.id} and channel = 'inbox'`,
    );
    expect(notices.map((n) => n.template)).toContain('mobile_connected');
    const audit = await queryRows<{ action: string; actor_id: string }>(
      db(),
      sql`select action, actor_id from audit_log where entity = 'account' and entity_id = ${String(s.account.id)} and action like 'mobile.%' order by id`,
    );
    expect(audit).toEqual([
      { action: 'mobile.requested', actor_id: String(s.account.id) },
      { action: 'mobile.connected', actor_id: String(op.user.id) },
    ]);
    // Closed: no longer in the open queue.
    const after = await t.app.inject({ method: 'GET', url: '/api/staff/mobile-requests', headers: op.auth });
    expect(after.json().requests.map((r: { id: number }) => r.id)).not.toContain(id);
  });
});
