import i18n from '../../i18n';

/** Texts of the finance section, merged into the app's dictionaries (ru and en kept in step). */
const ru = {
  staff: { finance: 'Платежи' },
  finance: {
    title: 'Платежи',
    from: 'С',
    to: 'По',
    method: 'Способ',
    status: 'Статус',
    account: 'Лицевой счёт',
    any: 'Любой',
    show: 'Показать',
    totals: 'Итоги по дням и способам (проведённые)',
    day: 'День',
    count: 'Платежей',
    amount: 'Сумма',
    total: 'Всего',
    when: 'Создан',
    provider: 'Источник',
    receipt: 'Чек',
    open: 'открыть',
    found: 'Найдено: {{n}}',
    prev: 'Назад',
    next: 'Дальше',
    none: 'Платежей нет',
  },
};
const en: typeof ru = {
  staff: { finance: 'Payments' },
  finance: {
    title: 'Payments',
    from: 'From',
    to: 'To',
    method: 'Method',
    status: 'Status',
    account: 'Personal account',
    any: 'Any',
    show: 'Show',
    totals: 'Totals per day and method (succeeded)',
    day: 'Day',
    count: 'Payments',
    amount: 'Amount',
    total: 'Total',
    when: 'Created',
    provider: 'Source',
    receipt: 'Receipt',
    open: 'open',
    found: 'Found: {{n}}',
    prev: 'Back',
    next: 'Next',
    none: 'No payments',
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
