import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { TicketStatus } from '../../db/schema/index.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';

export interface QueueFilter {
  regionId?: number;
  categoryId?: number;
  /** A status, or 'open' (everything not closed, the default), or 'all'. */
  status: TicketStatus | 'open' | 'all';
  /** Only tickets whose SLA (first answer or resolution) is broken. */
  breach?: boolean;
  /** 'me', 'none' (unassigned) or a staff id. */
  assignee?: 'me' | 'none' | number;
  /** Ticket id, claim number or personal account number. */
  q?: string;
  page: number;
  pageSize: number;
}

/**
 * The staff queue with filters. Open tickets come most urgent first (earliest SLA due time of what is
 * still owed); closed ones newest first. Breaches are computed now, in SQL, so the filter and the
 * highlight agree.
 */
export async function listQueue(db: Db, f: QueueFilter & { staffId: number; regions: RegionScope }) {
  const where: SQL[] = [inRegions(f.regions, sql`t.region_id`)];
  if (f.regionId) where.push(sql`t.region_id = ${f.regionId}`);
  if (f.categoryId) where.push(sql`t.category_id = ${f.categoryId}`);
  if (f.status === 'open') where.push(sql`t.status <> 'closed'`);
  else if (f.status !== 'all') where.push(sql`t.status = ${f.status}`);
  if (f.assignee === 'me') where.push(sql`t.assignee_id = ${f.staffId}`);
  else if (f.assignee === 'none') where.push(sql`t.assignee_id is null`);
  else if (typeof f.assignee === 'number') where.push(sql`t.assignee_id = ${f.assignee}`);
  if (f.breach) where.push(sql`(${FIRST_BREACH} or ${RESOLUTION_BREACH})`);
  const q = f.q?.trim();
  if (q) {
    const id = /^\d{1,15}$/.test(q) ? Number(q) : -1;
    where.push(sql`(t.id = ${id} or t.claim_number = ${q} or a.number = ${q} or c.number = ${q})`);
  }
  const cond = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const from = sql`from support_tickets t
      join accounts a on a.id = t.account_id
      join contracts c on c.id = a.contract_id
      join subscribers s on s.id = c.subscriber_id
      join support_categories k on k.id = t.category_id
      join regions r on r.id = t.region_id
      left join staff_users u on u.id = t.assignee_id
      ${cond}`;
  const rows = await queryRows<QueueRow>(
    db,
    sql`select t.id, t.subject, t.status, t.claim_number, t.claim_due_on, t.account_id, a.number as account,
               s.full_name, k.name_ru as category_ru, k.name_en as category_en, r.name_ru as region_ru,
               r.name_en as region_en, t.assignee_id, u.full_name as assignee_name, t.unread_staff,
               t.created_at, t.first_response_at, t.first_response_due_at, t.resolution_due_at, t.last_message_at,
               ${FIRST_BREACH} as first_breach, ${RESOLUTION_BREACH} as resolution_breach
        ${from}
        order by (t.status = 'closed'),
                 case when t.status = 'closed' then null
                      else least(case when t.first_response_at is null then t.first_response_due_at end,
                                 t.resolution_due_at) end asc nulls last,
                 t.id desc
        limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`,
  );
  const [total] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from}`);
  return {
    tickets: rows.map((r) => ({
      id: r.id,
      subject: r.subject,
      status: r.status,
      claimNumber: r.claim_number,
      claimDueOn: r.claim_due_on,
      accountId: r.account_id,
      account: r.account,
      subscriberName: r.full_name,
      category: { nameRu: r.category_ru, nameEn: r.category_en },
      region: { nameRu: r.region_ru, nameEn: r.region_en },
      assignee: r.assignee_id === null ? null : { id: r.assignee_id, fullName: r.assignee_name ?? '' },
      unread: r.unread_staff,
      createdAt: new Date(r.created_at).toISOString(),
      firstResponseAt: r.first_response_at ? new Date(r.first_response_at).toISOString() : null,
      firstResponseDueAt: new Date(r.first_response_due_at).toISOString(),
      resolutionDueAt: new Date(r.resolution_due_at).toISOString(),
      lastMessageAt: new Date(r.last_message_at).toISOString(),
      firstResponseBreached: r.first_breach,
      resolutionBreached: r.resolution_breach,
    })),
    total: total?.n ?? 0,
    page: f.page,
    pageSize: f.pageSize,
  };
}

/** An SLA target is broken when its due time passed without the answer / the closing. */
export const FIRST_BREACH = sql`(coalesce(t.first_response_at, now()) > t.first_response_due_at)`;
export const RESOLUTION_BREACH = sql`(coalesce(t.resolved_at, now()) > t.resolution_due_at)`;

interface QueueRow {
  id: number;
  subject: string;
  status: TicketStatus;
  claim_number: string | null;
  claim_due_on: string | null;
  account_id: number;
  account: string;
  full_name: string;
  category_ru: string;
  category_en: string;
  region_ru: string;
  region_en: string;
  assignee_id: number | null;
  assignee_name: string | null;
  unread_staff: number;
  created_at: string | Date;
  first_response_at: string | Date | null;
  first_response_due_at: string | Date;
  resolution_due_at: string | Date;
  last_message_at: string | Date;
  first_breach: boolean;
  resolution_breach: boolean;
}
