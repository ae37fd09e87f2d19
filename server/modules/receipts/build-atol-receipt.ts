import { kopecksToDecimal, kopecksToRublesNumber } from '../../../common/money.js';

export interface ReceiptSource {
  /** ATOL's external_id: the payment id for a sale, `refund-<id>` for a refund. */
  externalId: string;
  amount: number;
  succeededAt: Date;
  email: string | null;
  phone: string;
  settings: { inn: string; paymentAddress: string; sno: string; companyEmail: string };
}

const rubles = kopecksToRublesNumber;

/** "dd.mm.yyyy HH:MM:SS" in Moscow time, the timestamp format of ATOL v4. */
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
 * The ATOL v4 `sell` document for a balance top-up (and, with the refunded sum, the `sell_refund` one): one item "Услуги связи", an advance for future
 * services (payment_method 'advance', payment_object 'service'), VAT none, paid electronically
 * (payments type 1). The client gets it by e-mail, or by SMS when there is no e-mail.
 * Sums are rubles as JSON numbers with 2 decimals (derived from kopecks via the decimal string).
 */
export function buildAtolReceipt(s: ReceiptSource) {
  const sum = rubles(s.amount);
  const phone = s.phone.replace(/\D/g, '');
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
          name: 'Услуги связи',
          price: sum,
          quantity: 1,
          measure: 0,
          sum,
          payment_method: 'advance',
          payment_object: 'service',
          vat: { type: 'none' },
        },
      ],
      payments: [{ type: 1, sum }],
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
