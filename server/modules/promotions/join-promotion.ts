import { sql } from 'drizzle-orm';

import { addDays } from '../../../common/dates.js';
import { AppError } from '../../../common/errors.js';
import { effectLastDay } from '../../../common/promotions.js';
import { type Db, queryRows } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { type Actor, actorAudit, loadAccount } from '../accounts/load-account.js';
import { recordAudit } from '../audit/record-audit.js';
import { postEntry } from '../ledger/post-entry.js';
import { allocateStaticIp } from '../services/static-ip.js';
import { INELIGIBLE_TEXT, PROMOTION_COLUMNS, type PromotionRow, whyNot } from './eligibility.js';

export async function findPromotion(db: Db, id: number): Promise<PromotionRow> {
  const [p] = await queryRows<PromotionRow>(db, sql`select ${PROMOTION_COLUMNS} from promotions p where p.id = ${id}`);
  if (!p) throw new AppError('promotion_not_found');
  return p;
}

/**
 * Joins a promotion and grants its effect at once, under the account's lock (docs/promotions.md):
 *  - discount: the plan's daily charge is reduced by `percent` from tomorrow for `months` months (the
 *    daily run applies it; common/promotions.ts);
 *  - bonus: a `bonus` ledger entry now (once: keyed by the participation), restoring service if it
 *    covers a debt;
 *  - free add-on: the add-on subscribed at no fee from tomorrow for `months` months (a static IP gets
 *    its address now; it goes back to the pool when the period ends).
 */
export async function joinPromotion(
  db: Db,
  opts: { accountId: number; promotionId: number; actor: Actor; now?: Date },
) {
  return inTransaction(db, async (tx) => {
    const a = await loadAccount(tx, opts.accountId, { lock: true, now: opts.now });
    const p = await findPromotion(tx, opts.promotionId);
    const reason = await whyNot(tx, a, p);
    if (reason)
      throw new AppError(reason === 'other_region' ? 'promotion_not_found' : 'promotion_not_eligible', {
        reason: INELIGIBLE_TEXT[reason],
      });
    const from = addDays(a.today, 1);
    const to = p.effect === 'bonus' ? null : effectLastDay(from, p.months!);
    const [part] = await queryRows<{ id: number }>(
      tx,
      sql`insert into promotion_participations (promotion_id, account_id, effect, joined_on, effect_from, effect_to, percent)
          values (${p.id}, ${a.id}, ${p.effect}, ${a.today}::date, ${p.effect === 'bonus' ? a.today : from}::date,
                  ${to}::date, ${p.effect === 'discount' ? p.percent : null})
          returning id`,
    );
    let address: string | null = null;
    let balance = a.balance;
    if (p.effect === 'bonus') {
      const posted = await postEntry(tx, {
        accountId: a.id,
        kind: 'bonus',
        amount: p.amount!,
        effectiveOn: a.today,
        source: 'promotion',
        comment: `promotion:${p.id}`,
        idempotencyKey: `promotion:${part!.id}`,
      });
      balance = posted.balance; // a bonus that covers a debt restores service (postEntry)
    } else if (p.effect === 'free_addon') {
      const [sub] = await queryRows<{ id: number }>(
        tx,
        sql`insert into subscriptions (account_id, kind, service_id, monthly_fee, starts_on, ends_on)
            values (${a.id}, 'service', ${p.service_id}, 0, ${from}::date, ${to}::date) returning id`,
      );
      await tx.execute(sql`update promotion_participations set subscription_id = ${sub!.id} where id = ${part!.id}`);
      const [kind] = await queryRows<{ kind: string }>(tx, sql`select kind from services where id = ${p.service_id}`);
      if (kind?.kind === 'static_ip')
        address = await allocateStaticIp(tx, { regionId: a.regionId, accountId: a.id, subscriptionId: sub!.id });
    }
    await recordAudit(tx, {
      ...actorAudit(opts.actor),
      action: 'promotion.joined',
      entity: 'account',
      entityId: a.id,
      after: {
        promotionId: p.id,
        participationId: part!.id,
        effect: p.effect,
        from: p.effect === 'bonus' ? a.today : from,
        to,
        amount: p.amount,
      },
    });
    return {
      participationId: part!.id,
      effect: p.effect,
      from: p.effect === 'bonus' ? a.today : from,
      to,
      balance,
      address,
    };
  });
}
