import { kopecksToDecimal, kopecksToRublesNumber } from '../../../common/money.js';
import { type AdvanceVat, defaultVat, vatOfGross } from './vat.js';

export interface ReceiptSource {
  /** ATOL's external_id: the payment id for a sale, `refund-<id>` for a refund. */
  externalId: string;
  amount: number;
  succeededAt: Date;
  /** The personal account topped up (named on the receipt). */
  account: string;
  email: string | null;
  phone: string;
  settings: { inn: string; paymentAddress: string; sno: string; vat: string | null; companyEmail: string };
}

const rubles = kopecksToRublesNumber;

/** FFD 1.2 tag 1214 "признак способа расчета": 3 = аванс (ATOL v5 `payment_method: 'advance'`). */
const ADVANCE = 'advance';
/** FFD 1.2 tag 1212 "признак предмета расчета": 10 = платёж (об авансе, задатке, предоплате, кредите). */
const PAYMENT_OBJECT_PAYMENT = 10;
/** FFD 1.2 tag 2108 "мера количества": 0 = штуки, единицы (a top-up is one unit). */
const MEASURE_PIECE = 0;
/** ATOL payment type 1: электронными (безналичными). */
const ELECTRONIC = 1;

/** "dd.mm.yyyy HH:MM:SS" in Moscow time, the timestamp format of ATOL v5. */
function atolTimestamp(d: Date): string {
  const p = new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '00';
  return `${g('day')}.${g('month')}.${g('year')} ${g('hour')}:${g('minute')}:${g('second')}`;
}

/**
 * The ATOL Online API v5 (FFD 1.2) document for a top-up of a personal account — `sell`, and with the
 * refunded sum `sell_refund` (docs/receipts.md). Money paid onto the balance is an advance for
 * communication services to be provided later (ФНС: аванс → способ расчета 3 «Аванс», предмет расчета 10
 * «Платёж»), so one item: payment_method 'advance', payment_object 10, measure 0, quantity 1; VAT from the
 * region's settings at its calculated rate with the sum (22/122 of the amount on osn by default); paid
 * electronically (payments type 1). The client gets it by e-mail, or by SMS when there is no e-mail.
 * Sums are rubles as JSON numbers with 2 decimals (derived from kopecks via the decimal string).
 */
export function buildAtolReceipt(s: ReceiptSource) {
  const sum = rubles(s.amount);
  const phone = s.phone.replace(/\D/g, '');
  const vatType = (s.settings.vat ?? defaultVat(s.settings.sno)) as AdvanceVat;
  const vatSum = vatOfGross(s.amount, vatType);
  return {
    external_id: s.externalId,
    timestamp: atolTimestamp(s.succeededAt),
    receipt: {
      client: s.email ? { email: s.email } : { phone: phone.startsWith('7') ? `+${phone}` : phone },
      company: {
        email: s.settings.companyEmail,
        sno: s.settings.sno,
        inn: s.settings.inn,
        payment_address: s.settings.paymentAddress,
      },
      items: [
        {
          name: `Аванс за услуги связи, лицевой счёт ${s.account}`.slice(0, 128),
          price: sum,
          quantity: 1,
          measure: MEASURE_PIECE,
          sum,
          payment_method: ADVANCE,
          payment_object: PAYMENT_OBJECT_PAYMENT,
          vat: vatSum === null ? { type: vatType } : { type: vatType, sum: rubles(vatSum) },
        },
      ],
      payments: [{ type: ELECTRONIC, sum }],
      total: sum,
    },
  };
}

/**
 * The link a subscriber opens to see the receipt: the FNS receipt-check service with the same
 * parameters the receipt's QR code carries (t, s, fn, i, fp, n=1 for a sale, 2 for a refund of one).
 */
export function receiptUrl(p: {
  receiptDatetime: string;
  total: number;
  fn: string;
  fd: string;
  fp: string;
  refund?: boolean;
}): string {
  // ATOL gives "dd.mm.yyyy HH:MM:SS"; the QR parameter is yyyymmddTHHMM.
  const m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})/.exec(p.receiptDatetime);
  const t = m ? `${m[3]}${m[2]}${m[1]}T${m[4]}${m[5]}` : p.receiptDatetime;
  const q = new URLSearchParams({
    t,
    s: kopecksToDecimal(p.total),
    fn: p.fn,
    i: p.fd,
    fp: p.fp,
    n: p.refund ? '2' : '1',
  });
  return `https://check.nalog.ru/?${q.toString()}`;
}
