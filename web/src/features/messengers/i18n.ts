import i18n from '../../i18n';

/** Texts of the messenger links and notice channels (cabinet, subscriber card); ru and en in step. */
const ru = {
  messengers: {
    telegram: 'Telegram',
    title: 'Telegram-бот',
    lead: 'Баланс, пополнение, обещанный платёж и обращения в поддержку — в Telegram. Уведомления приходят туда вместо SMS.',
    connect: 'Подключить Telegram',
    connectMore: 'Подключить ещё один чат',
    open: 'Открыть Telegram',
    openHint:
      'Откройте ссылку на телефоне или компьютере с Telegram и нажмите «Старт». Ссылка действует до {{time}} и только один раз.',
    linked: 'Подключён',
    blocked: 'Бот заблокирован в чате — уведомления идут по SMS',
    since: 'с {{date}}',
    unlink: 'Отключить',
    unlinkFor: 'Отключить чат {{title}}',
    none: 'Чаты не подключены',
    cardTitle: 'Мессенджеры',
    unnamed: 'чат без имени',
  },
  noticeSettings: {
    title: 'Какие уведомления и куда',
    lead: 'В личный кабинет уведомления приходят всегда. Если выбраны и Telegram, и SMS, SMS отправляется, только когда сообщение в Telegram не доставлено.',
    type: 'Уведомление',
    save: 'Сохранить',
    saved: 'Сохранено',
    noEmail: 'нет e-mail',
    noPhone: 'нет телефона',
    notLinked: 'не подключён',
    channel: { telegram: 'Telegram', sms: 'SMS', email: 'E-mail' },
    types: {
      balance: 'Баланс и блокировка',
      payments: 'Платежи и автоплатёж',
      support: 'Ответы поддержки',
      services: 'Услуги, тариф, приостановка',
      security: 'Безопасность (смена пароля)',
    },
    recent: 'Последние отправки',
    fallback: 'вместо Telegram',
    state: {
      queued: 'в очереди',
      sent: 'отправлено',
      delivered: 'доставлено',
      failed: 'не доставлено',
      undelivered: 'не доставлено',
    },
  },
};
const en: typeof ru = {
  messengers: {
    telegram: 'Telegram',
    title: 'Telegram bot',
    lead: 'Balance, top-up, promised payment and support tickets in Telegram. Notices come there instead of SMS.',
    connect: 'Link Telegram',
    connectMore: 'Link another chat',
    open: 'Open Telegram',
    openHint: 'Open the link on a phone or computer with Telegram and press “Start”. It works until {{time}}, once.',
    linked: 'Linked',
    blocked: 'The bot is blocked in the chat: notices go by SMS',
    since: 'since {{date}}',
    unlink: 'Unlink',
    unlinkFor: 'Unlink chat {{title}}',
    none: 'No chats linked',
    cardTitle: 'Messengers',
    unnamed: 'unnamed chat',
  },
  noticeSettings: {
    title: 'Which notices, and where',
    lead: 'Notices always come to the cabinet. With both Telegram and SMS chosen, the SMS goes only when the Telegram message is not delivered.',
    type: 'Notice',
    save: 'Save',
    saved: 'Saved',
    noEmail: 'no e-mail',
    noPhone: 'no phone',
    notLinked: 'not linked',
    channel: { telegram: 'Telegram', sms: 'SMS', email: 'E-mail' },
    types: {
      balance: 'Balance and suspension',
      payments: 'Payments and autopay',
      support: 'Support answers',
      services: 'Services, plan, holds',
      security: 'Security (password changes)',
    },
    recent: 'Latest deliveries',
    fallback: 'instead of Telegram',
    state: {
      queued: 'queued',
      sent: 'sent',
      delivered: 'delivered',
      failed: 'not delivered',
      undelivered: 'not delivered',
    },
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
