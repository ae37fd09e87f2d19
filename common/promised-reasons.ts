import type { Lang } from './errors.js';

/** Why a promised payment cannot be taken now (server/modules/payments/promised-payment.ts decides). */
export type PromisedReason = 'active_exists' | 'already_this_month' | 'debt_over_month' | 'no_fee' | 'terminated';

/** The words for each reason: the cabinet, the API's error message and the messenger bot say the same. */
export const PROMISED_REASON_TEXT: Record<PromisedReason, Record<Lang, string>> = {
  active_exists: { ru: 'Уже действует обещанный платёж', en: 'A promised payment is already active' },
  already_this_month: {
    ru: 'Обещанный платёж можно брать раз в месяц — в этом месяце он уже был',
    en: 'A promised payment can be taken once a month — already taken this month',
  },
  debt_over_month: {
    ru: 'Недоступен: долг больше месячной абонентской платы',
    en: 'Not available: the debt is more than one monthly fee',
  },
  no_fee: { ru: 'Недоступен: у счёта нет абонентской платы', en: 'Not available: the account has no monthly fee' },
  terminated: { ru: 'Недоступен: договор расторгнут', en: 'Not available: the contract is terminated' },
};
