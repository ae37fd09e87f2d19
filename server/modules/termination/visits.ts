import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { VisitStatus } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { type Actor, actorAudit, assertNotTerminated, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { listOffices } from './offices.js';

/** A visit can be booked from tomorrow up to this many days ahead, 09:00–20:00 in 30-minute steps. */
export const VISIT_AHEAD_DAYS = 30;
const TIME_RE = /^(09|1[0-9]):(00|30)$|^20:00$/;

export interface VisitRow {
  id: number;
  account_id: number;
  office_id: number;
  visit_on: string;
  visit_time: string;
  phone: string | null;
  status: VisitStatus;
}

/** The termination page: how it is done, the region's offices, and a visit already booked. */
export async function terminationInfo(db: Db, accountId: number, now?: Date) {
  const a = await loadAccount(db, accountId, { now });
  const [offices, visits] = await Promise.all([
    listOffices(db, a.regionId),
    queryRows<VisitRow>(
      db,
      sql`select id, account_id, office_id, visit_on, visit_time, phone, status from termination_visits
          where account_id = ${accountId} and status = 'booked'`,
    ),
  ]);
  const v = visits[0];
  return {
    today: a.today,
    firstDay: addDays(a.today, 1),
    lastDay: addDays(a.today, VISIT_AHEAD_DAYS),
    offices: offices.map((o) => ({
      id: o.id,
      nameRu: o.nameRu,
      nameEn: o.nameEn,
      address: o.address,
      hours: o.hours,
      phone: o.phone,
    })),
    visit: v ? { id: v.id, officeId: v.office_id, date: v.visit_on, time: v.visit_time, phone: v.phone } : null,
  };
}

/**
 * Books a visit to an office of the account's region to terminate the contract (one booked visit at a
 * time; cancel it to choose another). The termination itself is done by staff at the visit.
 */
export async function bookVisit(
  db: Db,
  opts: {
    accountId: number;
    officeId: number;
    date: string;
    time: string;
    phone?: string | null;
    actor: Actor;
    now?: Date;
  },
) {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    assertNotTerminated(a);
    const last = addDays(a.today, VISIT_AHEAD_DAYS);
    if (opts.date <= a.today || opts.date > last || !TIME_RE.test(opts.time))
      throw new AppError('visit_bad_time', { last });
    const office = (await listOffices(tx, a.regionId)).find((o) => o.id === opts.officeId);
    if (!office) throw new AppError('office_not_found');
    const [booked] = await queryRows<{ visit_on: string }>(
      tx,
      sql`select visit_on from termination_visits where account_id = ${a.id} and status = 'booked'`,
    );
    if (booked) throw new AppError('visit_exists', { date: booked.visit_on });
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into termination_visits (account_id, office_id, visit_on, visit_time, phone)
          values (${a.id}, ${office.id}, ${opts.date}::date, ${opts.time}, ${opts.phone?.trim() || null}) returning id`,
    );
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'termination.visit_booked',
      entity: 'account',
      entityId: a.id,
      after: { visitId: row!.id, officeId: office.id, date: opts.date, time: opts.time },
    });
    return { id: row!.id, officeId: office.id, date: opts.date, time: opts.time };
  });
}

/** Cancels the account's booked visit (the subscriber), or marks a visit cancelled/missed (staff). */
export async function closeVisit(
  db: Db,
  opts: { accountId?: number; visitId?: number; status: 'cancelled' | 'missed'; actor: Actor },
): Promise<{ id: number; status: VisitStatus }> {
  return inTransaction(db, async (tx) => {
    const [v] = await queryRows<VisitRow>(
      tx,
      opts.visitId
        ? sql`select id, account_id, office_id, visit_on, visit_time, phone, status from termination_visits where id = ${opts.visitId}`
        : sql`select id, account_id, office_id, visit_on, visit_time, phone, status from termination_visits
              where account_id = ${opts.accountId ?? 0} and status = 'booked'`,
    );
    if (!v || (opts.accountId !== undefined && v.account_id !== opts.accountId)) throw new AppError('visit_not_found');
    await loadAccount(tx, v.account_id, { lock: true });
    const rows = await queryRows<{ id: number }>(
      tx,
      sql`update termination_visits set status = ${opts.status}, handled_at = now(),
            handled_by = ${opts.actor.type === 'staff' ? opts.actor.staffId : null}
          where id = ${v.id} and status = 'booked' returning id`,
    );
    if (rows.length === 0) throw new AppError('visit_not_found');
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: `termination.visit_${opts.status}`,
      entity: 'account',
      entityId: v.account_id,
      before: { visitId: v.id, status: v.status },
      after: { status: opts.status },
    });
    return { id: v.id, status: opts.status };
  });
}

/** The staff queue of booked visits, the soonest first, optionally of one region. */
export async function visitQueue(db: Db, opts: { regionId?: number; limit: number; regions: RegionScope }) {
  return queryRows<{
    id: number;
    accountId: number;
    account: string;
    subscriber: string;
    office: string;
    address: string;
    date: string;
    time: string;
    phone: string | null;
  }>(
    db,
    sql`select v.id, v.account_id as "accountId", a.number as account, sb.full_name as subscriber,
               o.name_ru as office, o.address, v.visit_on as date, v.visit_time as time, v.phone
        from termination_visits v join accounts a on a.id = v.account_id join contracts c on c.id = a.contract_id
          join subscribers sb on sb.id = c.subscriber_id join region_offices o on o.id = v.office_id
        where v.status = 'booked' and ${inRegions(opts.regions, sql`a.region_id`)}
          ${opts.regionId ? sql`and a.region_id = ${opts.regionId}` : sql``}
        order by v.visit_on, v.visit_time, v.id limit ${opts.limit}`,
  );
}
