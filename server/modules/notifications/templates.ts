import type { Lang } from '../../../common/errors.js';

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
  unblocked: {
    ru: {
      subject: 'Доступ восстановлен',
      text: 'Платёж получен, доступ в интернет по лицевому счёту {account} восстановлен.',
    },
    en: { subject: 'Service restored', text: 'Payment received; internet access for account {account} is restored.' },
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
      text: 'Не удалось списать {amount} с карты {card}. Повторим попытку позже. Настройки: {link}',
    },
    en: {
      subject: 'Autopay failed',
      text: 'We could not charge {amount} to card {card}. We will try again later. Settings: {link}',
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
} satisfies Record<string, Texts>;

export type TemplateCode = keyof typeof TEMPLATES;

const pluralRules: Record<Lang, Intl.PluralRules> = { ru: new Intl.PluralRules('ru'), en: new Intl.PluralRules('en') };
/** Which of a placeholder's word forms goes with a number: ru one|few|many (день|дня|дней), en one|other. */
const formIndex: Record<Lang, Partial<Record<Intl.LDMLPluralRule, number>>> = {
  ru: { one: 0, few: 1, many: 2, other: 1 },
  en: { one: 0, other: 1 },
};

/**
 * Fills `{param}` from params; `{param|form|form…}` writes the number with the word form its language
 * needs ("2 дня", "5 дней", "1 day").
 */
export function render(code: TemplateCode, lang: Lang, params: Record<string, string | number>) {
  const t = TEMPLATES[code][lang];
  const fill = (s: string) =>
    s
      .replace(/\{(\w+)(?:\|([^}]*))?\}/g, (_, k: string, forms: string | undefined) => {
        const value = params[k] ?? '';
        if (forms === undefined) return String(value);
        const words = forms.split('|');
        const n = Number(value);
        return `${value} ${words[formIndex[lang][pluralRules[lang].select(n)] ?? words.length - 1] ?? ''}`;
      })
      .trim();
  return { subject: fill(t.subject), text: fill(t.text) };
}
