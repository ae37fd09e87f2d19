import type { Lang } from './errors.js';

export const LEDGER_KIND_LABELS: Record<string, Record<Lang, string>> = {
  charge: { ru: 'Абонентская плата', en: 'Subscription fee' },
  payment: { ru: 'Платёж', en: 'Payment' },
  bonus: { ru: 'Бонус', en: 'Bonus' },
  adjustment: { ru: 'Корректировка', en: 'Adjustment' },
  refund: { ru: 'Возврат', en: 'Refund' },
  promised_payment: { ru: 'Обещанный платёж', en: 'Promised payment' },
  promised_repayment: { ru: 'Погашение обещанного платежа', en: 'Promised payment repaid' },
};

export function ledgerKindLabel(kind: string, lang: Lang): string {
  return LEDGER_KIND_LABELS[kind]?.[lang] ?? kind;
}
