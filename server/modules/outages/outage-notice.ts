import { sql } from 'drizzle-orm';

import type { Db } from '../../db/client.js';
import { notifyMany } from '../notifications/notify-many.js';

/** A moment as subscribers of a region read it: 05.03.2027 18:30 / 2027-03-05 18:30. */
export function regionTime(at: Date, timeZone: string): { ru: string; en: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    ru: `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`,
    en: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`,
  };
}

/**
 * Tells an outage's subscribers (docs/outages.md "Notices"), all in one statement through the
 * notifications outbox: `outage` (the first notice) or `outage_update` (the expected end moved a lot).
 * Marks whom it told.
 */
export async function sendOutageNotice(
  db: Db,
  o: { id: number; title: string; description: string; expectedEndAt: Date; timeZone: string; update: boolean },
) {
  const sent = await notifyMany(db, {
    accounts: sql`select account_id from outage_accounts where outage_id = ${o.id}`,
    template: o.update ? 'outage_update' : 'outage',
    params: {
      title: o.title,
      description: o.description
        ? `${o.description.replace(/\s*$/, '')}${/[.!?]$/.test(o.description.trim()) ? '' : '.'} `
        : '',
      end: regionTime(o.expectedEndAt, o.timeZone),
    },
  });
  await db.execute(sql`update outage_accounts set notified_at = now() where outage_id = ${o.id}`);
  return sent;
}
