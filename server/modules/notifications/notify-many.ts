import { type SQL, sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import type { Channel } from '../../db/schema/index.js';
import { deliverJob, DELIVERY_ATTEMPTS } from './deliver.job.js';
import { render, type TemplateCode, type TemplateParam } from './templates.js';

export interface NotifyManyCounts {
  inbox: number;
  email: number;
  sms: number;
}
/** The channels a message to many goes by: the ones staff pick (no messenger: a broadcast is not a notice). */
type ManyChannel = keyof NotifyManyCounts;

/**
 * `t` (the subscribers of `accounts` with their contacts and choices) and `targets`: one row per message
 * to write — the inbox always (when asked), e-mail and SMS where chosen and present.
 */
function targetsCte(accounts: SQL, wanted: ReadonlySet<Channel>): SQL {
  return sql`t as (
          select a.id as account_id, s.email, s.phone, s.notify_email, s.notify_sms, s.lang
          from (${accounts}) x
          join accounts a on a.id = x.account_id
          join contracts c on c.id = a.contract_id
          join subscribers s on s.id = c.subscriber_id),
        targets as (
          select account_id, 'inbox' as channel, null::text as address, lang from t where ${wanted.has('inbox')}
          union all
          select account_id, 'email', email, lang from t
          where ${wanted.has('email')} and notify_email = 1 and email is not null and email <> ''
          union all
          select account_id, 'sms', phone, lang from t
          where ${wanted.has('sms')} and notify_sms = 1 and phone is not null and phone <> '')`;
}

/** How many messages notifyMany would write for these accounts, per channel (the bulk preview). */
export async function countNotifyTargets(
  db: Db,
  opts: { accounts: SQL; channels: readonly ManyChannel[] },
): Promise<NotifyManyCounts> {
  const rows = await queryRows<{ channel: ManyChannel; n: number }>(
    db,
    sql`with ${targetsCte(opts.accounts, new Set(opts.channels))} select channel, count(*)::int8 as n from targets group by channel`,
  );
  const counts: NotifyManyCounts = { inbox: 0, email: 0, sms: 0 };
  for (const r of rows) counts[r.channel] = Number(r.n);
  return counts;
}

/**
 * `notify` for many subscribers at once (bulk messages, outage notices): the same message to each
 * account of `accounts` (a relation with an `account_id` column), in each one's language, into the
 * cabinet inbox and by e-mail and SMS where the subscriber chose them and has the contact — in ONE
 * statement that writes the outbox rows and their delivery jobs (`deliver:<outbox id>`, as `notify`
 * does). In the caller's transaction, so the notices exist exactly when the change that caused them does.
 */
export async function notifyMany(
  db: Db,
  opts: { accounts: SQL; template: TemplateCode; params: Record<string, TemplateParam>; channels?: ManyChannel[] },
): Promise<NotifyManyCounts & { perAccount: { account_id: number; channels: ManyChannel[] }[] }> {
  const wanted = new Set<ManyChannel>(opts.channels ?? ['inbox', 'email', 'sms']);
  const ru = render(opts.template, 'ru', opts.params);
  const en = render(opts.template, 'en', opts.params);
  const rows = await queryRows<{ account_id: number; channels: ManyChannel[] }>(
    db,
    sql`with ${targetsCte(opts.accounts, wanted)},
        ins as (
          insert into outbox (account_id, channel, address, template, lang, subject, body, state, sent_at)
          select account_id, channel, address, ${opts.template}, lang,
                 case when lang = 'en' then ${en.subject} else ${ru.subject} end,
                 case when lang = 'en' then ${en.text} else ${ru.text} end,
                 case when channel = 'inbox' then 'sent' else 'queued' end,
                 case when channel = 'inbox' then now() end
          from targets
          order by account_id, channel
          returning id, account_id, channel),
        queued as (
          insert into jobs (name, key, payload, max_attempts)
          select ${deliverJob.name}, 'deliver:' || id, jsonb_build_object('outboxId', id), ${DELIVERY_ATTEMPTS}
          from ins where channel <> 'inbox'
          on conflict (key) do nothing)
        select account_id, array_agg(channel order by channel) as channels from ins group by account_id`,
  );
  const counts: NotifyManyCounts = { inbox: 0, email: 0, sms: 0 };
  for (const r of rows) for (const c of r.channels) counts[c] += 1;
  return { ...counts, perAccount: rows };
}
