import { sql } from 'drizzle-orm';

import type { Lang } from '../../../common/errors.js';
import type { Db } from '../../db/client.js';
import { luhnValid, type TestAcquirer } from '../../integrations/acquiring/test-acquirer.js';
import { enqueue } from '../../jobs/queue.js';
import { testAcquirerNotifyJob } from './payments.jobs.js';

export const TEST_CARDS = {
  success: '4111111111111111',
  decline: '4000000000000002',
  threeDs: '4000000000003220',
  declinesLater: '4000000000000341',
};
const MSG = {
  ru: {
    luhn: 'Неверный номер карты',
    expiry: 'Неверный или истёкший срок действия',
    cvc: 'CVC — три или четыре цифры',
    holder: 'Укажите владельца карты латиницей',
    code: 'Неверный код',
  },
  en: {
    luhn: 'Invalid card number',
    expiry: 'Invalid or expired expiry date',
    cvc: 'CVC is three or four digits',
    holder: 'Enter the cardholder name in Latin letters',
    code: 'Wrong code',
  },
};

export type CardOutcome =
  { kind: 'error'; message: string } | { kind: '3ds' } | { kind: 'done'; returnUrl: string } | { kind: 'gone' };

/** The test bank's decision on a card form; finishes the payment and queues its signed notification. */
export async function submitTestCard(
  db: Db,
  acq: TestAcquirer,
  id: string,
  f: Record<string, string | undefined>,
  lang: Lang,
  now = new Date(),
): Promise<CardOutcome> {
  const row = await acq.pending(id);
  if (!row || row.status !== 'pending') return row ? { kind: 'done', returnUrl: row.return_url } : { kind: 'gone' };
  const number = (f.number ?? '').replace(/[\s-]/g, '');
  const m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(f.expiry ?? '');
  const t = MSG[lang];
  if (!luhnValid(number)) return { kind: 'error', message: t.luhn };
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) return { kind: 'error', message: t.expiry };
  const expEnd = new Date(Date.UTC(2000 + Number(m[2]), Number(m[1]), 1));
  if (expEnd <= now) return { kind: 'error', message: t.expiry };
  if (!/^\d{3,4}$/.test(f.cvc ?? '')) return { kind: 'error', message: t.cvc };
  if (!/^[A-Za-z][A-Za-z .'-]{1,60}$/.test((f.holder ?? '').trim())) return { kind: 'error', message: t.holder };
  if (number === TEST_CARDS.threeDs) {
    // Remember the card until the 3-D Secure step (the test bank keeps only the last four digits).
    await db.execute(sqlSetThreeDs(id, number.slice(-4)));
    return { kind: '3ds' };
  }
  return finish(db, acq, id, number !== TEST_CARDS.decline, number.slice(-4), number === TEST_CARDS.declinesLater);
}

export async function submitThreeDs(
  db: Db,
  acq: TestAcquirer,
  id: string,
  code: string,
  lang: Lang,
): Promise<CardOutcome> {
  const row = await acq.pending(id);
  if (!row) return { kind: 'gone' };
  if (row.status !== 'pending') return { kind: 'done', returnUrl: row.return_url };
  // Only a payment whose card asked for 3-D Secure has this step; anything else is no such page.
  if (!row.data.threeDs) return { kind: 'gone' };
  if (code.trim() !== '123456') return { kind: 'error', message: MSG[lang].code };
  return finish(db, acq, id, true, row.data.threeDs);
}

async function finish(
  db: Db,
  acq: TestAcquirer,
  id: string,
  ok: boolean,
  last4: string,
  declinesLater = false,
): Promise<CardOutcome> {
  const row = await acq.complete(id, ok, { last4, declinesLater });
  await enqueue(
    db,
    testAcquirerNotifyJob,
    { id, event: ok ? 'payment.succeeded' : 'payment.canceled' },
    { key: `ta-notify:${id}` },
  );
  return { kind: 'done', returnUrl: row.return_url };
}

function sqlSetThreeDs(id: string, last4: string) {
  return sql`update test_acquirer_payments set data = data || ${JSON.stringify({ threeDs: last4 })}::jsonb where id = ${id}`;
}
