import { sql } from 'drizzle-orm';

import { type Db, queryRows } from '../../db/client.js';
import { assertNoTransaction } from '../../db/transaction.js';
import type { AppDeps } from '../../deps.js';
import { tbankDeclineReason } from '../../integrations/acquiring/tbank-errors.js';
import { settleCardRefund } from '../finance/refund-card-payment.js';
import { handleNotification } from './handle-notification.js';

/** A T-Bank notification whose Token was verified (the route checks it before this runs). */
export interface TbankNotification {
  TerminalKey: string;
  PaymentId: string | number;
  Status: string;
  Success?: boolean;
  ErrorCode?: string;
  Amount?: number;
  OrderId?: string;
  RebillId?: string | number;
  CardId?: string | number;
  Pan?: string;
}

const REFUND_STATUSES = new Set(['REFUNDED', 'PARTIAL_REFUNDED', 'REFUNDING']);

/**
 * T-Bank's notification (https://developer.tbank.ru/eacq/intro/developer/notification): signed with the
 * terminal password, so its RebillId (the saved card, for autopay) and ErrorCode (why it was declined)
 * are taken as given; the payment's status is still read back with GetState (the state machine never
 * trusts a body). A refund notification settles our pending refunds of that payment by asking again.
 * A saved card that arrives after the payment was already credited (a reconciliation got there first)
 * is kept then.
 */
export async function handleTbankNotification(db: Db, deps: AppDeps, n: TbankNotification): Promise<void> {
  assertNoTransaction(db, 'handleTbankNotification: it asks T-Bank');
  const paymentId = String(n.PaymentId);
  if (REFUND_STATUSES.has(n.Status)) {
    const refunds = await queryRows<{ id: number }>(
      db,
      sql`select f.id from payment_refunds f join payments p on p.id = f.payment_id
          where p.provider = 'tbank' and p.external_id = ${paymentId} and f.status = 'pending' order by f.id`,
    );
    for (const f of refunds) await settleCardRefund(db, deps, f.id);
    return;
  }
  const saved =
    n.RebillId !== undefined && n.RebillId !== null && n.RebillId !== ''
      ? { ref: String(n.RebillId), title: cardTitle(n.Pan) }
      : null;
  const r = await handleNotification(db, deps, 'tbank', paymentId, {
    savedMethod: saved,
    declineReason: n.Status === 'REJECTED' ? tbankDeclineReason(n.ErrorCode) : null,
  });
  if (saved && r && !r.credited && r.status === 'succeeded') {
    await db.execute(
      sql`insert into saved_payment_methods (account_id, provider, method_ref, title)
          select p.account_id, 'tbank', ${saved.ref}, ${saved.title} from payments p
          where p.id = ${r.paymentId} and coalesce((p.metadata->>'saveMethod')::boolean, false)
          on conflict (provider, method_ref) do nothing`,
    );
  }
}

/** "430000******0777" → "•••• 0777". */
function cardTitle(pan: string | undefined): string {
  const last4 = (pan ?? '').replace(/\D/g, '').slice(-4);
  return last4 ? `•••• ${last4}` : 'Карта T-Bank';
}
