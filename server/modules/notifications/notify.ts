import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { Channel } from '../../db/schema/index.js';
import { enqueue } from '../../jobs/queue.js';
import { deliverJob } from './deliver.job.js';
import { render, type TemplateCode, type TemplateParam } from './templates.js';

/**
 * Tells a subscriber something: always into the cabinet inbox, and by e-mail and SMS when the
 * subscriber chose them and the contact exists. Rows and delivery jobs are written in the caller's
 * transaction, so a notice exists exactly when the change that caused it does.
 */
export async function notify(
  db: Db,
  opts: { accountId: number; template: TemplateCode; params: Record<string, TemplateParam>; channels?: Channel[] },
) {
  const [s] = await queryRows<{
    email: string | null;
    phone: string | null;
    notify_email: number;
    notify_sms: number;
    lang: Lang;
  }>(
    db,
    sql`select s.email, s.phone, s.notify_email, s.notify_sms, s.lang
        from accounts a join contracts c on c.id = a.contract_id join subscribers s on s.id = c.subscriber_id where a.id = ${opts.accountId}`,
  );
  if (!s) return [];
  const wanted = opts.channels ?? ['inbox', 'email', 'sms'];
  const targets: { channel: Channel; address: string | null }[] = [];
  if (wanted.includes('inbox')) targets.push({ channel: 'inbox', address: null });
  if (wanted.includes('email') && s.notify_email && s.email) targets.push({ channel: 'email', address: s.email });
  if (wanted.includes('sms') && s.notify_sms && s.phone) targets.push({ channel: 'sms', address: s.phone });
  const ids: number[] = [];
  for (const t of targets)
    ids.push(
      await writeMessage(db, {
        accountId: opts.accountId,
        ...t,
        template: opts.template,
        lang: s.lang,
        params: opts.params,
      }),
    );
  return ids;
}

/** A message to one address regardless of preferences (codes: recovery, contact confirmation). */
export async function sendDirect(
  db: Db,
  opts: {
    accountId: number | null;
    channel: 'email' | 'sms';
    address: string;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, string | number>;
  },
): Promise<number> {
  return writeMessage(db, opts);
}

/**
 * Many direct messages at once (a batch of cabinet passwords after an import): the outbox rows and their
 * delivery jobs in two statements, in the caller's transaction.
 */
export async function sendDirectMany(
  db: Db,
  messages: {
    accountId: number;
    channel: 'email' | 'sms';
    address: string;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, string | number>;
  }[],
): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => {
    const { subject, text } = render(m.template, m.lang, m.params);
    return {
      account_id: m.accountId,
      channel: m.channel,
      address: m.address,
      template: m.template,
      lang: m.lang,
      subject,
      body: text,
    };
  });
  const ids = await queryRows<{ id: number }>(
    db,
    sql`insert into outbox (account_id, channel, address, template, lang, subject, body, state)
        select account_id, channel, address, template, lang, subject, body, 'queued'
        from json_to_recordset(${JSON.stringify(rows)}::json)
          as x(account_id int8, channel text, address text, template text, lang text, subject text, body text)
        returning id`,
  );
  const list = ids.map((r) => r.id);
  await db.execute(
    sql`insert into jobs (name, key, payload, max_attempts)
        select ${deliverJob.name}, 'deliver:' || id, jsonb_build_object('outboxId', id), ${deliverJob.maxAttempts ?? 5}
        from unnest(${`{${list.join(',')}}`}::int8[]) as t(id)
        on conflict (key) do nothing`,
  );
  return list;
}

async function writeMessage(
  db: Db,
  m: {
    accountId: number | null;
    channel: Channel;
    address: string | null;
    template: TemplateCode;
    lang: Lang;
    params: Record<string, TemplateParam>;
  },
): Promise<number> {
  const { subject, text } = render(m.template, m.lang, m.params);
  const inbox = m.channel === 'inbox';
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into outbox (account_id, channel, address, template, lang, subject, body, state, sent_at)
        values (${m.accountId}, ${m.channel}, ${m.address}, ${m.template}, ${m.lang}, ${subject}, ${text},
                ${inbox ? 'sent' : 'queued'}, ${inbox ? sql`now()` : null})
        returning id`,
  );
  if (!inbox) await enqueue(db, deliverJob, { outboxId: row!.id }, { key: `deliver:${row!.id}` });
  return row!.id;
}
