import type { Db } from '../../db/client.js';
import { maskHolderName } from '../payments/find-payer.js';
import { ACCOUNT_FORMAT, OSMP, type OsmpAnswer } from './osmp-protocol.js';
import { findOsmpAccount, type OsmpQuery } from './validate-osmp-request.js';

/**
 * `getInfo` (QIWI provider protocol, "Проверка статуса абонента … без регистрации платежа"): does this
 * account exist and can it be paid, with what to show the payer — the holder as "Иванов И. И." (enough
 * to recognise the account, the same as the public payment page shows; no balance or debt: an agent's
 * terminal screen is public). No transaction is involved, so no txn_id is needed or answered.
 */
export async function osmpGetInfo(db: Db, q: OsmpQuery): Promise<OsmpAnswer> {
  try {
    const number = (q.account ?? '').trim();
    if (!ACCOUNT_FORMAT.test(number))
      return { txnId: undefined, result: OSMP.badAccountFormat, comment: 'wrong account format' };
    const account = await findOsmpAccount(db, number);
    if (!account) return { txnId: undefined, result: OSMP.accountNotFound, comment: 'account not found' };
    if (account.status === 'terminated')
      return { txnId: undefined, result: OSMP.paymentForbidden, comment: 'contract terminated' };
    return {
      txnId: undefined,
      result: OSMP.ok,
      comment: 'OK',
      fields: [
        { name: 'account', value: account.number },
        { name: 'fio', value: maskHolderName(account.full_name) },
      ],
    };
  } catch {
    return { txnId: undefined, result: OSMP.cannotCheck, comment: 'cannot check account now' };
  }
}
