import { randomUUID } from 'node:crypto';

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compensationAmount } from '../../../common/compensation.js';
import { dayParts, todayIn } from '../../../common/dates.js';
import { daysInMonth } from '../../../common/money.js';
import { type Database, queryRows } from '../../db/client.js';
import type { RegionScope } from '../../policy/region-scope.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildService, buildStaff, buildSubscriber, buildTariff } from '../../test/factories.js';
import { buildNas } from '../../test/network-factories.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { notifyAccountEvents } from '../notifications/notify-account-events.js';
import type { BulkAction, BulkFilter } from './bulk.schemas.js';
import { createBulk } from './create-bulk.js';
import { previewBulk } from './preview-bulk.js';
import { bulkReportCsv } from './report-csv.js';
import { runBulk } from './run-bulk.js';
import { selectAccounts } from './select-accounts.js';
import { stopBulk } from './stop-bulk.js';
import { showBulk } from './view-bulk.js';

let database: Database;
let staffId: number;
beforeAll(async () => {
  database = await createTestDatabase();
  staffId = (await buildStaff(database.db, { role: 'admin' })).user.id;
});
afterAll(() => database.close());

const db = () => database.db;
const ACTIVE: BulkFilter['statuses'] = ['active', 'blocked', 'suspended'];
const monthDays = () => {
  const { year, month } = dayParts(todayIn('Europe/Moscow'));
  return daysInMonth(year, month);
};

async function selected(filter: BulkFilter, scope: RegionScope = 'all') {
  const rows = await queryRows<{ account_id: number }>(
    db(),
    sql`select account_id from (${selectAccounts(filter, scope)}) s order by account_id`,
  );
  return rows.map((r) => Number(r.account_id));
}

/** Preview, then create with what the preview said, then run to the end. */
async function previewAndRun(filter: BulkFilter, action: BulkAction, opts: { batchSize?: number } = {}) {
  const preview = await previewBulk(db(), { filter, action, scope: 'all', role: 'admin', lang: 'ru' });
  const { id } = await createBulk(db(), {
    key: randomUUID(),
    filter,
    action,
    expect: { accounts: preview.accounts, amount: preview.amount },
    scope: 'all',
    staffId,
    role: 'admin',
  });
  const state = await runBulk(db(), { operationId: id, batchSize: opts.batchSize });
  return { preview, id, state, op: await showBulk(db(), { id, scope: 'all', lang: 'ru' }) };
}

async function entriesOf(keyPrefix: string) {
  return queryRows<{ account_id: number; amount: number }>(
    db(),
    sql`select account_id, amount from ledger_entries where idempotency_key like ${`${keyPrefix}:%`} order by account_id`,
  );
}

describe('selection', () => {
  it('selects by region, plan, status, balance, street and houses, tag, NAS and staff regions', async () => {
    const region = await buildRegion(db());
    const other = await buildRegion(db());
    const plan = await buildTariff(db(), { regionId: region.id, monthlyFee: 50_000 });
    const mk = (o: Parameters<typeof buildSubscriber>[1]) => buildSubscriber(db(), { regionId: region.id, ...o });
    const a = await mk({ tariffId: plan.id, balance: 10_000, address: 'г. Тверь, ул. Зелёная, д. 5, кв. 1' });
    const b = await mk({ balance: 90_000, address: 'г. Тверь, УЛ. ЗЕЛЕНАЯ, дом 12а, кв. 7' });
    const c = await mk({ balance: 90_000, address: 'г. Тверь, ул. Зелёная, д.12к1' });
    const d = await mk({ status: 'terminated', address: 'г. Тверь, ул. Зелёная, д. 7' });
    const e = await buildSubscriber(db(), { regionId: other.id, address: 'г. Тверь, ул. Зелёная, д. 5' });
    const ids = (...xs: { account: { id: number } }[]) => xs.map((x) => x.account.id).sort((p, q) => p - q);

    expect(await selected({ statuses: ACTIVE, regionIds: [region.id] })).toEqual(ids(a, b, c));
    expect(await selected({ statuses: ['terminated'], regionIds: [region.id] })).toEqual(ids(d));
    expect(await selected({ statuses: ACTIVE, tariffIds: [plan.id] })).toEqual(ids(a));
    expect(await selected({ statuses: ACTIVE, regionIds: [region.id], balanceBelow: 50_000 })).toEqual(ids(a));
    // The street matches without regard to case or ё; houses are the number after "д."/"дом".
    expect(await selected({ statuses: ACTIVE, street: 'зеленая', regionIds: [region.id] })).toEqual(ids(a, b, c));
    expect(await selected({ statuses: ACTIVE, street: 'Зелёная', houses: '12а' })).toEqual(ids(b));
    expect(await selected({ statuses: ACTIVE, street: 'Зелёная', houses: '1-10', regionIds: [region.id] })).toEqual(
      ids(a),
    );
    expect(await selected({ statuses: ACTIVE, street: 'Зелёная', houses: '12', regionIds: [region.id] })).toEqual(
      ids(c),
    );
    expect(await selected({ statuses: ACTIVE, street: 'Зелёная', houses: '11-12', regionIds: [region.id] })).toEqual(
      ids(b, c),
    );
    // Staff of one region never select beyond it, whatever the filter says.
    expect(await selected({ statuses: ACTIVE, street: 'Зелёная', houses: '5' }, [other.id])).toEqual(ids(e));
    expect(await selected({ statuses: ACTIVE, regionIds: [region.id] }, [other.id])).toEqual([]);

    const [tag] = await queryRows<{ id: number }>(db(), sql`insert into tags (name) values ('VIP-sel') returning id`);
    await db().execute(sql`insert into account_tags (account_id, tag_id) values (${b.account.id}, ${tag!.id})`);
    expect(await selected({ statuses: ACTIVE, tagIds: [Number(tag!.id)] })).toEqual(ids(b));

    // NAS: the one of the account's latest RADIUS session.
    const nas1 = await buildNas(db(), { regionId: region.id, appSecret: 'x'.repeat(32) });
    const nas2 = await buildNas(db(), { regionId: region.id, appSecret: 'x'.repeat(32) });
    const session = (accountId: number, nasAddress: string, startedAt: string) =>
      db().execute(
        sql`insert into radius_sessions (nas_address, acct_session_id, username, account_id, started_at, updated_at)
            values (${nasAddress}::inet, ${randomUUID()}, 'u', ${accountId}, ${startedAt}::timestamptz, ${startedAt}::timestamptz)`,
      );
    await session(a.account.id, nas1.address, '2026-11-01T10:00:00Z');
    await session(a.account.id, nas2.address, '2026-11-20T10:00:00Z');
    await session(c.account.id, nas1.address, '2026-11-21T10:00:00Z');
    expect(await selected({ statuses: ACTIVE, nasIds: [nas1.id] })).toEqual(ids(c));
    expect(await selected({ statuses: ACTIVE, nasIds: [nas2.id] })).toEqual(ids(a));
  });
});

describe('compensation', () => {
  it('credits N days of each one’s own fee, exactly what the preview showed, once per account', async () => {
    const region = await buildRegion(db());
    const tv = await buildService(db(), { regionId: region.id, kind: 'tv', monthlyFee: 19_900 });
    const cheap = await buildSubscriber(db(), { regionId: region.id, monthlyFee: 45_000 });
    const rich = await buildSubscriber(db(), { regionId: region.id, monthlyFee: 90_000, balance: -1_000 });
    await db().execute(
      sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
          values (${rich.account.id}, 'service', ${tv.id}, 19900, '2026-01-01')`,
    );
    const free = await buildSubscriber(db(), { regionId: region.id, monthlyFee: 0 });
    const gone = await buildSubscriber(db(), { regionId: region.id, status: 'terminated' });
    // Blocked for debt: the credit covers it, so it comes back (an 'unblocked' event).
    await db().execute(sql`update accounts set status = 'blocked' where id = ${rich.account.id}`);

    const filter: BulkFilter = { statuses: ['active', 'blocked', 'terminated'], regionIds: [region.id] };
    const action: BulkAction = { kind: 'compensation', days: 3, comment: 'Авария на Зелёной' };
    const { preview, id, state, op } = await previewAndRun(filter, action);

    const n = monthDays();
    const expected = [
      { account_id: cheap.account.id, amount: compensationAmount(45_000, 3, n) },
      { account_id: rich.account.id, amount: compensationAmount(90_000 + 19_900, 3, n) },
    ];
    expect(preview).toMatchObject({ accounts: 4, apply: 2, amount: expected[0]!.amount + expected[1]!.amount });
    expect(preview.notApplied.map((r) => r.reason).sort()).toEqual(['account_terminated', 'bulk_no_fee']);
    expect(state).toBe('done');
    expect(await entriesOf(`bulk:${id}`)).toEqual(expected);
    expect(op).toMatchObject({
      total: 4,
      processed: 4,
      succeeded: 2,
      skipped: 1,
      failed: 1,
      amountMoved: preview.amount,
    });
    expect(op.plannedAmount).toBe(op.amountMoved);

    const [acc] = await queryRows<{ status: string }>(
      db(),
      sql`select status from accounts where id = ${rich.account.id}`,
    );
    expect(acc!.status).toBe('active');
    const [entry] = await queryRows<{ comment: string; source: string }>(
      db(),
      sql`select comment, source from ledger_entries where idempotency_key = ${`bulk:${id}:${cheap.account.id}`}`,
    );
    expect(entry).toEqual({ comment: `compensation:${id}: Авария на Зелёной`, source: `staff:${staffId}` });
    void free;
    void gone;

    // The job run again, and even the items put back to pending (as if a mark were lost): nothing twice.
    expect(await runBulk(db(), { operationId: id })).toBe('done');
    await db().execute(sql`update bulk_operation_items set state = 'pending' where operation_id = ${id}`);
    await db().execute(sql`update bulk_operations set state = 'running' where id = ${id}`);
    expect(await runBulk(db(), { operationId: id })).toBe('done');
    expect(await entriesOf(`bulk:${id}`)).toEqual(expected);
    expect((await verifyLedger(db(), { full: true })).mismatches).toEqual([]);
  });

  it('goes through many batches; a stop request is honoured between batches and the rest stays pending', async () => {
    const region = await buildRegion(db());
    const plan = await buildTariff(db(), { regionId: region.id, monthlyFee: 31_000 });
    for (let i = 0; i < 7; i++) await buildSubscriber(db(), { regionId: region.id, tariffId: plan.id });
    const filter: BulkFilter = { statuses: ['active'], regionIds: [region.id] };
    const action: BulkAction = { kind: 'compensation', days: 1, comment: 'test' };
    const preview = await previewBulk(db(), { filter, action, scope: 'all', role: 'finance', lang: 'en' });
    const { id } = await createBulk(db(), {
      key: randomUUID(),
      filter,
      action,
      expect: { accounts: preview.accounts, amount: preview.amount },
      scope: 'all',
      staffId,
      role: 'finance',
    });
    const state = await runBulk(db(), {
      operationId: id,
      batchSize: 2,
      afterBatch: async (batch) => {
        if (batch === 2) await stopBulk(db(), { id, scope: 'all', staffId });
      },
    });
    expect(state).toBe('stopped');
    const op = await showBulk(db(), { id, scope: 'all', lang: 'en' });
    expect(op).toMatchObject({ state: 'stopped', total: 7, processed: 4, succeeded: 4 });
    expect(op.amountMoved).toBe(4 * compensationAmount(31_000, 1, monthDays()));
    expect((await entriesOf(`bulk:${id}`)).length).toBe(4);
    const csv = await bulkReportCsv(db(), { id, scope: 'all', lang: 'en' });
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines.filter((l) => l.includes(';not done;'))).toHaveLength(3);
    expect(lines.filter((l) => l.includes(';done;'))).toHaveLength(4);
    // A stopped operation cannot be stopped again, and the job finds nothing to do.
    await expect(stopBulk(db(), { id, scope: 'all', staffId })).rejects.toMatchObject({ code: 'bulk_finished' });
    expect(await runBulk(db(), { operationId: id })).toBe('stopped');
  });

  it('is refused when the selection changed after the preview, and created once per key', async () => {
    const region = await buildRegion(db());
    await buildSubscriber(db(), { regionId: region.id });
    const filter: BulkFilter = { statuses: ['active'], regionIds: [region.id] };
    const action: BulkAction = { kind: 'compensation', days: 2, comment: 'x' };
    const preview = await previewBulk(db(), { filter, action, scope: 'all', role: 'admin', lang: 'ru' });
    await buildSubscriber(db(), { regionId: region.id });
    const input = {
      key: randomUUID(),
      filter,
      action,
      expect: { accounts: preview.accounts, amount: preview.amount },
      scope: 'all' as const,
      staffId,
      role: 'admin',
    };
    await expect(createBulk(db(), input)).rejects.toMatchObject({
      code: 'bulk_preview_changed',
      params: { accounts: 2, amount: 2 * preview.amount },
    });
    const [none] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int8 as n from bulk_operations where key = ${input.key}`,
    );
    expect(Number(none!.n)).toBe(0);
    const again = { ...input, expect: { accounts: 2, amount: 2 * preview.amount } };
    const first = await createBulk(db(), again);
    const second = await createBulk(db(), again);
    expect(second).toEqual({ id: first.id, created: false });
    const jobs = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int8 as n from jobs where key = ${`bulk:${first.id}`}`,
    );
    expect(Number(jobs[0]!.n)).toBe(1);
    // Money is finance's: an operator may not compensate.
    await expect(
      previewBulk(db(), { filter, action, scope: 'all', role: 'operator', lang: 'ru' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('plan change, block and unblock, message', () => {
  it('changes the plan through the services rules: other regions refused, the same plan skipped, audited', async () => {
    const region = await buildRegion(db());
    const other = await buildRegion(db());
    const oldPlan = await buildTariff(db(), { regionId: region.id, monthlyFee: 50_000 });
    const newPlan = await buildTariff(db(), { regionId: region.id, monthlyFee: 70_000 });
    const tag = await queryRows<{ id: number }>(db(), sql`insert into tags (name) values ('retire-plan') returning id`);
    const a = await buildSubscriber(db(), { regionId: region.id, tariffId: oldPlan.id });
    const b = await buildSubscriber(db(), { regionId: region.id, tariffId: newPlan.id });
    const c = await buildSubscriber(db(), { regionId: other.id });
    for (const x of [a, b, c])
      await db().execute(sql`insert into account_tags (account_id, tag_id) values (${x.account.id}, ${tag[0]!.id})`);
    const { preview, op } = await previewAndRun(
      { statuses: ['active'], tagIds: [Number(tag[0]!.id)] },
      { kind: 'tariff', tariffId: newPlan.id },
    );
    expect(preview).toMatchObject({ accounts: 3, apply: 1, amount: 20_000 });
    expect(op).toMatchObject({ succeeded: 1, skipped: 1, failed: 1 });
    const subs = await queryRows<{ account_id: number; pending_tariff_id: number | null }>(
      db(),
      sql`select account_id, pending_tariff_id from subscriptions
          where account_id in (${a.account.id}, ${b.account.id}, ${c.account.id}) order by account_id`,
    );
    expect(subs.map((s) => s.pending_tariff_id)).toEqual([newPlan.id, null, null]);
    const items = await queryRows<{ account_id: number; state: string; reason: string | null }>(
      db(),
      sql`select account_id, state, reason from bulk_operation_items where operation_id = ${op.id} order by account_id`,
    );
    expect(items.map((i) => [i.state, i.reason])).toEqual([
      ['done', null],
      ['skipped', 'tariff_same'],
      ['failed', 'tariff_not_available'],
    ]);
    const audit = await queryRows<{ entity_id: string }>(
      db(),
      sql`select entity_id from audit_log where action = 'tariff.change_requested' and after->>'comment' = ${`bulk:${op.id}`}`,
    );
    expect(audit.map((r) => Number(r.entity_id))).toEqual([a.account.id]);
  });

  it('blocks and unblocks through the ledger: staff notices, a voluntary suspension left alone', async () => {
    const region = await buildRegion(db());
    const a = await buildSubscriber(db(), { regionId: region.id, balance: 10_000 });
    const debtor = await buildSubscriber(db(), { regionId: region.id, balance: -5_000, status: 'blocked' });
    const voluntary = await buildSubscriber(db(), { regionId: region.id, status: 'suspended' });
    await db().execute(
      sql`insert into suspensions (account_id, starts_on, ends_on, status, created_by)
          values (${voluntary.account.id}, '2026-12-01', '2026-12-20', 'active', 'subscriber')`,
    );
    const filter: BulkFilter = { statuses: ['active', 'blocked', 'suspended'], regionIds: [region.id] };
    const blocked = await previewAndRun(filter, { kind: 'block', reason: 'ремонт дома' });
    expect(blocked.op).toMatchObject({ succeeded: 2, skipped: 1, failed: 0 });
    const status = async () =>
      (
        await queryRows<{ status: string }>(
          db(),
          sql`select status from accounts where id in (${a.account.id}, ${debtor.account.id}, ${voluntary.account.id}) order by id`,
        )
      ).map((r) => r.status);
    expect(await status()).toEqual(['suspended', 'suspended', 'suspended']);
    await notifyAccountEvents(db());
    const notices = await queryRows<{ template: string; body: string }>(
      db(),
      sql`select template, body from outbox where account_id = ${a.account.id} and channel = 'inbox'`,
    );
    expect(notices).toEqual([{ template: 'staff_blocked', body: expect.stringContaining('ремонт дома') }]);

    const unblocked = await previewAndRun(filter, { kind: 'unblock' });
    expect(unblocked.preview.notApplied.map((r) => r.reason)).toEqual(['bulk_voluntary_suspension']);
    expect(unblocked.op).toMatchObject({ succeeded: 2, failed: 1 });
    // The debtor goes back to blocked: unblocking does not give credit (the ledger's coverage rule).
    expect(await status()).toEqual(['active', 'blocked', 'suspended']);
    const events = await queryRows<{ kind: string; data: Record<string, unknown> }>(
      db(),
      sql`select kind, data from account_events where account_id = ${a.account.id} order by id`,
    );
    expect(events.map((e) => [e.kind, e.data.by, e.data.operationId])).toEqual([
      ['suspended', 'staff', blocked.id],
      ['resumed', 'staff', unblocked.id],
    ]);
  });

  it('sends a message through the outbox by each one’s channels, as many as the preview counted', async () => {
    const region = await buildRegion(db());
    const both = await buildSubscriber(db(), { regionId: region.id });
    const noMail = await buildSubscriber(db(), { regionId: region.id, email: null });
    await db().execute(sql`update subscribers set notify_sms = 0, lang = 'en' where id = ${noMail.subscriber.id}`);
    const { preview, op } = await previewAndRun(
      { statuses: ['active'], regionIds: [region.id] },
      {
        kind: 'message',
        channels: ['inbox', 'email', 'sms'],
        subjectRu: 'Плановые работы',
        textRu: 'Завтра с 2:00 до 4:00',
        subjectEn: 'Maintenance',
        textEn: 'Tomorrow 2:00 to 4:00',
      },
    );
    expect(preview.channels).toEqual({ inbox: 2, email: 1, sms: 1 });
    expect(op.succeeded).toBe(2);
    const out = await queryRows<{ account_id: number; channel: string; subject: string; state: string }>(
      db(),
      sql`select account_id, channel, subject, state from outbox
          where account_id in (${both.account.id}, ${noMail.account.id}) order by account_id, channel`,
    );
    expect(out.map((o) => [o.account_id, o.channel, o.subject, o.state])).toEqual([
      [both.account.id, 'email', 'Плановые работы', 'queued'],
      [both.account.id, 'inbox', 'Плановые работы', 'sent'],
      [both.account.id, 'sms', 'Плановые работы', 'queued'],
      [noMail.account.id, 'inbox', 'Maintenance', 'sent'],
    ]);
    const jobs = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int8 as n from jobs j join outbox o on j.key = 'deliver:' || o.id
          where o.account_id = ${both.account.id}`,
    );
    expect(Number(jobs[0]!.n)).toBe(2);
  });
});
