import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import type { AuditActorType, PasswordDelivery } from '../../db/schema/index.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';
import { hashPassword } from '../auth/passwords.js';
import { generateInitialPassword } from '../contracts/sign-contract.js';
import { sendDirectMany } from '../notifications/notify.js';
import { type Letter, renderLettersPdf } from './render-letters-pdf.js';

/** Passwords hashed per transaction (argon2id takes tens of milliseconds each, on purpose). */
const CHUNK = 100;
/** Letters in one PDF batch at most (a print shop's day; run again for the next batch). */
export const MAX_LETTERS = 5_000;

export async function createPasswordBatch(
  db: Db,
  input: { source: string; delivery: PasswordDelivery; staffId: number | null },
): Promise<{ id: number }> {
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`insert into import_password_batches (source, delivery, staff_id)
        values (${input.source}, ${input.delivery}, ${input.staffId}) returning id`,
  );
  return { id: row!.id };
}

interface Target {
  account_id: number;
  contract_id: number;
  contract: string;
  account: string;
  full_name: string;
  address: string;
  phone: string;
  email: string | null;
  lang: Lang;
  login: string | null;
}

/**
 * Cabinet passwords for the imported subscribers of a source who have none yet (docs/import.md,
 * "Cabinet passwords"): each gets a new initial password (argon2id, must be changed at first sign-in)
 * and receives it by SMS or e-mail through the outbox — in the same transaction, so a password is set
 * exactly when its message is queued — or on a printed letter (a PDF batch of at most MAX_LETTERS,
 * kept with the batch for a day). SMS and e-mail go only to subscribers who have that contact; the
 * others are counted as skipped and wait for letters. A subscriber who set a password meanwhile (the
 * recovery page) is left alone. Terminated contracts get none.
 */
export async function issueImportPasswords(
  db: Db,
  opts: {
    batchId: number;
    portalUrl: string;
    actor: { type: AuditActorType; id: string | number | null };
    onProgress?: (done: number, total: number) => void;
    signal?: AbortSignal;
  },
): Promise<{ issued: number; skipped: number; pdf: Buffer | null }> {
  const [batch] = await queryRows<{ source: string; delivery: PasswordDelivery; state: string }>(
    db,
    sql`select source, delivery, state from import_password_batches where id = ${opts.batchId}`,
  );
  if (!batch) throw new AppError('import_not_found');
  if (batch.state === 'done') throw new AppError('import_not_queued');
  await db.execute(sql`update import_password_batches set state = 'running' where id = ${opts.batchId}`);
  const reachable =
    batch.delivery === 'sms' ? sql`s.phone <> ''` : batch.delivery === 'email' ? sql`s.email is not null` : sql`true`;
  const base = sql`from import_links l
      join accounts a on a.id = l.target_id
      join contracts c on c.id = a.contract_id
      join subscribers s on s.id = c.subscriber_id
      left join network_access n on n.account_id = a.id
      where l.source = ${batch.source} and l.kind = 'subscriber' and c.password_hash is null and c.status = 'active'`;
  try {
    const [counts] = await queryRows<{ total: number; reachable: number }>(
      db,
      sql`select count(*)::int8 as total, count(*) filter (where ${reachable})::int8 as reachable ${base}`,
    );
    const limit = batch.delivery === 'letters' ? MAX_LETTERS : Number.MAX_SAFE_INTEGER;
    const total = Math.min(counts?.reachable ?? 0, limit);
    const skipped = (counts?.total ?? 0) - total;
    await db.execute(
      sql`update import_password_batches set total = ${total}, skipped = ${skipped} where id = ${opts.batchId}`,
    );
    const letters: Letter[] = [];
    let done = 0;
    let after = 0;
    while (done < total) {
      opts.signal?.throwIfAborted();
      const targets = await queryRows<Target>(
        db,
        sql`select a.id as account_id, c.id as contract_id, c.number as contract, a.number as account, s.full_name,
                   s.address, s.phone, s.email, s.lang, n.login
            ${base} and ${reachable} and a.id > ${after}
            order by a.id limit ${Math.min(CHUNK, total - done)}`,
      );
      if (targets.length === 0) break;
      after = targets[targets.length - 1]!.account_id;
      const passwords = targets.map(() => generateInitialPassword());
      const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
      await inTransaction(db, async (tx) => {
        const set = await queryRows<{ id: number }>(
          tx,
          sql`update contracts c set password_hash = x.h, must_change_password = 1
              from json_to_recordset(${JSON.stringify(targets.map((t, i) => ({ id: t.contract_id, h: hashes[i] })))}::json)
                as x(id int8, h text)
              where c.id = x.id and c.password_hash is null
              returning c.id`,
        );
        const fresh = new Set(set.map((r) => r.id));
        const mine = targets.map((t, i) => ({ t, password: passwords[i]! })).filter((x) => fresh.has(x.t.contract_id));
        if (batch.delivery === 'letters')
          letters.push(
            ...mine.map(({ t, password }) => ({
              name: t.full_name,
              address: t.address,
              contract: t.contract,
              account: t.account,
              password,
              pppoeLogin: t.login,
            })),
          );
        else
          await sendDirectMany(
            tx,
            mine.map(({ t, password }) => ({
              accountId: t.account_id,
              channel: batch.delivery as 'sms' | 'email',
              address: batch.delivery === 'sms' ? t.phone : t.email!,
              template: 'import_welcome' as const,
              lang: t.lang,
              params: { link: opts.portalUrl, contract: t.contract, password },
            })),
          );
        await recordAudit(tx, {
          actorType: opts.actor.type,
          actorId: opts.actor.id,
          action: 'import.passwords',
          entity: 'import_password_batch',
          entityId: opts.batchId,
          after: { delivery: batch.delivery, contracts: [...fresh] },
        });
      });
      done += targets.length;
      await db.execute(sql`update import_password_batches set done = ${done} where id = ${opts.batchId}`);
      opts.onProgress?.(done, total);
    }
    const pdf = batch.delivery === 'letters' && letters.length ? await renderLettersPdf(letters, opts.portalUrl) : null;
    await db.execute(
      sql`update import_password_batches set state = 'done', finished_at = now(), pdf = ${pdf}
          where id = ${opts.batchId}`,
    );
    return { issued: batch.delivery === 'letters' ? letters.length : done, skipped, pdf };
  } catch (e) {
    await db.execute(
      sql`update import_password_batches set state = 'failed', finished_at = now(),
            error = ${e instanceof Error ? e.message.slice(0, 1000) : String(e)}
          where id = ${opts.batchId}`,
    );
    throw e;
  }
}
