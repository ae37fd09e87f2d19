/**
 * One error type for the whole system. A use-case throws `new AppError('account_not_found', {...})`;
 * the HTTP layer maps the code to a status and a message in the caller's language; the CLI prints
 * the message on one line. Add a code here, with its status and both messages, before using it.
 */
export type Lang = 'ru' | 'en';

interface ErrorDef {
  status: number;
  ru: string;
  en: string;
}

export const ERRORS = {
  validation_failed: { status: 400, ru: 'Неверные данные: {details}', en: 'Invalid input: {details}' },
  payload_too_large: {
    status: 413,
    ru: 'Слишком большой запрос',
    en: 'The request is too large',
  },
  unsupported_media_type: {
    status: 415,
    ru: 'Неподдерживаемый формат тела запроса (Content-Type)',
    en: 'Unsupported request body format (Content-Type)',
  },
  bad_date: { status: 400, ru: 'Неверная дата: {value}', en: 'Invalid date: {value}' },
  bad_period: {
    status: 400,
    ru: 'Неверный период: начало должно быть не позже конца, не более {max} дней',
    en: 'Invalid period: the start must not be after the end, at most {max} days',
  },
  bad_amount: {
    status: 400,
    ru: 'Неверная сумма: нужна положительная сумма в рублях не больше {max} ₽, не более двух знаков после запятой',
    en: 'Invalid amount: a positive amount in rubles up to {max} ₽ with at most two decimals is required',
  },
  not_found: { status: 404, ru: 'Не найдено', en: 'Not found' },
  route_not_found: { status: 404, ru: 'Нет такого адреса API', en: 'No such API route' },
  account_not_found: {
    status: 404,
    ru: 'Лицевой счёт {account} не найден',
    en: 'Personal account {account} not found',
  },
  account_terminated: {
    status: 409,
    ru: 'Договор по лицевому счёту расторгнут',
    en: 'The contract for this personal account is terminated',
  },
  region_not_found: { status: 404, ru: 'Регион не найден', en: 'Region not found' },
  tariff_not_found: { status: 404, ru: 'Тарифный план не найден', en: 'Tariff plan not found' },
  tariff_not_available: {
    status: 409,
    ru: 'Тарифный план недоступен в вашем регионе',
    en: 'This tariff plan is not available in your region',
  },
  service_not_found: { status: 404, ru: 'Услуга не найдена', en: 'Service not found' },
  contract_document_expired: {
    status: 410,
    ru: 'Файл договора хранится {hours} ч после подписания и уже удалён; новый пароль выдаётся через восстановление',
    en: 'The contract file is kept for {hours} h after signing and has been deleted; issue a new password via recovery',
  },
  agent_not_found: { status: 404, ru: 'Платёжный агент {code} не найден', en: 'Payment agent {code} not found' },
  agent_code_taken: { status: 409, ru: 'Код агента {code} уже занят', en: 'Agent code {code} is already taken' },
  bad_registry: {
    status: 400,
    ru: 'Неверный реестр агента, строка {line}: {details}',
    en: 'Invalid agent registry, line {line}: {details}',
  },
  refund_exceeds_balance: {
    status: 409,
    ru: 'Возврат больше доступного остатка на счёте ({available} ₽)',
    en: 'The refund exceeds the money on the balance ({available} ₽)',
  },
  reason_required: { status: 400, ru: 'Укажите причину', en: 'A reason is required' },
  payment_provider_unavailable: {
    status: 409,
    ru: 'Оплата картой сейчас недоступна в вашем регионе',
    en: 'Card payments are not available in your region right now',
  },
  payment_not_found: { status: 404, ru: 'Платёж не найден', en: 'Payment not found' },
  receipt_vat_mismatch: {
    status: 400,
    ru: 'НДС «{vat}» не подходит к системе налогообложения «{sno}»: на общей системе чек без НДС не выдаётся',
    en: 'VAT "{vat}" does not fit the tax system "{sno}": on the general system a receipt cannot be without VAT',
  },
  job_not_found: { status: 404, ru: 'Задача не найдена', en: 'Job not found' },
  job_not_retryable: {
    status: 409,
    ru: 'Повторить можно только остановленную задачу',
    en: 'Only a job that gave up can be retried',
  },
  receipt_not_retryable: {
    status: 409,
    ru: 'Чек уже пробит или уже отправляется',
    en: 'The receipt is done or already being sent',
  },
  payment_not_refundable: {
    status: 409,
    ru: 'Вернуть на карту можно только успешный платёж картой',
    en: 'Only a succeeded card payment can be refunded to the card',
  },
  refund_exceeds_payment: {
    status: 409,
    ru: 'Возврат больше невозвращённой части платежа ({available} ₽)',
    en: 'The refund exceeds what is left of the payment ({available} ₽)',
  },
  bad_months: { status: 400, ru: 'Число месяцев: от 1 до 12', en: 'Number of months: from 1 to 12' },
  no_monthly_fee: {
    status: 409,
    ru: 'У лицевого счёта нет абонентской платы, оплатите произвольную сумму',
    en: 'This account has no monthly fee; pay an amount instead',
  },
  bad_signature: { status: 401, ru: 'Неверная подпись уведомления', en: 'Invalid notification signature' },
  card_not_found: { status: 404, ru: 'Сохранённая карта не найдена', en: 'Saved card not found' },
  promised_unavailable: {
    status: 409,
    ru: 'Обещанный платёж недоступен: {reason}',
    en: 'Promised payment is not available: {reason}',
  },
  promised_too_much: {
    status: 400,
    ru: 'Обещанный платёж не больше {max} ₽',
    en: 'A promised payment is at most {max} ₽',
  },
  idempotency_conflict: {
    status: 409,
    ru: 'Ключ идемпотентности уже использован для другой операции',
    en: 'The idempotency key was already used for a different operation',
  },
  billing_future_date: {
    status: 400,
    ru: 'Нельзя списать абонентскую плату за будущий день {date}',
    en: 'Cannot charge for a future day {date}',
  },
  billing_catch_up_too_long: {
    status: 400,
    ru: 'Слишком длинный период досписания: с {from} по {until} (не более {max} дней за раз)',
    en: 'Catch-up period too long: {from} to {until} (at most {max} days at once)',
  },
  billing_busy: {
    status: 409,
    ru: 'Списание по региону {region} уже выполняется другим процессом; повторите позже',
    en: 'Billing of region {region} is being run by another process; try again later',
  },
  billing_out_of_order: {
    status: 409,
    ru: 'День {day} региона {region} нельзя списать: предыдущий день не завершён',
    en: 'Day {day} of region {region} cannot be charged: the day before it is not finished',
  },
  unauthorized: { status: 401, ru: 'Требуется вход', en: 'Sign-in required' },
  forbidden: { status: 403, ru: 'Недостаточно прав', en: 'Not allowed' },
  invalid_credentials: {
    status: 401,
    ru: 'Неверный номер договора или пароль',
    en: 'Wrong contract number or password',
  },
  invalid_staff_credentials: { status: 401, ru: 'Неверный e-mail или пароль', en: 'Wrong e-mail or password' },
  totp_required: {
    status: 401,
    ru: 'Введите код из приложения-аутентификатора',
    en: 'Enter the code from your authenticator app',
  },
  totp_invalid: { status: 401, ru: 'Неверный код подтверждения', en: 'Wrong confirmation code' },
  wrong_current_password: { status: 400, ru: 'Текущий пароль указан неверно', en: 'The current password is wrong' },
  weak_password: {
    status: 400,
    ru: 'Пароль слишком простой: {problems}',
    en: 'The password is too weak: {problems}',
  },
  recovery_code_invalid: {
    status: 400,
    ru: 'Код неверный или устарел. Запросите новый код',
    en: 'The code is wrong or has expired. Request a new one',
  },
  contact_code_invalid: {
    status: 400,
    ru: 'Код подтверждения неверный или устарел',
    en: 'The confirmation code is wrong or has expired',
  },
  session_not_found: { status: 404, ru: 'Сеанс не найден', en: 'Session not found' },
  password_change_required: {
    status: 403,
    ru: 'Сначала задайте новый пароль вместо выданного с договором',
    en: 'Set a new password in place of the one issued with the contract first',
  },
  rate_limited: {
    status: 429,
    ru: 'Слишком много попыток. Повторите через {retryAfter} с',
    en: 'Too many attempts. Try again in {retryAfter} s',
  },
  conflict: { status: 409, ru: 'Конфликт: {details}', en: 'Conflict: {details}' },
  internal: { status: 500, ru: 'Внутренняя ошибка. Мы уже разбираемся', en: 'Internal error. We are looking into it' },
} satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

export function errorMessage(code: ErrorCode, params: Record<string, unknown> = {}, lang: Lang = 'ru'): string {
  const template = ERRORS[code][lang];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in params)) return `{${k}}`;
    const v = params[k];
    // A parameter may carry its own translations: { ru: '…', en: '…' }.
    if (v && typeof v === 'object' && lang in v) return String((v as Record<Lang, unknown>)[lang]);
    return String(v);
  });
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
  ) {
    super(errorMessage(code, params, 'en'));
    this.name = 'AppError';
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
