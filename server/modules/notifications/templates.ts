import type { Lang } from '../../../common/errors.js';
import type { NoticeType } from '../../../common/notice-types.js';

type Texts = Record<Lang, { subject: string; text: string }>;

/** Every message the system sends, in Russian and English. {param} is filled from the call. */
export const TEMPLATES = {
  recovery_code: {
    ru: {
      subject: 'Восстановление пароля',
      text: 'Код для восстановления пароля: {code}. Никому не сообщайте его. {link}',
    },
    en: { subject: 'Password recovery', text: 'Your password recovery code: {code}. Do not share it. {link}' },
  },
  contact_code: {
    ru: { subject: 'Подтверждение контакта', text: 'Код подтверждения: {code}' },
    en: { subject: 'Confirm your contact', text: 'Confirmation code: {code}' },
  },
  contact_changed: {
    ru: {
      subject: 'Контакт в личном кабинете изменён',
      text: 'В личном кабинете по договору {contract} {what} изменён на {masked}. Если это сделали не вы, сразу позвоните на горячую линию {hotline}: восстановление пароля на новый контакт откроется только через 24 часа.',
    },
    en: {
      subject: 'A contact in your cabinet was changed',
      text: 'In the cabinet of contract {contract}, the {what} was changed to {masked}. If it was not you, call the hotline {hotline} at once: password recovery to the new contact opens only in 24 hours.',
    },
  },
  recovery_held: {
    ru: {
      subject: 'Восстановление пароля отложено',
      text: 'Этот контакт указан в личном кабинете менее суток назад, поэтому код для восстановления пароля на него придёт не раньше {from}. Так мы защищаем договор, если контакт сменил кто-то чужой. Если нужно раньше — позвоните на горячую линию {hotline} или придите в офис с паспортом.',
    },
    en: {
      subject: 'Password recovery held',
      text: 'This contact was set in the cabinet less than a day ago, so a recovery code can be sent to it from {from}. This protects the contract if a stranger changed the contact. If you need it sooner, call the hotline {hotline} or visit an office with your passport.',
    },
  },
  new_device_sign_in: {
    ru: {
      subject: 'Вход с нового устройства',
      text: 'В личный кабинет вошли с нового устройства: {device}, адрес {ip}, {when}. Если это были не вы, смените пароль и завершите чужие сеансы в разделе «Профиль».',
    },
    en: {
      subject: 'Sign-in from a new device',
      text: 'Someone signed in to your cabinet from a new device: {device}, address {ip}, {when}. If it was not you, change the password and end the other sessions under "Profile".',
    },
  },
  totp_changed: {
    ru: {
      subject: 'Вход с кодом: изменения',
      text: 'Вход с кодом из приложения-аутентификатора {change}. Если это сделали не вы, сразу смените пароль и сообщите {whom}.',
    },
    en: {
      subject: 'Two-factor sign-in changed',
      text: 'Sign-in with a code from an authenticator app was {change}. If it was not you, change your password at once and tell {whom}.',
    },
  },
  staff_password_link: {
    ru: {
      subject: 'Смена пароля в Абоненте',
      text: 'Администратор {admin} попросил вас задать новый пароль для входа в бэк-офис. Ссылка действует {hours|час|часа|часов} и работает один раз: {link}. Если вы не ждали это письмо, сообщите администратору.',
    },
    en: {
      subject: 'Set your Abonent password',
      text: 'Administrator {admin} asks you to set a new password for the back office. The link works once within {hours|hour|hours}: {link}. If you did not expect this, tell an administrator.',
    },
  },
  blocked: {
    ru: {
      subject: 'Доступ приостановлен',
      text: 'Средств на лицевом счёте {account} недостаточно, доступ в интернет приостановлен. Пополните счёт на {amount}, и доступ восстановится сразу.',
    },
    en: {
      subject: 'Service suspended',
      text: 'Account {account} is out of funds and internet access is suspended. Top up {amount} and it comes back at once.',
    },
  },
  payment_credited: {
    ru: {
      subject: 'Платёж зачислен',
      text: 'Платёж {amount} зачислен на лицевой счёт {account}. Баланс: {balance}.{extra}',
    },
    en: {
      subject: 'Payment received',
      text: 'Payment of {amount} is credited to account {account}. Balance: {balance}.{extra}',
    },
  },
  // Only money the subscriber paid in is a "payment" (docs/notifications.md, "Money notices"); the rest
  // is told as what it is.
  balance_corrected: {
    ru: {
      subject: 'Баланс скорректирован',
      text: 'Баланс лицевого счёта {account} скорректирован: {amount}. Баланс: {balance}.{extra}',
    },
    en: {
      subject: 'Balance corrected',
      text: 'The balance of account {account} was corrected: {amount}. Balance: {balance}.{extra}',
    },
  },
  compensation_credited: {
    ru: {
      subject: 'Начислена компенсация',
      text: 'На лицевой счёт {account} начислена компенсация {amount}. Баланс: {balance}.{extra}',
    },
    en: {
      subject: 'Compensation credited',
      text: 'Compensation of {amount} is credited to account {account}. Balance: {balance}.{extra}',
    },
  },
  refund_reversed: {
    ru: {
      subject: 'Возврат на карту не выполнен',
      text: 'Вернуть {amount} на карту не удалось: деньги остались на лицевом счёте {account}. Баланс: {balance}.{extra}',
    },
    en: {
      subject: 'Card refund failed',
      text: 'The refund of {amount} to your card did not go through: the money stays on account {account}. Balance: {balance}.{extra}',
    },
  },
  unblocked: {
    // Not "payment received": a promised payment, a correction or a compensation restores service too.
    ru: { subject: 'Доступ восстановлен', text: 'Доступ в интернет по лицевому счёту {account} восстановлен.' },
    en: { subject: 'Service restored', text: 'Internet access for account {account} is restored.' },
  },
  low_balance: {
    ru: {
      subject: 'Скоро закончатся средства',
      text: 'Средств на лицевом счёте {account} хватит на {days|день|дня|дней}. Пополните счёт, чтобы не остаться без интернета.',
    },
    en: {
      subject: 'Balance running low',
      text: 'Account {account} has enough for {days|day|days}. Top up to stay online.',
    },
  },
  low_balance_tomorrow: {
    ru: {
      subject: 'Завтра доступ будет приостановлен',
      text: 'Средств на лицевом счёте {account} не хватит на завтрашнее списание абонентской платы. Пополните счёт сегодня, чтобы не остаться без интернета.',
    },
    en: {
      subject: 'Service stops tomorrow',
      text: "Account {account} does not have enough for tomorrow's fee. Top up today to stay online.",
    },
  },
  suspension_approved: {
    ru: {
      subject: 'Добровольная блокировка одобрена',
      text: 'Заявка одобрена: доступ будет приостановлен с {from} по {to} включительно и восстановится автоматически. Завершить блокировку раньше можно в личном кабинете.',
    },
    en: {
      subject: 'Voluntary suspension approved',
      text: 'Approved: service will be suspended from {from} to {to} inclusive and will come back by itself. You can end it early in your cabinet.',
    },
  },
  suspension_refused: {
    ru: {
      subject: 'Заявка на блокировку отклонена',
      text: 'Заявка на добровольную блокировку с {from} по {to} отклонена: {reason}',
    },
    en: {
      subject: 'Suspension request refused',
      text: 'Your voluntary suspension request for {from} to {to} was refused: {reason}',
    },
  },
  suspended: {
    ru: {
      subject: 'Доступ приостановлен по вашей заявке',
      text: 'По лицевому счёту {account} действует добровольная блокировка до {to} включительно. Абонентская плата не начисляется. Завершить блокировку раньше можно в личном кабинете.',
    },
    en: {
      subject: 'Service suspended at your request',
      text: 'Account {account} is voluntarily suspended until {to} inclusive. No subscription fee is charged. You can end it early in your cabinet.',
    },
  },
  resumed: {
    ru: {
      subject: 'Добровольная блокировка завершена',
      text: 'Добровольная блокировка по лицевому счёту {account} завершена, услуги снова оказываются.',
    },
    en: {
      subject: 'Suspension over',
      text: 'The voluntary suspension of account {account} is over; service is back.',
    },
  },
  tariff_changed: {
    ru: { subject: 'Тариф изменён', text: 'По лицевому счёту {account} действует тарифный план «{tariff}».' },
    en: { subject: 'Tariff plan changed', text: 'Account {account} is now on the "{tariff}" plan.' },
  },
  terminated: {
    ru: {
      subject: 'Договор расторгнут',
      text: 'Договор по лицевому счёту {account} расторгнут {date}. Спасибо, что были с нами.',
    },
    en: {
      subject: 'Contract terminated',
      text: 'The contract for account {account} was terminated on {date}. Thank you.',
    },
  },
  mobile_connected: {
    ru: {
      subject: 'Мобильный интернет подключён',
      text: 'По вашей заявке подключён мобильный интернет{package}. Оплата — с лицевого счёта {account}.',
    },
    en: {
      subject: 'Mobile internet connected',
      text: 'Mobile internet{package} is connected as you asked. It is paid from account {account}.',
    },
  },
  mobile_refused: {
    ru: { subject: 'Заявка на мобильный интернет', text: 'Подключить мобильный интернет не получилось: {reason}' },
    en: { subject: 'Mobile internet request', text: 'We could not connect mobile internet: {reason}' },
  },
  password_changed: {
    ru: {
      subject: 'Пароль изменён',
      text: 'Пароль от личного кабинета изменён. Если это были не вы, позвоните в поддержку.',
    },
    en: { subject: 'Password changed', text: 'Your cabinet password was changed. If it was not you, call support.' },
  },
  autopay_notice: {
    ru: {
      subject: 'Скоро автоплатёж',
      text: '{date} с карты {card} будет списано {amount} для пополнения лицевого счёта {account}. Отменить автоплатёж: {link}',
    },
    en: {
      subject: 'Autopay coming up',
      text: 'On {date}, {amount} will be charged to card {card} to top up account {account}. Cancel autopay: {link}',
    },
  },
  autopay_failed: {
    ru: {
      subject: 'Автоплатёж не прошёл',
      text: 'Не удалось списать {amount} с карты {card}: {reason}. Повторим попытку позже. Настройки: {link}',
    },
    en: {
      subject: 'Autopay failed',
      text: 'We could not charge {amount} to card {card}: {reason}. We will try again later. Settings: {link}',
    },
  },
  autopay_relink: {
    ru: {
      subject: 'Привяжите карту заново',
      text: 'Автоплатёж по лицевому счёту {account} отключён: {reason}. Карта {card} больше не используется. Чтобы пополнять счёт автоматически, оплатите один раз с отметкой «Сохранить карту» и включите автоплатёж: {link}',
    },
    en: {
      subject: 'Please link your card again',
      text: 'Autopay for account {account} is turned off: {reason}. Card {card} is no longer used. To top up automatically, pay once with “Save card” ticked and turn autopay on: {link}',
    },
  },
  autopay_declined: {
    ru: {
      subject: 'Автоплатёж приостановлен',
      text: 'Банк отклонил списание {amount} с карты {card}: {reason}. Автоплатёж отключён; когда банк разрешит списание, включите его снова: {link}',
    },
    en: {
      subject: 'Autopay paused',
      text: 'The bank declined the charge of {amount} to card {card}: {reason}. Autopay is off; once the bank allows the charge, turn it on again: {link}',
    },
  },
  autopay_disabled: {
    ru: {
      subject: 'Автоплатёж отключён',
      text: 'Автоплатёж по лицевому счёту {account} отключён: {reason}. Настройки: {link}',
    },
    en: {
      subject: 'Autopay turned off',
      text: 'Autopay for account {account} is turned off: {reason}. Settings: {link}',
    },
  },
  import_welcome: {
    ru: {
      subject: 'Ваш личный кабинет',
      text: 'Мы перешли на новую систему, договор и баланс сохранены. Личный кабинет: {link}, логин {contract}, пароль {password} (при входе задайте свой). Настройки роутера менять не нужно.',
    },
    en: {
      subject: 'Your personal account',
      text: 'We have moved to a new system; your contract and balance are kept. Sign in at {link}, login {contract}, password {password} (set your own when you sign in). No router settings change.',
    },
  },
  support_reply: {
    ru: {
      subject: 'Ответ на обращение № {ticket}',
      text: 'Служба поддержки ответила на ваше обращение «{subject}». Прочитать и ответить: {link}',
    },
    en: {
      subject: 'Reply to ticket No. {ticket}',
      text: 'Support replied to your ticket “{subject}”. Read and reply: {link}',
    },
  },
  staff_message: {
    ru: { subject: '{subject}', text: '{text}' },
    en: { subject: '{subject}', text: '{text}' },
  },
  staff_blocked: {
    ru: {
      subject: 'Доступ приостановлен',
      text: 'Доступ в интернет по лицевому счёту {account} приостановлен оператором{reason}. Вопросы можно задать в службе поддержки.',
    },
    en: {
      subject: 'Service suspended',
      text: 'Internet access for account {account} has been suspended by the operator{reason}. Contact support with any questions.',
    },
  },
  staff_unblocked: {
    ru: { subject: 'Доступ восстановлен', text: 'Доступ в интернет по лицевому счёту {account} восстановлен.' },
    en: { subject: 'Service restored', text: 'Internet access for account {account} is restored.' },
  },
  outage: {
    ru: {
      subject: 'Авария: {title}',
      text: 'В вашем районе авария: {title}. {description}Ориентировочное время восстановления — {end}. Приносим извинения за неудобства.',
    },
    en: {
      subject: 'Outage: {title}',
      text: 'There is an outage in your area: {title}. {description}Service is expected back by {end}. We apologise for the inconvenience.',
    },
  },
  outage_update: {
    ru: {
      subject: 'Авария: восстановление переносится',
      text: 'Работы по аварии «{title}» продолжаются. Новое ориентировочное время восстановления — {end}. Приносим извинения.',
    },
    en: {
      subject: 'Outage: repair takes longer',
      text: 'Work on the outage "{title}" continues. Service is now expected back by {end}. We apologise.',
    },
  },
} satisfies Record<string, Texts>;

export type TemplateCode = keyof typeof TEMPLATES;

/**
 * Which notice type each template is (the subscriber chooses channels per type: common/notice-types.ts),
 * or `direct`: a code sent to one address whatever the settings say. A new template does not compile
 * until it is placed here.
 */
export const NOTICE_TYPE_OF: Record<TemplateCode, NoticeType | 'direct'> = {
  recovery_code: 'direct',
  contact_code: 'direct',
  recovery_held: 'direct',
  staff_password_link: 'direct',
  import_welcome: 'direct',
  contact_changed: 'security',
  new_device_sign_in: 'security',
  totp_changed: 'security',
  blocked: 'balance',
  unblocked: 'balance',
  low_balance: 'balance',
  low_balance_tomorrow: 'balance',
  payment_credited: 'payments',
  balance_corrected: 'payments',
  compensation_credited: 'payments',
  refund_reversed: 'payments',
  autopay_notice: 'payments',
  autopay_failed: 'payments',
  autopay_disabled: 'payments',
  autopay_relink: 'payments',
  autopay_declined: 'payments',
  support_reply: 'support',
  suspension_approved: 'services',
  suspension_refused: 'services',
  suspended: 'services',
  resumed: 'services',
  tariff_changed: 'services',
  terminated: 'services',
  mobile_connected: 'services',
  mobile_refused: 'services',
  password_changed: 'security',
  staff_message: 'services',
  staff_blocked: 'services',
  staff_unblocked: 'services',
  outage: 'services',
  outage_update: 'services',
};

/**
 * What a messenger chat gets instead of the text, where it can carry more than an SMS: the support
 * answer itself (with a reply button and its files, deliver-to-messenger.ts) instead of a link to it.
 */
export const MESSENGER_TEXTS: Partial<Record<TemplateCode, Record<Lang, string>>> = {
  support_reply: {
    ru: 'Ответ поддержки по обращению № {ticket} «{subject}»:\n\n{answer}',
    en: 'Support answered ticket No. {ticket} “{subject}”:\n\n{answer}',
  },
};

/** A template parameter: the same in every language, or one text per language (a plan's name). */
export type TemplateParam = string | number | Record<Lang, string>;

const pluralRules: Record<Lang, Intl.PluralRules> = { ru: new Intl.PluralRules('ru'), en: new Intl.PluralRules('en') };
/** Which of a placeholder's word forms goes with a number: ru one|few|many (день|дня|дней), en one|other. */
const formIndex: Record<Lang, Partial<Record<Intl.LDMLPluralRule, number>>> = {
  ru: { one: 0, few: 1, many: 2, other: 1 },
  en: { one: 0, other: 1 },
};

/**
 * Fills `{param}` from params; `{param|form|form…}` writes the number with the word form its language
 * needs ("2 дня", "5 дней", "1 day"). A parameter given per language ({ru, en}) takes the reader's.
 */
export function render(
  code: TemplateCode,
  lang: Lang,
  params: Record<string, TemplateParam>,
  opts: { messenger?: boolean } = {},
) {
  const base = TEMPLATES[code][lang];
  const messenger = opts.messenger ? MESSENGER_TEXTS[code]?.[lang] : undefined;
  const t = messenger ? { subject: base.subject, text: messenger } : base;
  const fill = (s: string) =>
    s
      .replace(/\{(\w+)(?:\|([^}]*))?\}/g, (_, k: string, forms: string | undefined) => {
        const p = params[k];
        const value = p === undefined ? '' : typeof p === 'object' ? p[lang] : p;
        if (forms === undefined) return String(value);
        const words = forms.split('|');
        const n = Number(value);
        return `${value} ${words[formIndex[lang][pluralRules[lang].select(n)] ?? words.length - 1] ?? ''}`;
      })
      .trim();
  return { subject: fill(t.subject), text: fill(t.text) };
}
