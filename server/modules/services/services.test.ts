import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dailyShare } from '../../../common/money.js';
import { type Database, queryRows } from '../../db/client.js';
import { createTestDatabase } from '../../test/db.js';
import { buildRegion, buildService, buildSubscriber, buildTariff } from '../../test/factories.js';
import { runBilling } from '../billing/run-billing.js';
import { verifyLedger } from '../ledger/verify-ledger.js';
import { connectAddon } from './connect-addon.js';
import { disconnectAddon } from './disconnect-addon.js';
import { addIpRange } from './ip-pool-admin.js';
import { previewAddon } from './preview-addon.js';
import { previewTariffChange } from './preview-tariff-change.js';
import { cancelTariffChange, requestTariffChange } from './request-tariff-change.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** Noon in Moscow on a day: the region's "today" for a use-case. */
const at = (day: string) => new Date(`${day}T09:00:00Z`);
const LATER = new Date('2030-01-01T00:00:00Z');

async function charges(accountId: number) {
  return queryRows<{ effective_on: string; amount: number; subscription_id: number | null }>(
    database.db,
    sql`select effective_on, amount, subscription_id from ledger_entries
        where account_id = ${accountId} and kind = 'charge' order by effective_on, id`,
  );
}

describe('tariff change', () => {
  it('takes effect from the next day: a change mid-month charges each plan for its own days, exact to the kopeck', async () => {
    const region = await buildRegion(database.db);
    const cheap = await buildTariff(database.db, { regionId: region.id, monthlyFee: 60_000 });
    const fast = await buildTariff(database.db, { regionId: region.id, monthlyFee: 90_000, nameRu: 'Быстрый 500' });
    const { account } = await buildSubscriber(database.db, {
      regionId: region.id,
      tariffId: cheap.id,
      balance: 500_000,
    });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-01', now: LATER });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-14', now: LATER });

    const preview = await previewTariffChange(database.db, {
      accountId: account.id,
      tariffId: fast.id,
      now: at('2026-11-14'),
    });
    expect(preview).toMatchObject({
      from: '2026-11-15',
      current: { id: cheap.id, monthlyFee: 60_000 },
      next: { id: fast.id, monthlyFee: 90_000 },
      monthlyFeeBefore: 60_000,
      monthlyFeeAfter: 90_000,
      nextCharge: { on: '2026-11-15', amount: dailyShare(90_000, 15, 30) },
    });
    await requestTariffChange(database.db, {
      accountId: account.id,
      tariffId: fast.id,
      actor: { type: 'subscriber', accountId: account.id },
      now: at('2026-11-14'),
    });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-30', now: LATER });

    const list = await charges(account.id);
    expect(list).toHaveLength(30);
    // 14 days of 600 ₽ = floor(60 000·14/30) = 28 000; 16 days of 900 ₽ = 90 000 − floor(90 000·14/30) = 48 000.
    expect(list.filter((c) => c.effective_on <= '2026-11-14').reduce((s, c) => s + c.amount, 0)).toBe(-28_000);
    expect(list.filter((c) => c.effective_on >= '2026-11-15').reduce((s, c) => s + c.amount, 0)).toBe(-48_000);
    const [a] = await queryRows<{ balance: number }>(
      database.db,
      sql`select balance from accounts where id = ${account.id}`,
    );
    expect(a!.balance).toBe(500_000 - 76_000);
    const subs = await queryRows<{ tariff_id: number; starts_on: string; ends_on: string | null }>(
      database.db,
      sql`select tariff_id, starts_on, ends_on from subscriptions where account_id = ${account.id} order by id`,
    );
    expect(subs).toEqual([
      { tariff_id: cheap.id, starts_on: '2026-01-01', ends_on: '2026-11-14' },
      { tariff_id: fast.id, starts_on: '2026-11-15', ends_on: null },
    ]);
    const events = await queryRows<{ kind: string }>(
      database.db,
      sql`select kind from account_events where account_id = ${account.id} and kind = 'tariff_changed'`,
    );
    expect(events).toHaveLength(1);
    expect((await verifyLedger(database.db)).mismatches).toEqual([]);
  });

  it('a pending change can be cancelled and is then never applied', async () => {
    const region = await buildRegion(database.db);
    const other = await buildTariff(database.db, { regionId: region.id, monthlyFee: 45_000 });
    const { account, tariff } = await buildSubscriber(database.db, { regionId: region.id, balance: 100_000 });
    const actor = { type: 'subscriber' as const, accountId: account.id };
    await requestTariffChange(database.db, { accountId: account.id, tariffId: other.id, actor, now: at('2026-11-20') });
    expect(await cancelTariffChange(database.db, { accountId: account.id, actor })).toEqual({ cancelled: true });
    expect(await cancelTariffChange(database.db, { accountId: account.id, actor })).toEqual({ cancelled: false });
    await runBilling(database.db, { regionId: region.id, until: '2026-11-21', now: LATER });
    const subs = await queryRows<{ tariff_id: number }>(
      database.db,
      sql`select tariff_id from subscriptions where account_id = ${account.id}`,
    );
    expect(subs).toEqual([{ tariff_id: tariff.id }]);
    const audit = await queryRows<{ action: string }>(
      database.db,
      sql`select action from audit_log where entity = 'account' and entity_id = ${String(account.id)} order by id`,
    );
    expect(audit.map((x) => x.action)).toEqual(['tariff.change_requested', 'tariff.change_cancelled']);
  });

  it('is refused with the reason: debt, another region, archived, not yet offered, the same plan', async () => {
    const region = await buildRegion(database.db);
    const elsewhere = await buildRegion(database.db);
    const foreign = await buildTariff(database.db, { regionId: elsewhere.id });
    const archived = await buildTariff(database.db, { regionId: region.id, archived: true });
    const future = await buildTariff(database.db, { regionId: region.id, activeFrom: '2027-01-01' });
    const good = await buildTariff(database.db, { regionId: region.id, monthlyFee: 70_000 });
    const { account, tariff } = await buildSubscriber(database.db, { regionId: region.id });
    const blocked = await buildSubscriber(database.db, { regionId: region.id, status: 'blocked', balance: -5_000 });
    const now = at('2026-11-20');
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(await code(previewTariffChange(database.db, { accountId: account.id, tariffId: foreign.id, now }))).toBe(
      'tariff_not_available',
    );
    expect(await code(previewTariffChange(database.db, { accountId: account.id, tariffId: archived.id, now }))).toBe(
      'tariff_archived',
    );
    expect(await code(previewTariffChange(database.db, { accountId: account.id, tariffId: future.id, now }))).toBe(
      'tariff_not_available',
    );
    expect(await code(previewTariffChange(database.db, { accountId: account.id, tariffId: tariff.id, now }))).toBe(
      'tariff_same',
    );
    const subscriberActor = { type: 'subscriber' as const, accountId: blocked.account.id };
    expect(
      await code(
        requestTariffChange(database.db, {
          accountId: blocked.account.id,
          tariffId: good.id,
          actor: subscriberActor,
          now,
        }),
      ),
    ).toBe('blocked_for_debt');
    // Staff may move a debtor to another plan.
    expect(
      await code(
        requestTariffChange(database.db, {
          accountId: blocked.account.id,
          tariffId: good.id,
          actor: { type: 'staff', staffId: 1 },
          now,
        }),
      ),
    ).toBe('ok');
  });
});

describe('add-ons', () => {
  it('a TV package is charged daily from the next day by the plan rule, and not after it is removed', async () => {
    const region = await buildRegion(database.db);
    const tv = await buildService(database.db, { regionId: region.id, kind: 'tv', monthlyFee: 19_900 });
    const { account } = await buildSubscriber(database.db, { regionId: region.id, balance: 200_000 });
    const actor = { type: 'subscriber' as const, accountId: account.id };
    await runBilling(database.db, { regionId: region.id, until: '2026-12-01', now: LATER });
    const preview = await previewAddon(database.db, {
      accountId: account.id,
      serviceId: tv.id,
      action: 'connect',
      now: at('2026-12-01'),
    });
    expect(preview).toMatchObject({
      day: '2026-12-02',
      monthlyFeeBefore: 60_000,
      monthlyFeeAfter: 79_900,
      nextCharge: { on: '2026-12-02', amount: dailyShare(60_000, 2, 31) + dailyShare(19_900, 2, 31) },
    });
    const c = await connectAddon(database.db, {
      accountId: account.id,
      serviceId: tv.id,
      actor,
      now: at('2026-12-01'),
    });
    expect(c).toMatchObject({ from: '2026-12-02', address: null });
    await runBilling(database.db, { regionId: region.id, until: '2026-12-10', now: LATER });
    await disconnectAddon(database.db, { accountId: account.id, serviceId: tv.id, actor, now: at('2026-12-10') });
    await runBilling(database.db, { regionId: region.id, until: '2026-12-31', now: LATER });
    const tvCharges = (await charges(account.id)).filter((x) => x.subscription_id === c.subscriptionId);
    expect(tvCharges.map((x) => x.effective_on)).toEqual(
      Array.from({ length: 9 }, (_, i) => `2026-12-${String(i + 2).padStart(2, '0')}`),
    );
    // Days 2..10 of a 31-day month: floor(19 900·10/31) − floor(19 900·1/31) = 6 419 − 641 = 5 778.
    expect(tvCharges.reduce((s, x) => s + x.amount, 0)).toBe(-5_778);
  });

  it('a static IP takes a pool address, gives it back on removal, and an empty pool is refused with the reason', async () => {
    const region = await buildRegion(database.db);
    const ip = await buildService(database.db, { regionId: region.id, kind: 'static_ip', monthlyFee: 15_000 });
    expect(await addIpRange(database.db, { regionId: region.id, cidr: '198.51.100.0/30', staffId: 1 })).toEqual({
      added: 2,
      skipped: 0,
    });
    expect(await addIpRange(database.db, { regionId: region.id, cidr: '198.51.100.0/30', staffId: 1 })).toEqual({
      added: 0,
      skipped: 2,
    });
    const subs = await Promise.all(
      [1, 2, 3].map(() => buildSubscriber(database.db, { regionId: region.id, balance: 10_000 })),
    );
    const actor = (id: number) => ({ type: 'subscriber' as const, accountId: id });
    const first = await connectAddon(database.db, {
      accountId: subs[0]!.account.id,
      serviceId: ip.id,
      actor: actor(subs[0]!.account.id),
    });
    const second = await connectAddon(database.db, {
      accountId: subs[1]!.account.id,
      serviceId: ip.id,
      actor: actor(subs[1]!.account.id),
    });
    expect([first.address, second.address].sort()).toEqual(['198.51.100.1', '198.51.100.2']);
    await expect(
      previewAddon(database.db, { accountId: subs[2]!.account.id, serviceId: ip.id, action: 'connect' }),
    ).rejects.toMatchObject({ code: 'ip_pool_empty' });
    await expect(
      connectAddon(database.db, {
        accountId: subs[2]!.account.id,
        serviceId: ip.id,
        actor: actor(subs[2]!.account.id),
      }),
    ).rejects.toMatchObject({ code: 'ip_pool_empty' });
    // Refused means nothing was connected.
    const none = await queryRows(
      database.db,
      sql`select 1 from subscriptions where account_id = ${subs[2]!.account.id} and kind = 'service'`,
    );
    expect(none).toEqual([]);
    await expect(
      connectAddon(database.db, {
        accountId: subs[0]!.account.id,
        serviceId: ip.id,
        actor: actor(subs[0]!.account.id),
      }),
    ).rejects.toMatchObject({ code: 'addon_already_connected' });

    const released = await disconnectAddon(database.db, {
      accountId: subs[0]!.account.id,
      serviceId: ip.id,
      actor: actor(subs[0]!.account.id),
    });
    expect(released.releasedAddress).toBe(first.address);
    const third = await connectAddon(database.db, {
      accountId: subs[2]!.account.id,
      serviceId: ip.id,
      actor: actor(subs[2]!.account.id),
    });
    expect(third.address).toBe(first.address);
    const events = await queryRows<{ kind: string; address: string }>(
      database.db,
      sql`select kind, data->>'address' as address from account_events
          where kind in ('static_ip_assigned', 'static_ip_released') and account_id = ${subs[0]!.account.id} order by id`,
    );
    expect(events).toEqual([
      { kind: 'static_ip_assigned', address: first.address },
      { kind: 'static_ip_released', address: first.address },
    ]);
    const history = await queryRows<{ account_id: number; released: boolean }>(
      database.db,
      sql`select account_id, released_at is not null as released from ip_assignments where host(address) = ${first.address} order by id`,
    );
    expect(history).toEqual([
      { account_id: subs[0]!.account.id, released: true },
      { account_id: subs[2]!.account.id, released: false },
    ]);
  });

  it('refuses add-ons of another region and bad ranges', async () => {
    const region = await buildRegion(database.db);
    const elsewhere = await buildRegion(database.db);
    const tv = await buildService(database.db, { regionId: elsewhere.id, kind: 'tv' });
    const { account } = await buildSubscriber(database.db, { regionId: region.id });
    await expect(
      connectAddon(database.db, {
        accountId: account.id,
        serviceId: tv.id,
        actor: { type: 'subscriber', accountId: account.id },
      }),
    ).rejects.toMatchObject({ code: 'addon_not_available' });
    for (const cidr of ['10.0.0.0/8', '300.1.1.0/24', 'fe80::/64', '10.0.0.1']) {
      await expect(addIpRange(database.db, { regionId: region.id, cidr, staffId: 1 })).rejects.toMatchObject({
        code: 'bad_ip_range',
      });
    }
  });
});
