import type { Lang } from '../../../common/errors.js';

/**
 * Ledger comments as people read them (item 8 of the services issue: no raw codes on any screen). The
 * system writes short machine comments ("card payment ta_…", "termination:cash", "promotion:7"); each is
 * turned into words of the reader's language here. Staff free-text reasons and payers' comments are shown
 * as written. Charges without a comment name what was charged (the plan or the add-on).
 */
export interface EntryFacts {
  kind: string;
  comment: string | null;
  /** Charges: the plan's or add-on's name. */
  subject: { ru: string; en: string } | null;
  /** Promotion comments: the promotion's title. */
  promotion: { ru: string; en: string } | null;
  /** Charges: what kind of subscription (tariff, service, suspension). */
  subjectKind?: string | null;
  /** Charges of an add-on: its kind (tv, static_ip, mobile). */
  serviceKind?: string | null;
  /** Charges of a plan under a promotion discount that day. */
  discountPercent?: number | null;
}

/** What a charged subscription is, before its name: Тариф «Домашний 300», ТВ-пакет «ТВ Базовый». */
const SUBJECT_KINDS: Record<string, { ru: string; en: string }> = {
  tariff: { ru: 'Тариф', en: 'Plan' },
  tv: { ru: 'ТВ-пакет', en: 'TV package' },
  static_ip: { ru: 'Статический IP', en: 'Static IP' },
  mobile: { ru: 'Мобильный интернет', en: 'Mobile internet' },
};

/** The charged plan or add-on in words: its kind, then its name in quotes. */
function subjectName(f: EntryFacts, lang: Lang): string | null {
  if (!f.subject) return null;
  const name = lang === 'ru' ? `«${f.subject.ru}»` : `"${f.subject.en}"`;
  const kind = SUBJECT_KINDS[(f.subjectKind === 'tariff' ? 'tariff' : f.serviceKind) ?? ''];
  return kind ? `${kind[lang]} ${name}` : name;
}

type Rule = [RegExp, (m: RegExpExecArray, f: EntryFacts) => { ru: string; en: string }];

const RULES: Rule[] = [
  [/^card payment \S+$/, () => ({ ru: 'Оплата банковской картой', en: 'Card payment' })],
  [/^autopay \S*$/, () => ({ ru: 'Автоплатёж с сохранённой карты', en: 'Autopay from the saved card' })],
  [
    /^txn (\S+)$/,
    (m) => ({
      ru: `Оплата через терминал или банк, операция ${m[1]}`,
      en: `Paid at a terminal or bank, transaction ${m[1]}`,
    }),
  ],
  [
    /^prepay (\d+) months: ([\d.]+)%$/,
    (m) => ({
      ru: `Бонус за оплату ${m[1]} мес. вперёд: ${m[2]} %`,
      en: `Bonus for paying ${m[1]} months ahead: ${m[2]}%`,
    }),
  ],
  [
    /^card refund of payment \d+: (.*)$/s,
    (m) => ({ ru: `Возврат на карту: ${m[1]}`, en: `Refund to the card: ${m[1]}` }),
  ],
  [
    /^card refund \d+ declined by the provider: reversed$/,
    () => ({
      ru: 'Банк отклонил возврат на карту — деньги вернулись на счёт',
      en: 'The bank declined the card refund; the money is back on the balance',
    }),
  ],
  [/^opening balance$/, () => ({ ru: 'Начальный остаток', en: 'Opening balance' })],
  [
    /^termination:cash$/,
    () => ({
      ru: 'Возврат остатка наличными при расторжении договора',
      en: 'Remainder refunded in cash on termination',
    }),
  ],
  [
    /^promotion:\d+$/,
    (_m, f) =>
      f.promotion
        ? { ru: `Акция «${f.promotion.ru}»`, en: `Promotion "${f.promotion.en}"` }
        : { ru: 'Акция', en: 'Promotion' },
  ],
  [
    /^promotion-discount:(\d+)$/,
    (m, f) => ({
      ru: `${f.subject ? `${subjectName(f, 'ru')}, ` : ''}скидка ${m[1]} % по акции`,
      en: `${f.subject ? `${subjectName(f, 'en')}, ` : ''}${m[1]}% promotion discount`,
    }),
  ],
  [
    /^suspension-fee:\d+$/,
    () => ({ ru: 'Плата за день добровольной блокировки', en: 'Voluntary suspension, daily fee' }),
  ],
];

export function describeEntry(f: EntryFacts, lang: Lang): string | null {
  if (f.comment) {
    for (const [re, text] of RULES) {
      const m = re.exec(f.comment);
      if (m) return text(m, f)[lang];
    }
    return f.comment;
  }
  if (f.kind !== 'charge') return null;
  if (f.subjectKind === 'suspension')
    return lang === 'ru' ? 'Плата за день добровольной блокировки' : 'Voluntary suspension, daily fee';
  const name = subjectName(f, lang);
  if (!name) return null;
  if (f.discountPercent)
    return lang === 'ru'
      ? `${name}, скидка ${f.discountPercent} % по акции`
      : `${name}, ${f.discountPercent}% promotion discount`;
  return name;
}
