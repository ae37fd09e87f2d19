import { sql } from 'drizzle-orm';

import { AppError } from '../../../common/errors.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { recordAudit } from '../audit/record-audit.js';

/**
 * Account tags (docs/bulk.md "Tags"): labels staff give subscribers to select them later. Names are
 * unique without regard to case; a tag is made once and reused. The counts of accounts are over the
 * staff member's regions (`regionCondition` over `accounts a`).
 */
export async function listTags(db: Db, regionCondition = sql`true`) {
  const rows = await queryRows<{ id: number; name: string; accounts: number }>(
    db,
    sql`select t.id, t.name,
               (select count(*) from account_tags x join accounts a on a.id = x.account_id
                where x.tag_id = t.id and ${regionCondition})::int8 as accounts
        from tags t order by lower(t.name)`,
  );
  return { tags: rows.map((r) => ({ id: Number(r.id), name: r.name, accounts: Number(r.accounts) })) };
}

/** Creates a tag, or returns the one with this name (any case). */
export async function createTag(db: Db, opts: { name: string; staffId: number }) {
  const name = opts.name.replace(/\s+/g, ' ').trim();
  return inTransaction(db, async (tx) => {
    const [made] = await queryRows<{ id: number; name: string }>(
      tx,
      sql`insert into tags (name) values (${name}) on conflict (lower(name)) do nothing returning id, name`,
    );
    if (made) {
      await recordAudit(tx, {
        actorType: 'staff',
        actorId: opts.staffId,
        action: 'tag.created',
        entity: 'tag',
        entityId: made.id,
        after: { name },
      });
      return { id: Number(made.id), name: made.name, accounts: 0 };
    }
    const [t] = await queryRows<{ id: number; name: string }>(
      tx,
      sql`select id, name from tags where lower(name) = lower(${name})`,
    );
    const [n] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int8 as n from account_tags where tag_id = ${t!.id}`,
    );
    return { id: Number(t!.id), name: t!.name, accounts: Number(n?.n ?? 0) };
  });
}

export async function getAccountTags(db: Db, accountId: number) {
  const rows = await queryRows<{ id: number; name: string }>(
    db,
    sql`select t.id, t.name from account_tags x join tags t on t.id = x.tag_id where x.account_id = ${accountId} order by lower(t.name)`,
  );
  return { tags: rows.map((r) => ({ id: Number(r.id), name: r.name })) };
}

/** Sets an account's tags to exactly these (audited with before and after). */
export async function setAccountTags(
  db: Db,
  opts: { accountId: number; tagIds: number[]; staffId: number; ip?: string | null },
) {
  const ids = [...new Set(opts.tagIds)];
  return inTransaction(db, async (tx) => {
    const [acc] = await queryRows<{ id: number }>(tx, sql`select id from accounts where id = ${opts.accountId}`);
    if (!acc) throw new AppError('account_not_found', { account: opts.accountId });
    const list = `{${ids.join(',')}}`;
    if (ids.length) {
      const [found] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int8 as n from tags where id = any(${list}::int8[])`,
      );
      if (Number(found?.n) !== ids.length) throw new AppError('tag_not_found');
    }
    const before = await getAccountTags(tx, opts.accountId);
    await tx.execute(
      sql`delete from account_tags where account_id = ${opts.accountId} and not (tag_id = any(${list}::int8[]))`,
    );
    await tx.execute(
      sql`insert into account_tags (account_id, tag_id) select ${opts.accountId}, unnest(${list}::int8[]) on conflict do nothing`,
    );
    const after = await getAccountTags(tx, opts.accountId);
    await recordAudit(tx, {
      actorType: 'staff',
      actorId: opts.staffId,
      ip: opts.ip ?? null,
      action: 'account.tags_set',
      entity: 'account',
      entityId: opts.accountId,
      before: before.tags.map((t) => t.name),
      after: after.tags.map((t) => t.name),
    });
    return after;
  });
}
