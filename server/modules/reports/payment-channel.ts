import { type SQL, sql } from 'drizzle-orm';

/**
 * The channel of a payment entry of the ledger (alias `l`): the provider of the payment row behind it
 * (`yookassa`, `agent:<code>`, `office_cash`, `bank_transfer`, `cli`, …). Card and office payments are
 * credited with the key `payment:<id>`, agents' with the payment row's own key `agent:<code>:<txn>`; an
 * entry with neither (demo history, an old import) is `other`. Joins: `${paymentJoins}`.
 */
export const paymentJoins: SQL = sql`
  left join payments pk on l.kind = 'payment'
                        and pk.id = case when l.idempotency_key ~ '^payment:[0-9]{1,18}$' then substr(l.idempotency_key, 9)::int8 end
  left join payments pa on l.kind = 'payment' and l.idempotency_key like 'agent:%' and pa.idempotency_key = l.idempotency_key`;

export const paymentChannel: SQL = sql`case when l.kind = 'payment' then coalesce(pk.provider, pa.provider, 'other') else '' end`;
