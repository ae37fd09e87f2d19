import { sql } from 'drizzle-orm';

import { formatRubles } from '../../../common/money.js';
import { type Db, queryRows } from '../../db/client.js';
import type { PeriodicTask } from '../../jobs/scheduler.js';
import { notify } from './notify.js';

const BATCH = 500;

/** 2026-12-01 → 01.12.2026 (dates in notices). */
const ruDate = (day: string) => day.split('-').reverse().join('.');

/**
 * Turns account events from billing and payments (blocked, unblocked, low balance) into notices.
 * Events are claimed with SKIP LOCKED and marked notified in the same transaction as the notices,
 * so each event is told once however many servers run this. Returns how many were handled.
 */
export async function notifyAccountEvents(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const events = await queryRows<{
      id: number;
      account_id: number;
      kind: string;
      data: Record<string, unknown>;
      number: string;
      balance: number;
      credit: number;
      tariff_ru: string | null;
      tariff_en: string | null;
    }>(
      tx,
      sql`select e.id, e.account_id, e.kind, e.data, a.number, a.balance, a.credit_limit + a.promised_credit as credit,
                 t.name_ru as tariff_ru, t.name_en as tariff_en
          from account_events e join accounts a on a.id = e.account_id
            left join tariffs t on e.kind = 'tariff_changed' and t.id = (e.data->>'tariffId')::int
          where e.notified_at is null and e.kind in ('blocked', 'unblocked', 'low_balance', 'suspended', 'resumed', 'tariff_changed')
          order by e.id limit ${BATCH}
          for update of e skip locked`,
    );
    for (const e of events) {
      if (e.kind === 'blocked') {
        const amount = Math.max(0, -(e.balance + e.credit));
        await notify(tx, {
          accountId: e.account_id,
          template: 'blocked',
          params: { account: e.number, amount: formatRubles(amount) },
        });
      } else if (e.kind === 'unblocked') {
        await notify(tx, { accountId: e.account_id, template: 'unblocked', params: { account: e.number } });
      } else if (e.kind === 'suspended') {
        await notify(tx, {
          accountId: e.account_id,
          template: 'suspended',
          params: { account: e.number, to: ruDate(typeof e.data.to === 'string' ? e.data.to : '') },
        });
      } else if (e.kind === 'resumed') {
        await notify(tx, { accountId: e.account_id, template: 'resumed', params: { account: e.number } });
      } else if (e.kind === 'tariff_changed') {
        await notify(tx, {
          accountId: e.account_id,
          template: 'tariff_changed',
          params: { account: e.number, tariff: { ru: e.tariff_ru ?? '', en: e.tariff_en ?? '' } },
        });
      } else {
        await notify(tx, {
          accountId: e.account_id,
          template: 'low_balance',
          params: { account: e.number, days: Number(e.data.daysLeft ?? 0) },
        });
      }
    }
    if (events.length > 0) {
      await tx.execute(
        sql`update account_events set notified_at = now() where id in (${sql.join(
          events.map((e) => sql`${e.id}`),
          sql`, `,
        )})`,
      );
    }
    return events.length;
  });
}

export const accountEventsTask: PeriodicTask = {
  name: 'notifications.account-events',
  everySeconds: 30,
  async tick(db) {
    while ((await notifyAccountEvents(db)) === BATCH) {
      /* drain the backlog */
    }
  },
};
