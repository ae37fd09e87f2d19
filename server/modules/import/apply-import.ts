import { sql } from 'drizzle-orm';

import { todayIn } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AuditActorType } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { startRegionBillingAfter } from '../billing/start-region-billing.js';
import { reserveNumbers, sequenceOf, skipNumbersThrough } from '../contracts/contract-numbers.js';
import { type OpenedTotals, openImportedAccounts } from '../ledger/open-imported-accounts.js';
import { encryptSecret } from '../network/network-crypto.js';
import { CANDIDATE } from './check-import.js';
import { mappedAddons, mappedNas, mappedTariffs, type Mapping } from './mapping.js';
import { ipToNumber } from './source-values.js';

export interface ApplyContext {
  runId: number;
  source: string;
  mapping: Mapping;
  pools: { region: string; first: string; last: string }[];
  actor: { type: AuditActorType; id: string | number | null };
  /** APP_SECRET, for the NAS secrets. */
  secret: string;
}

/**
 * The catalogue first, in one transaction (docs/import.md, "What a real run writes"): regions the
 * mapping describes, the tariffs and add-ons the staged subscribers use in each region, the static-IP
 * service, the NAS that have a secret, and the pools' addresses. Whatever Abonent already has (same
 * region code, tariff or service code in the region, NAS address, pool address) is used as it is.
 */
export async function applyCatalog(db: Db, ctx: ApplyContext): Promise<void> {
  const m = ctx.mapping;
  await inTransaction(db, async (tx) => {
    const made: Record<string, unknown[]> = { regions: [], tariffs: [], addons: [], nas: [], pools: [] };
    const needed = await queryRows<{ code: string }>(
      tx,
      sql`select distinct region_code as code from import_stage_subscribers where ${CANDIDATE}`,
    );
    const wanted = new Set([
      ...needed.map((r) => r.code),
      ...ctx.pools.map((p) => p.region),
      ...mappedNas(m)
        .filter((n) => n.secret)
        .map((n) => n.region),
    ]);
    for (const r of m.newRegions.filter((x) => wanted.has(x.code))) {
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`insert into regions (code, name_ru, name_en, time_zone, support_phone, support_email, contract_prefix)
            values (${r.code}, ${r.nameRu}, ${r.nameEn}, ${r.timeZone}, ${r.supportPhone}, ${r.supportEmail}, ${r.contractPrefix})
            on conflict do nothing returning id`,
      );
      if (!row) continue;
      made.regions!.push(r.code);
      await link(tx, ctx, 'region', r.code, row.id);
      await startRegionBillingAfter(tx, { regionId: row.id, day: todayIn(r.timeZone) });
    }
    await tx.execute(
      sql`update import_stage_subscribers s set region_id = r.id from regions r where r.code = s.region_code`,
    );

    const tariffs = JSON.stringify(
      mappedTariffs(m).map((t) => ({
        from: t.from,
        code: t.code,
        name_ru: t.nameRu,
        name_en: t.nameEn,
        fee: t.monthlyFee,
        down: t.speedDownKbps,
        up: t.speedUpKbps,
      })),
    );
    const newTariffs = await queryRows<{ id: number; code: string; region: string; from: string }>(
      tx,
      sql`with used as (
            select distinct region_id, region_code, tariff_code from import_stage_subscribers
            where ${CANDIDATE} and status <> 'closed' and tariff_code is not null),
          src as (select * from json_to_recordset(${tariffs}::json)
                    as x("from" text, code text, name_ru text, name_en text, fee int8, down int, up int)),
          ins as (
            insert into tariffs (region_id, code, name_ru, name_en, monthly_fee, speed_down_kbps, speed_up_kbps, active_from)
            select distinct on (u.region_id, u.tariff_code) u.region_id, s.code, s.name_ru, s.name_en, s.fee, s.down, s.up,
                   (now() at time zone r.time_zone)::date
            from used u join src s on s.code = u.tariff_code join regions r on r.id = u.region_id
            on conflict on constraint tariffs_region_code do nothing
            returning id, code, region_id)
          select ins.id, ins.code, r.code as region, (select s."from" from src s where s.code = ins.code limit 1) as "from"
          from ins join regions r on r.id = ins.region_id`,
    );
    for (const t of newTariffs) {
      made.tariffs!.push(`${t.region}/${t.code}`);
      await link(tx, ctx, 'tariff', `${t.from}@${t.region}`, t.id);
    }

    const addons = JSON.stringify([
      ...mappedAddons(m).map((a) => ({
        from: a.from,
        kind: a.kind,
        code: a.code,
        name_ru: a.nameRu,
        name_en: a.nameEn,
        fee: a.monthlyFee,
        ip: false,
      })),
      {
        from: 'static-ip',
        kind: 'static_ip',
        code: m.staticIp.code,
        name_ru: m.staticIp.nameRu,
        name_en: m.staticIp.nameEn,
        fee: m.staticIp.monthlyFee,
        ip: true,
      },
    ]);
    const newAddons = await queryRows<{ id: number; code: string; region: string; from: string }>(
      tx,
      sql`with src as (select * from json_to_recordset(${addons}::json)
                         as x("from" text, kind text, code text, name_ru text, name_en text, fee int8, ip boolean)),
          used as (
            select distinct s.region_id, a.code from import_stage_subscribers s cross join unnest(s.addons) a(code)
            where ${CANDIDATE} and s.status <> 'closed'
            union
            select distinct region_id, ${m.staticIp.code} from import_stage_subscribers
            where ${CANDIDATE} and status <> 'closed' and ip is not null),
          ins as (
            insert into services (region_id, kind, code, name_ru, name_en, monthly_fee)
            select distinct on (u.region_id, u.code) u.region_id, s.kind, s.code, s.name_ru, s.name_en, s.fee
            from used u join src s on s.code = u.code
            order by u.region_id, u.code, s.ip
            on conflict on constraint services_region_code do nothing
            returning id, code, region_id)
          select ins.id, ins.code, r.code as region, (select s."from" from src s where s.code = ins.code limit 1) as "from"
          from ins join regions r on r.id = ins.region_id`,
    );
    for (const a of newAddons) {
      made.addons!.push(`${a.region}/${a.code}`);
      await link(tx, ctx, 'addon', `${a.from}@${a.region}`, a.id);
    }

    for (const n of mappedNas(m).filter((x) => x.secret)) {
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`insert into nas (region_id, name, address, secret_enc, vendor, coa_port, description)
            select r.id, ${n.name}, ${n.address}::inet, ${encryptSecret('nas-secret', n.secret, ctx.secret)},
                   ${n.vendor}, ${n.coaPort}, ${`import: ${ctx.source} ${n.from}`}
            from regions r where r.code = ${n.region}
            on conflict do nothing returning id`,
      );
      if (!row) continue;
      made.nas!.push(n.address);
      await link(tx, ctx, 'nas', n.from, row.id);
    }

    for (const p of ctx.pools) {
      const size = ipToNumber(p.last) - ipToNumber(p.first) + 1;
      const [r] = await queryRows<{ n: number }>(
        tx,
        sql`with ins as (
              insert into ip_addresses (region_id, address)
              select r.id, ${p.first}::inet + i from regions r, generate_series(0::int8, ${size - 1}::int8) i
              where r.code = ${p.region}
              on conflict (address) do nothing returning 1)
            select count(*)::int8 as n from ins`,
      );
      if (r && r.n > 0) made.pools!.push({ ...p, added: r.n });
    }
    await recordAudit(tx, {
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      action: 'import.catalog',
      entity: 'import_run',
      entityId: ctx.runId,
      after: made,
    });
  });
}

/** Numbers the source brought that look like the region's own: the region's counter moves past them. */
export async function reserveImportedNumbers(db: Db): Promise<void> {
  const regions = await queryRows<{ id: number; contract_prefix: string }>(
    db,
    sql`select distinct r.id, r.contract_prefix from regions r
        join import_stage_subscribers s on s.region_id = r.id where ${CANDIDATE}`,
  );
  for (const r of regions) {
    const nums = await queryRows<{ n: string }>(
      db,
      sql`select contract as n from import_stage_subscribers
          where ${CANDIDATE} and region_id = ${r.id} and contract ~ ${`^${r.contract_prefix}\\d{7}$`}
          union all
          select account_number from import_stage_subscribers
          where ${CANDIDATE} and region_id = ${r.id} and account_number ~ ${`^7${r.contract_prefix}\\d{6}$`}`,
    );
    const max = Math.max(0, ...nums.map((x) => sequenceOf(r.contract_prefix, x.n) ?? 0));
    if (max > 0) await skipNumbersThrough(db, r.id, max);
  }
}

/** The ids of the rows to write, in batches of `size` (ordered as read). */
export async function candidateBatches(db: Db, size: number): Promise<{ from: number; to: number; n: number }[]> {
  const rows = await queryRows<{ seq: number }>(
    db,
    sql`select seq from import_stage_subscribers where ${CANDIDATE} order by seq`,
  );
  const out: { from: number; to: number; n: number }[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    out.push({ from: chunk[0]!.seq, to: chunk[chunk.length - 1]!.seq, n: chunk.length });
  }
  return out;
}

/**
 * One batch of subscribers, in one transaction: numbers for rows that had none, then subscribers,
 * contracts (without a cabinet password: see issue-passwords.ts), accounts, network access (the source's
 * PPPoE login and sealed password, MAC, address), plan and add-on subscriptions from the import day, the
 * carried addresses taken from their pools, the opening balances through the ledger
 * (openImportedAccounts), and the links that make a later run skip these rows. Each statement covers
 * the whole batch.
 */
export async function applySubscriberBatch(
  db: Db,
  ctx: ApplyContext,
  batch: { from: number; to: number },
): Promise<OpenedTotals> {
  const inBatch = sql`${CANDIDATE} and seq between ${batch.from} and ${batch.to}`;
  return inTransaction(db, async (tx) => {
    const need = await queryRows<{ seq: number; region_id: number; contract_prefix: string }>(
      tx,
      sql`select s.seq, s.region_id, r.contract_prefix from import_stage_subscribers s join regions r on r.id = s.region_id
          where ${inBatch} and (s.contract is null or s.account_number is null) order by s.seq`,
    );
    const byRegion = new Map<number, { prefix: string; seqs: number[] }>();
    for (const r of need) {
      const g = byRegion.get(r.region_id) ?? { prefix: r.contract_prefix, seqs: [] };
      g.seqs.push(r.seq);
      byRegion.set(r.region_id, g);
    }
    const numbers: { seq: number; c: string; a: string }[] = [];
    for (const [regionId, g] of byRegion) {
      const issued = await reserveNumbers(tx, { id: regionId, contractPrefix: g.prefix }, g.seqs.length);
      g.seqs.forEach((seq, i) => numbers.push({ seq, c: issued[i]!.contract, a: issued[i]!.account }));
    }
    // Numbers where the source had none, and the ids of the rows to come, in one pass over the batch.
    await tx.execute(
      sql`update import_stage_subscribers s
          set contract = coalesce(s.contract, x.c), account_number = coalesce(s.account_number, x.a),
              subscriber_id = nextval(pg_get_serial_sequence('subscribers', 'id')),
              contract_id = nextval(pg_get_serial_sequence('contracts', 'id')),
              account_id = nextval(pg_get_serial_sequence('accounts', 'id'))
          from (select seq from import_stage_subscribers where ${inBatch}) b
          left join json_to_recordset(${JSON.stringify(numbers)}::json) as x(seq int, c text, a text) on x.seq = b.seq
          where s.seq = b.seq`,
    );
    await tx.execute(
      sql`insert into subscribers (id, full_name, address, phone, email, passport_enc, passport_last4)
          select subscriber_id, full_name, address, phone, email, passport_enc, passport_last4
          from import_stage_subscribers where ${inBatch}`,
    );
    await tx.execute(
      sql`insert into contracts (id, number, subscriber_id, region_id, signed_on, status, terminated_on, must_change_password)
          select s.contract_id, s.contract, s.subscriber_id, s.region_id,
                 coalesce(s.signed_on, (now() at time zone r.time_zone)::date),
                 case when s.status = 'closed' then 'terminated' else 'active' end,
                 case when s.status = 'closed' then coalesce(s.closed_on, (now() at time zone r.time_zone)::date) end,
                 1
          from import_stage_subscribers s join regions r on r.id = s.region_id where ${inBatch}`,
    );
    await tx.execute(
      sql`insert into accounts (id, number, contract_id, region_id)
          select account_id, account_number, contract_id, region_id from import_stage_subscribers where ${inBatch}`,
    );
    await tx.execute(
      sql`insert into network_access (account_id, login, password_enc, mac, static_ip)
          select account_id, login, password_enc, mac, ip from import_stage_subscribers
          where ${inBatch} and status <> 'closed' and (login is not null or mac is not null or ip is not null)`,
    );
    // The plan at the source's price for this subscriber, and the add-ons, from the import day.
    await tx.execute(
      sql`insert into subscriptions (account_id, kind, tariff_id, service_id, monthly_fee, starts_on)
          select s.account_id, 'tariff', t.id, null, coalesce(s.personal_fee, t.monthly_fee), (now() at time zone r.time_zone)::date
          from import_stage_subscribers s join regions r on r.id = s.region_id
          join tariffs t on t.region_id = s.region_id and t.code = s.tariff_code
          where ${inBatch} and s.status <> 'closed'
          union all
          select s.account_id, 'service', null, v.id, v.monthly_fee, (now() at time zone r.time_zone)::date
          from import_stage_subscribers s join regions r on r.id = s.region_id
          cross join unnest(s.addons) a(code)
          join services v on v.region_id = s.region_id and v.code = a.code
          where ${inBatch} and s.status <> 'closed' and v.kind <> 'static_ip'`,
    );
    // A carried address: its static-IP subscription (the subscriber's own static_ip add-on when it had
    // one, else the mapping's service), then the pool row it now holds, and the holding's history. Each
    // statement walks the batch's staged rows by index (no join of two CTEs: that plan is quadratic).
    await tx.execute(
      sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on)
          select s.account_id, 'service', v.id, v.monthly_fee, (now() at time zone r.time_zone)::date
          from import_stage_subscribers s join regions r on r.id = s.region_id
          join lateral (
            select v.id, v.monthly_fee from services v
            where v.region_id = s.region_id and v.kind = 'static_ip'
              and (v.code = any(s.addons) or v.code = ${ctx.mapping.staticIp.code})
            order by (v.code = any(s.addons)) desc limit 1) v on true
          where ${inBatch} and s.status <> 'closed' and s.ip is not null`,
    );
    const [ips] = await queryRows<{ wanted: number; taken: number }>(
      tx,
      sql`with taken as (
            update ip_addresses i set subscription_id = sub.id, account_id = sub.account_id, assigned_at = now()
            from import_stage_subscribers s
            join subscriptions sub on sub.account_id = s.account_id and sub.kind = 'service'
            join services v on v.id = sub.service_id and v.kind = 'static_ip'
            where ${inBatch} and s.status <> 'closed' and s.ip is not null
              and i.address = s.ip and i.region_id = s.region_id and i.subscription_id is null
            returning i.address, i.account_id, i.subscription_id),
          hist as (
            insert into ip_assignments (address, account_id, subscription_id)
            select address, account_id, subscription_id from taken)
          select (select count(*) from import_stage_subscribers
                  where ${inBatch} and status <> 'closed' and ip is not null)::int8 as wanted,
                 (select count(*) from taken)::int8 as taken`,
    );
    if (ips && ips.wanted !== ips.taken) throw new AppError('import_ip_taken_meanwhile');
    const opened = await openImportedAccounts(tx, {
      source: `import:${ctx.source}`,
      rows: sql`select s.account_id, s.balance as amount, s.credit_limit,
                       case s.status when 'closed' then 'terminated' when 'suspended' then 'suspended' else 'active' end as status,
                       (now() at time zone r.time_zone)::date as effective_on,
                       ${`import:${ctx.source}:`} || s.source_id as idempotency_key,
                       ${`Остаток в прежней биллинговой системе (${ctx.source})`}::text as comment
                from import_stage_subscribers s join regions r on r.id = s.region_id where ${inBatch}`,
    });
    await tx.execute(
      sql`insert into import_links (source, kind, source_id, target_id, run_id, amount)
          select ${ctx.source}, 'subscriber', source_id, account_id, ${ctx.runId}, balance
          from import_stage_subscribers where ${inBatch}`,
    );
    await recordAudit(tx, {
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      action: 'import.subscribers',
      entity: 'import_run',
      entityId: ctx.runId,
      after: { fromRow: batch.from, toRow: batch.to, ...opened },
    });
    return opened;
  });
}

/** Payment history of the linked subscribers (docs/decisions/0016), in ranges of staged rows. */
export async function applyPaymentHistory(
  db: Db,
  ctx: ApplyContext,
  range: { from: number; to: number },
): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`with ins as (
          insert into import_payment_history (account_id, source, source_id, paid_at, amount, kind, method, comment, run_id)
          select l.target_id, ${ctx.source}, p.source_id, p.paid_at, p.amount, p.kind, p.method, p.comment, ${ctx.runId}
          from import_stage_payments p
          join import_links l on l.source = ${ctx.source} and l.kind = 'subscriber' and l.source_id = p.subscriber_source_id
          where p.seq between ${range.from} and ${range.to}
          on conflict on constraint import_payment_history_source do nothing
          returning 1)
        select count(*)::int8 as n from ins`,
  );
  return r?.n ?? 0;
}

async function link(db: Db, ctx: ApplyContext, kind: string, sourceId: string, targetId: number): Promise<void> {
  await db.execute(
    sql`insert into import_links (source, kind, source_id, target_id, run_id)
        values (${ctx.source}, ${kind}, ${sourceId}, ${targetId}, ${ctx.runId}) on conflict do nothing`,
  );
}
