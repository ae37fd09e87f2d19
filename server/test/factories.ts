import { randomInt } from 'node:crypto';

import { eq } from 'drizzle-orm';

import type { Db } from '../db/client.js';
import {
  accounts,
  contracts,
  regions,
  services,
  type StaffRole,
  staffUsers,
  subscribers,
  subscriptions,
  tariffs,
} from '../db/schema/index.js';
import { createSession } from '../modules/auth/sessions.js';

/**
 * Factories: each test builds the rows it needs, so tests run in any order. Every factory takes
 * overrides and fills the rest with valid, unique values. Rows are inserted directly (no business
 * rules); use the real use-cases when the rule itself is under test.
 */
let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(++seq).toString(36)}${randomInt(1000)}`;

export async function buildRegion(db: Db, o: Partial<typeof regions.$inferInsert> = {}) {
  // Contract prefixes are two digits and unique: take the first free one.
  const taken = new Set((await db.select({ p: regions.contractPrefix }).from(regions)).map((r) => r.p));
  const prefix = o.contractPrefix ?? Array.from({ length: 90 }, (_, i) => String(10 + i)).find((p) => !taken.has(p));
  if (!prefix) throw new Error('test database has no free region prefix left');
  const n = ++seq;
  const [row] = await db
    .insert(regions)
    .values({
      code: `r${uniq()}`,
      nameRu: `Регион ${n}`,
      nameEn: `Region ${n}`,
      timeZone: 'Europe/Moscow',
      supportPhone: '88005559167',
      supportEmail: 'support@example.net',
      contractPrefix: prefix,
      ...o,
    })
    .returning();
  return row!;
}

export async function buildTariff(db: Db, o: Partial<typeof tariffs.$inferInsert> & { regionId: number }) {
  const [row] = await db
    .insert(tariffs)
    .values({
      code: `t${uniq()}`,
      nameRu: 'Домашний 100',
      nameEn: 'Home 100',
      monthlyFee: 60_000,
      speedDownKbps: 100_000,
      speedUpKbps: 100_000,
      activeFrom: '2020-01-01',
      ...o,
    })
    .returning();
  return row!;
}

export async function buildService(db: Db, o: Partial<typeof services.$inferInsert> & { regionId: number }) {
  const [row] = await db
    .insert(services)
    .values({
      kind: 'static_ip',
      code: `s${uniq()}`,
      nameRu: 'Статический IP',
      nameEn: 'Static IP',
      monthlyFee: 15_000,
      ...o,
    })
    .returning();
  return row!;
}

export interface BuildSubscriberOptions {
  regionId?: number;
  /** Tariff to subscribe to; a new one (600 ₽/month unless `monthlyFee`) is made when absent. */
  tariffId?: number;
  monthlyFee?: number;
  balance?: number;
  creditLimit?: number;
  status?: (typeof accounts.$inferInsert)['status'];
  startsOn?: string;
  phone?: string;
  email?: string | null;
  fullName?: string;
  passwordHash?: string | null;
  mustChangePassword?: boolean;
}

/**
 * A subscriber with a contract, a personal account and an active tariff subscription.
 * A non-zero `balance` is written as an opening adjustment entry so the ledger invariant holds.
 */
export async function buildSubscriber(db: Db, o: BuildSubscriberOptions = {}) {
  const regionId = o.regionId ?? (await buildRegion(db)).id;
  const tariff = o.tariffId
    ? (await db.select().from(tariffs).where(eq(tariffs.id, o.tariffId)))[0]!
    : await buildTariff(db, { regionId, monthlyFee: o.monthlyFee ?? 60_000 });
  const [subscriber] = await db
    .insert(subscribers)
    .values({
      fullName: o.fullName ?? 'Иванов Иван Иванович',
      address: 'г. Санкт-Петербург, ул. Примерная, д. 1, кв. 1',
      phone: o.phone ?? `79${String(randomInt(1e9)).padStart(9, '0')}`,
      email: o.email === undefined ? `user${uniq()}@example.net` : o.email,
    })
    .returning();
  const [contract] = await db
    .insert(contracts)
    .values({
      number: `T${uniq()}`.slice(0, 20),
      subscriberId: subscriber!.id,
      regionId,
      signedOn: o.startsOn ?? '2026-01-01',
      passwordHash: o.passwordHash ?? null,
      mustChangePassword: o.mustChangePassword ? 1 : 0,
    })
    .returning();
  const [account] = await db
    .insert(accounts)
    .values({
      number: String(randomInt(100_000_000, 999_999_999)),
      contractId: contract!.id,
      regionId,
      creditLimit: o.creditLimit ?? 0,
      status: o.status ?? 'active',
    })
    .returning();
  const [subscription] = await db
    .insert(subscriptions)
    .values({
      accountId: account!.id,
      kind: 'tariff',
      tariffId: tariff.id,
      monthlyFee: tariff.monthlyFee,
      startsOn: o.startsOn ?? '2026-01-01',
    })
    .returning();
  if (o.balance) {
    const { postEntry } = await import('../modules/ledger/post-entry.js');
    await postEntry(db, {
      accountId: account!.id,
      kind: 'adjustment',
      amount: o.balance,
      effectiveOn: o.startsOn ?? '2026-01-01',
      source: 'test',
      comment: 'opening balance',
    });
  }
  const [fresh] = await db.select().from(accounts).where(eq(accounts.id, account!.id));
  return {
    region: { id: regionId },
    tariff,
    subscriber: subscriber!,
    contract: contract!,
    account: fresh!,
    subscription: subscription!,
  };
}

/** A staff user of a role with a live session; `token` goes in `Authorization: Bearer …`. */
/** Staff see every region unless `regions` names some (server/policy/region-scope.ts). */
export async function buildStaff(
  db: Db,
  o: { role?: StaffRole; email?: string; passwordHash?: string; regions?: 'all' | number[] } = {},
) {
  const role = o.role ?? 'admin';
  const [user] = await db
    .insert(staffUsers)
    .values({
      email: o.email ?? `${role}-${uniq()}@example.net`,
      fullName: `Test ${role}`,
      role,
      passwordHash: o.passwordHash ?? 'not-a-hash',
      allRegions: (o.regions ?? 'all') === 'all',
      regionIds: o.regions === undefined || o.regions === 'all' ? [] : o.regions,
    })
    .returning();
  const { token } = await createSession(db, { type: 'staff', staffId: user!.id });
  return { user: user!, token, auth: { authorization: `Bearer ${token}` } };
}
