import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { notify } from '../notifications/notify.js';

/** "Chrome on Android", "Firefox on Windows", or the first words of an unknown client's User-Agent. */
export function describeDevice(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.exec(ua)
    ? 'Edge'
    : /OPR\/|Opera/.exec(ua)
      ? 'Opera'
      : /YaBrowser/.exec(ua)
        ? 'Yandex Browser'
        : /Firefox\//.exec(ua)
          ? 'Firefox'
          : /Chrome\/|CriOS/.exec(ua)
            ? 'Chrome'
            : /Safari\//.exec(ua)
              ? 'Safari'
              : null;
  const os = /Android/.exec(ua)
    ? 'Android'
    : /iPhone|iPad|iOS/.exec(ua)
      ? 'iOS'
      : /Windows/.exec(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.exec(ua)
          ? 'macOS'
          : /Linux/.exec(ua)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser}, ${os}`;
  return (browser ?? os ?? ua.slice(0, 60)) || '—';
}

/**
 * A sign-in from a device this contract never signed in on (no valid device token): the subscriber is
 * told when, from what and from where — in the inbox, and by e-mail and SMS as they chose. Not for the
 * very first sign-in of a contract (there is no earlier device to compare with).
 */
export async function noticeNewDevice(
  db: Db,
  input: { contractId: number; meta: { ip: string; userAgent?: string } },
): Promise<void> {
  const [a] = await queryRows<{ account_id: number; time_zone: string; earlier: boolean }>(
    db,
    sql`select a.id as account_id, r.time_zone,
               exists (select 1 from sessions s where s.contract_id = ${input.contractId}) as earlier
        from accounts a join regions r on r.id = a.region_id where a.contract_id = ${input.contractId}`,
  );
  if (!a?.earlier) return;
  const at = (locale: string) =>
    new Intl.DateTimeFormat(locale, { timeZone: a.time_zone, dateStyle: 'long', timeStyle: 'short' }).format(
      new Date(),
    );
  await notify(db, {
    accountId: a.account_id,
    template: 'new_device_sign_in',
    params: {
      when: { ru: at('ru-RU'), en: at('en-GB') },
      device: describeDevice(input.meta.userAgent),
      ip: input.meta.ip,
    },
  });
}
