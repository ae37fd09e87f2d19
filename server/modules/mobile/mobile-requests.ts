import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { MobileRequestStatus } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { inRegions, type RegionScope } from '../../policy/region-scope.js';
import { type Actor, actorAudit, assertNotTerminated, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { notify } from '../notifications/notify.js';

/** "+7 (921) 000-00-00" → "79210000000"; 10 digits get the Russian 7; null when it is not a phone. */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/\D/g, '');
  if (digits.length === 10) return `7${digits}`;
  if (digits.length === 11 && digits.startsWith('8')) return `7${digits.slice(1)}`;
  return digits.length >= 10 && digits.length <= 15 ? digits : null;
}

export interface MobileRequestRow {
  id: number;
  account_id: number;
  service_id: number | null;
  phone: string;
  convenient_time: string;
  comment: string | null;
  status: MobileRequestStatus;
  staff_note: string | null;
  created_at: string;
  updated_at: string;
}

const OPEN: MobileRequestStatus[] = ['new', 'in_progress'];

/** The mobile-internet page of the account's region: what it is, the packages, and my requests. */
export async function mobilePage(db: Db, accountId: number) {
  const a = await loadAccount(db, accountId);
  const [packages, requests, phone] = await Promise.all([
    queryRows<{
      id: number;
      name_ru: string;
      name_en: string;
      description_ru: string;
      description_en: string;
      monthly_fee: number;
    }>(
      db,
      sql`select id, name_ru, name_en, description_ru, description_en, monthly_fee from services
          where region_id = ${a.regionId} and kind = 'mobile' and not archived order by monthly_fee, id`,
    ),
    queryRows<MobileRequestRow>(
      db,
      sql`select id, account_id, service_id, phone, convenient_time, comment, status, staff_note, created_at::text, updated_at::text
          from mobile_requests where account_id = ${accountId} order by id desc limit 20`,
    ),
    queryRows<{ phone: string }>(
      db,
      sql`select s.phone from contracts c join subscribers s on s.id = c.subscriber_id where c.id = ${a.contractId}`,
    ),
  ]);
  return {
    lead: { ru: a.settings.mobileInfo?.ru ?? null, en: a.settings.mobileInfo?.en ?? null },
    contactPhone: phone[0]?.phone ?? null,
    packages: packages.map((p) => ({
      id: p.id,
      nameRu: p.name_ru,
      nameEn: p.name_en,
      descriptionRu: p.description_ru,
      descriptionEn: p.description_en,
      monthlyFee: p.monthly_fee,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      serviceId: r.service_id,
      phone: r.phone,
      convenientTime: r.convenient_time,
      comment: r.comment,
      status: r.status,
      staffNote: r.staff_note,
      createdAt: r.created_at,
      canCancel: OPEN.includes(r.status),
    })),
  };
}

/** A request to connect mobile internet (one open request at a time), for staff to call back. */
export async function requestMobile(
  db: Db,
  opts: {
    accountId: number;
    serviceId?: number | null;
    phone: string;
    convenientTime: string;
    comment?: string | null;
    actor: Actor;
  },
): Promise<{ id: number; status: MobileRequestStatus }> {
  const phone = normalizePhone(opts.phone);
  if (!phone) throw new AppError('bad_phone');
  const when = opts.convenientTime.trim();
  if (!when || when.length > 100) throw new AppError('validation_failed', { details: 'convenientTime' });
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true });
    assertNotTerminated(a);
    if (opts.serviceId) {
      const [svc] = await queryRows<{ id: number }>(
        tx,
        sql`select id from services where id = ${opts.serviceId} and region_id = ${a.regionId} and kind = 'mobile' and not archived`,
      );
      if (!svc) throw new AppError('addon_not_available');
    }
    const [open] = await queryRows<{ id: number }>(
      tx,
      sql`select id from mobile_requests where account_id = ${a.id} and status in ('new', 'in_progress')`,
    );
    if (open) throw new AppError('mobile_request_exists');
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into mobile_requests (account_id, service_id, phone, convenient_time, comment)
          values (${a.id}, ${opts.serviceId ?? null}, ${phone}, ${when}, ${opts.comment?.trim().slice(0, 500) || null}) returning id`,
    );
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'mobile.requested',
      entity: 'account',
      entityId: a.id,
      after: { requestId: row!.id, serviceId: opts.serviceId ?? null },
    });
    return { id: row!.id, status: 'new' as const };
  });
}

/** The subscriber withdraws an open request. */
export async function cancelMobileRequest(db: Db, opts: { accountId: number; id: number; actor: Actor }) {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`update mobile_requests set status = 'cancelled', updated_at = now()
        where id = ${opts.id} and account_id = ${opts.accountId} and status in ('new', 'in_progress') returning id`,
  );
  if (!rows[0]) throw new AppError('mobile_request_not_found');
  await recordAudit(db, {
    ...actorAudit(opts.actor),
    action: 'mobile.cancelled',
    entity: 'account',
    entityId: opts.accountId,
    after: { requestId: opts.id },
  });
  return { id: opts.id, status: 'cancelled' as const };
}

/** Staff queue: open requests (new first, then in progress), oldest first, or those in one state. */
export async function mobileQueue(db: Db, opts: { status?: MobileRequestStatus; limit: number; regions: RegionScope }) {
  return queryRows<{
    id: number;
    accountId: number;
    account: string;
    subscriber: string;
    region: string;
    packageRu: string | null;
    phone: string;
    convenientTime: string;
    comment: string | null;
    status: MobileRequestStatus;
    staffNote: string | null;
    createdAt: string;
  }>(
    db,
    sql`select m.id, m.account_id as "accountId", a.number as account, sb.full_name as subscriber, r.name_ru as region,
               v.name_ru as "packageRu", m.phone, m.convenient_time as "convenientTime", m.comment, m.status,
               m.staff_note as "staffNote", m.created_at::text as "createdAt"
        from mobile_requests m join accounts a on a.id = m.account_id join contracts c on c.id = a.contract_id
          join subscribers sb on sb.id = c.subscriber_id join regions r on r.id = a.region_id
          left join services v on v.id = m.service_id
        where ${opts.status ? sql`m.status = ${opts.status}` : sql`m.status in ('new', 'in_progress')`}
          and ${inRegions(opts.regions, sql`a.region_id`)}
        order by (m.status = 'new') desc, m.id limit ${opts.limit}`,
  );
}

/**
 * Staff handle a request: take it (in progress), connect it, or refuse it with a note the subscriber
 * reads. Connecting a request for a package starts that package as an add-on charged from tomorrow.
 */
export async function handleMobileRequest(
  db: Db,
  opts: {
    id: number;
    status: 'in_progress' | 'connected' | 'refused';
    note?: string | null;
    staffId: number;
    ip?: string | null;
    now?: Date;
  },
) {
  const note = opts.note?.trim() || null;
  if (opts.status === 'refused' && !note) throw new AppError('reason_required');
  return inTransaction(db, async (tx) => {
    const [head] = await queryRows<{ account_id: number }>(
      tx,
      sql`select account_id from mobile_requests where id = ${opts.id}`,
    );
    if (!head) throw new AppError('mobile_request_not_found');
    const a = await loadAccount(tx, head.account_id, { lock: true, now: opts.now });
    const [r] = await queryRows<MobileRequestRow>(
      tx,
      sql`select id, account_id, service_id, phone, convenient_time, comment, status, staff_note, created_at::text, updated_at::text
          from mobile_requests where id = ${opts.id} for update`,
    );
    if (!OPEN.includes(r!.status)) throw new AppError('mobile_request_closed');
    await tx.execute(
      sql`update mobile_requests set status = ${opts.status}, staff_note = coalesce(${note}, staff_note), handled_by = ${opts.staffId}, updated_at = now()
          where id = ${r!.id}`,
    );
    let subscriptionId: number | null = null;
    if (opts.status === 'connected') {
      assertNotTerminated(a);
      if (r!.service_id) {
        const [sub] = await queryRows<{ id: number }>(
          tx,
          sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
              select ${a.id}, 'service', id, monthly_fee, ${addDays(a.today, 1)}::date from services where id = ${r!.service_id}
              returning id`,
        );
        subscriptionId = sub?.id ?? null;
      }
      const [pkg] = r!.service_id
        ? await queryRows<{ name_ru: string; name_en: string }>(
            tx,
            sql`select name_ru, name_en from services where id = ${r!.service_id}`,
          )
        : [];
      await notify(tx, {
        accountId: a.id,
        template: 'mobile_connected',
        params: { account: a.number, package: pkg ? { ru: ` («${pkg.name_ru}»)`, en: ` ("${pkg.name_en}")` } : '' },
      });
    } else if (opts.status === 'refused') {
      await notify(tx, { accountId: a.id, template: 'mobile_refused', params: { reason: note! } });
    }
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      action: `mobile.${opts.status}`,
      entity: 'account',
      entityId: a.id,
      before: { requestId: r!.id, status: r!.status },
      after: { status: opts.status, note, subscriptionId },
      ip: opts.ip ?? null,
    });
    return { id: r!.id, status: opts.status, subscriptionId };
  });
}
