import i18n from '../../i18n';

/** Texts of the background-jobs page (admins), merged into the app's dictionaries (ru and en in step). */
const ru = {
  staff: { jobs: 'Сбои фоновых задач' },
  jobs: {
    title: 'Сбои фоновых задач',
    hint: 'Задачи, которые не удалось выполнить за все попытки (или процесс падал на них раз за разом). Устраните причину и запустите задачу снова.',
    none: 'Остановленных задач нет',
    job: 'Задача',
    attempts: 'Попыток',
    error: 'Последняя ошибка',
    stopped: 'Остановлена',
    retry: 'Запустить снова',
    retryFor: 'Запустить снова задачу {{id}}',
    retried: 'Задача {{id}} поставлена в очередь',
    other: 'Другая задача',
    prev: 'Назад',
    next: 'Дальше',
    name: {
      'billing.run': 'Ежедневное списание абонентской платы',
      'notifications.deliver': 'Отправка уведомления (e-mail, SMS)',
      'receipts.register': 'Фискальный чек в АТОЛ Онлайн',
      'payments.test-acquirer-notify': 'Уведомление тестового эквайера',
      'payments.reconcile': 'Сверка платежей с платёжной системой',
      'payments.autopay': 'Автоплатежи',
      'payments.expire-promised': 'Окончание обещанных платежей',
      'finance.card-refunds': 'Возвраты на карту',
    },
  },
};
const en: typeof ru = {
  staff: { jobs: 'Failed background jobs' },
  jobs: {
    title: 'Failed background jobs',
    hint: 'Jobs that did not succeed in all their attempts (or kept taking their process down). Fix the cause and run the job again.',
    none: 'No stopped jobs',
    job: 'Job',
    attempts: 'Attempts',
    error: 'Last error',
    stopped: 'Stopped',
    retry: 'Run again',
    retryFor: 'Run job {{id}} again',
    retried: 'Job {{id}} is queued',
    other: 'Other job',
    prev: 'Previous',
    next: 'Next',
    name: {
      'billing.run': 'Daily subscription fee charge',
      'notifications.deliver': 'Notification delivery (e-mail, SMS)',
      'receipts.register': 'Fiscal receipt at ATOL Online',
      'payments.test-acquirer-notify': 'Test acquirer notification',
      'payments.reconcile': 'Payment reconciliation with the provider',
      'payments.autopay': 'Autopay',
      'payments.expire-promised': 'Promised payments ending',
      'finance.card-refunds': 'Card refunds',
    },
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
