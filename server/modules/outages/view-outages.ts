import { type SQL, sql } from 'drizzle-orm';

import { compensationDays } from '../../../common/outages.js';
import { type Db, queryRows } from '../../db/client.js';
import type { OutageScope, OutageState, TicketStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { loadOutage } from './load-outage.js';

interface Row {
  id: number;
  region_id: number;
  name_ru: string;
  name_en: string;
  time_zone: string;
  scope: OutageScope;
  street: string | null;
  houses: string | null;
  nas_id: number | null;
  nas_name: string | null;
  title: string;
  description: string;
  starts_at: Date | string;
  expected_end_at: Date | string;
  ended_at: Date | string | null;
  state: OutageState;
  accounts: number;
  notified: number;
  notices: number;
  tickets: number;
  compensation_id: number | null;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

const SELECT = sql`select o.id, o.region_id, r.name_ru, r.name_en, r.time_zone, o.scope, o.street, o.houses, o.nas_id,
         n.name as nas_name, o.title, o.description, o.starts_at, o.expected_end_at, o.ended_at, o.state,
         (select count(*) from outage_accounts x where x.outage_id = o.id)::int8 as accounts,
         (select count(*) from outage_accounts x where x.outage_id = o.id and x.notified_at is not null)::int8 as notified,
         o.notices,
         (select count(*) from support_tickets t where t.outage_id = o.id)::int8 as tickets,
         o.compensation_id, u.full_name as created_by, o.created_at, o.updated_at
  from outages o join regions r on r.id = o.region_id left join nas n on n.id = o.nas_id
  left join staff_users u on u.id = o.created_by`;

function view(r: Row) {
  return {
    id: Number(r.id),
    region: { id: Number(r.region_id), nameRu: r.name_ru, nameEn: r.name_en, timeZone: r.time_zone },
    scope: r.scope,
    street: r.street,
    houses: r.houses,
    nas: r.nas_id === null ? null : { id: Number(r.nas_id), name: r.nas_name ?? '' },
    title: r.title,
    description: r.description,
    startsAt: iso(r.starts_at),
    expectedEndAt: iso(r.expected_end_at),
    endedAt: r.ended_at === null ? null : iso(r.ended_at),
    state: r.state,
    accounts: Number(r.accounts),
    notified: Number(r.notified),
    notices: Number(r.notices),
    tickets: Number(r.tickets),
    compensationId: r.compensation_id === null ? null : Number(r.compensation_id),
    suggestedDays: r.ended_at === null ? null : compensationDays(r.starts_at, r.ended_at),
    createdBy: r.created_by ?? '',
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Outages of the staff member's regions: open ones first by start, then the closed, newest first. */
export async function listOutages(
  db: Db,
  opts: { scope: RegionScope; state: 'open' | 'closed' | 'all'; page: number; pageSize: number },
) {
  const where: SQL[] = [inRegions(opts.scope, sql`o.region_id`)];
  if (opts.state !== 'all') where.push(sql`o.state = ${opts.state}`);
  const cond = sql.join(where, sql` and `);
  const rows = await queryRows<Row>(
    db,
    sql`${SELECT} where ${cond} order by (o.state = 'closed'), case when o.state = 'open' then o.starts_at end,
                                          o.ended_at desc nulls last, o.id desc
        limit ${opts.pageSize} offset ${(opts.page - 1) * opts.pageSize}`,
  );
  const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int8 as n from outages o where ${cond}`);
  return { outages: rows.map(view), page: opts.page, pageSize: opts.pageSize, total: Number(n?.n ?? 0) };
}

/** One outage with the tickets linked to it (latest first). */
export async function showOutage(db: Db, opts: { id: number; scope: RegionScope }) {
  await loadOutage(db, opts.id, opts.scope);
  const [r] = await queryRows<Row>(db, sql`${SELECT} where o.id = ${opts.id}`);
  const tickets = await queryRows<{
    id: number;
    subject: string;
    status: TicketStatus;
    account: string;
    created_at: Date | string;
  }>(
    db,
    sql`select t.id, t.subject, t.status, a.number as account, t.created_at
        from support_tickets t join accounts a on a.id = t.account_id
        where t.outage_id = ${opts.id} order by t.id desc limit 100`,
  );
  return {
    ...view(r!),
    linkedTickets: tickets.map((t) => ({
      id: Number(t.id),
      subject: t.subject,
      status: t.status,
      account: t.account,
      createdAt: iso(t.created_at),
    })),
  };
}

/**
 * The open outages a subscriber is in, for the cabinet's banner (overview and support pages): those
 * that have started or start within a day (planned works are shown ahead).
 */
export async function myOutages(db: Db, accountId: number) {
  const rows = await queryRows<{
    id: number;
    title: string;
    description: string;
    starts_at: Date | string;
    expected_end_at: Date | string;
    updated_at: Date | string;
    time_zone: string;
  }>(
    db,
    sql`select o.id, o.title, o.description, o.starts_at, o.expected_end_at, o.updated_at, r.time_zone
        from outage_accounts x join outages o on o.id = x.outage_id join regions r on r.id = o.region_id
        where x.account_id = ${accountId} and o.state = 'open' and o.starts_at <= now() + interval '1 day'
        order by o.starts_at`,
  );
  return {
    outages: rows.map((o) => ({
      id: Number(o.id),
      title: o.title,
      description: o.description,
      startsAt: iso(o.starts_at),
      expectedEndAt: iso(o.expected_end_at),
      updatedAt: iso(o.updated_at),
      timeZone: o.time_zone,
    })),
  };
}

/** The outage a ticket written now by this subscriber belongs to: the latest open one that has started. */
export async function currentOutageOf(db: Db, accountId: number): Promise<number | null> {
  const [r] = await queryRows<{ id: number }>(
    db,
    sql`select o.id from outage_accounts x join outages o on o.id = x.outage_id
        where x.account_id = ${accountId} and o.state = 'open' and o.starts_at <= now()
        order by o.starts_at desc, o.id desc limit 1`,
  );
  return r ? Number(r.id) : null;
}
