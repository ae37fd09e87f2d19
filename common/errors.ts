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
  region_code_taken: {
    status: 409,
    ru: 'Регион с кодом «{code}» уже есть',
    en: 'A region with code "{code}" already exists',
  },
  contract_prefix_taken: {
    status: 409,
    ru: 'Префикс номеров договоров {prefix} уже занят другим регионом',
    en: 'Contract number prefix {prefix} is already used by another region',
  },
  region_time_zone_locked: {
    status: 409,
    ru: 'Часовой пояс нельзя изменить: в регионе уже есть договоры, их расчётные дни считаются по нему',
    en: 'The time zone cannot change: the region has contracts, and their billing days are counted in it',
  },
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
  sbp_unavailable: {
    status: 409,
    ru: 'Оплата через СБП сейчас недоступна в вашем регионе',
    en: 'Paying by SBP is not available in your region right now',
  },
  sbp_amount_limit: {
    status: 400,
    ru: 'Через СБП можно оплатить от {min} до {max} ₽ за раз',
    en: 'An SBP payment can be from {min} to {max} ₽',
  },
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
  webhook_source_refused: {
    status: 403,
    ru: 'Уведомления принимаются только из сетей платёжного сервиса',
    en: 'Notifications are accepted only from the payment provider’s networks',
  },
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
  ticket_not_found: { status: 404, ru: 'Обращение не найдено', en: 'Ticket not found' },
  attachment_not_found: { status: 404, ru: 'Файл не найден', en: 'File not found' },
  support_category_not_found: {
    status: 404,
    ru: 'Такой темы обращения нет в вашем регионе',
    en: 'There is no such topic in your region',
  },
  ticket_closed: {
    status: 409,
    ru: 'Обращение закрыто. Откройте его снова, чтобы написать',
    en: 'The ticket is closed. Reopen it to write',
  },
  ticket_status_invalid: {
    status: 409,
    ru: 'Нельзя перевести обращение из состояния «{from}» в «{to}»',
    en: 'The ticket cannot go from “{from}” to “{to}”',
  },
  ticket_reopen_expired: {
    status: 409,
    ru: 'Обращение закрыто больше {days} дней назад. Напишите новое',
    en: 'The ticket was closed more than {days} days ago. Write a new one',
  },
  message_empty: { status: 400, ru: 'Напишите текст сообщения', en: 'Write the message text' },
  attachment_too_large: {
    status: 413,
    ru: 'Файл больше {max} МБ',
    en: 'The file is larger than {max} MB',
  },
  attachment_type: {
    status: 415,
    ru: 'Можно приложить только фотографию (JPEG, PNG, WebP) или PDF',
    en: 'Only a photo (JPEG, PNG, WebP) or a PDF can be attached',
  },
  attachment_unreadable: {
    status: 400,
    ru: 'Файл повреждён или не читается',
    en: 'The file is damaged or cannot be read',
  },
  too_many_attachments: {
    status: 400,
    ru: 'Не больше {max} файлов в одном сообщении',
    en: 'At most {max} files per message',
  },
  too_many_uploads: {
    status: 429,
    ru: 'Слишком много загруженных файлов. Отправьте сообщение или подождите',
    en: 'Too many uploaded files. Send the message or wait',
  },
  upload_quota: {
    status: 429,
    ru: 'Загружено слишком много за сутки: не больше {max} МБ. Продолжите завтра',
    en: 'Too much uploaded today: at most {max} MB a day. Continue tomorrow',
  },
  ticket_files_quota: {
    status: 413,
    ru: 'В обращении уже файлов почти на {max} МБ: эти файлы не поместятся',
    en: 'This ticket already holds nearly {max} MB of files: these files do not fit',
  },
  storage_full: {
    status: 507,
    ru: 'Сейчас сервер не может принять файл (мало места). Попробуйте позже или напишите без файла',
    en: 'The server cannot take files right now (low on space). Try later or write without a file',
  },
  uploads_busy: {
    status: 503,
    ru: 'Сервер сейчас обрабатывает много изображений. Повторите через минуту',
    en: 'The server is processing many images right now. Try again in a minute',
  },
  not_a_claim: { status: 409, ru: 'Это обращение — не претензия', en: 'This ticket is not a formal claim' },
  assignee_invalid: {
    status: 400,
    ru: 'Назначить можно только сотрудника поддержки',
    en: 'Only support staff can be assigned',
  },
  tariff_archived: {
    status: 409,
    ru: 'Тарифный план в архиве: подключить его нельзя',
    en: 'This tariff plan is archived and cannot be chosen',
  },
  tariff_same: { status: 409, ru: 'Этот тарифный план уже подключён', en: 'You are already on this tariff plan' },
  blocked_for_debt: {
    status: 409,
    ru: 'Доступ приостановлен из-за долга: сначала пополните счёт',
    en: 'Service is blocked for debt: top up first',
  },
  addon_not_available: {
    status: 409,
    ru: 'Эта услуга недоступна в вашем регионе',
    en: 'This service is not available in your region',
  },
  addon_already_connected: { status: 409, ru: 'Услуга уже подключена', en: 'This service is already connected' },
  addon_not_connected: { status: 404, ru: 'Услуга не подключена', en: 'This service is not connected' },
  ip_pool_empty: {
    status: 409,
    ru: 'Свободных статических IP-адресов в регионе сейчас нет. Мы расширяем пул — попробуйте позже или позвоните на горячую линию',
    en: 'There are no free static IP addresses in your region right now. Try later or call the hotline',
  },
  bad_ip_range: {
    status: 400,
    ru: 'Неверный диапазон адресов: нужна сеть IPv4 вида 203.0.113.0/28, не больше {max} адресов',
    en: 'Invalid address range: an IPv4 network like 203.0.113.0/28 with at most {max} addresses is required',
  },
  suspension_bad_dates: {
    status: 400,
    ru: 'Блокировка начинается не раньше завтрашнего дня и не позже чем через {ahead} дн., длится от {min} до {max} дн.',
    en: 'A suspension starts no earlier than tomorrow and within {ahead} days, and lasts {min} to {max} days',
  },
  suspension_overlap: {
    status: 409,
    ru: 'Даты пересекаются с другой заявкой на блокировку ({from} — {to})',
    en: 'The dates overlap another suspension ({from} to {to})',
  },
  suspension_not_found: { status: 404, ru: 'Заявка на блокировку не найдена', en: 'Suspension not found' },
  suspension_wrong_state: {
    status: 409,
    ru: 'С заявкой в состоянии «{state}» так сделать нельзя',
    en: 'This cannot be done with a suspension that is {state}',
  },
  suspension_period_passed: {
    status: 409,
    ru: 'Период блокировки уже прошёл: откажите в заявке, абонент может подать новую',
    en: 'The suspension period has passed: refuse it, the subscriber may apply again',
  },
  office_not_found: { status: 404, ru: 'Офис не найден', en: 'Office not found' },
  visit_bad_time: {
    status: 400,
    ru: 'Выберите день с завтрашнего по {last} и время с 09:00 до 20:00',
    en: 'Choose a day from tomorrow to {last} and a time from 09:00 to 20:00',
  },
  visit_not_found: { status: 404, ru: 'Запись на визит не найдена', en: 'Visit not found' },
  visit_exists: {
    status: 409,
    ru: 'Вы уже записаны на визит {date} — отмените запись, чтобы выбрать другое время',
    en: 'You already have a visit on {date}: cancel it to choose another time',
  },
  termination_debt: {
    status: 409,
    ru: 'На счёте долг {amount} ₽: примите оплату долга, затем расторгайте договор',
    en: 'The account owes {amount} ₽: take the payment first, then terminate',
  },
  termination_day_not_charged: {
    status: 409,
    ru: 'Абонентская плата за сегодня ещё не списана. Повторите через несколько минут',
    en: "Today's charge has not run yet. Try again in a few minutes",
  },
  termination_card_insufficient: {
    status: 409,
    ru: 'На карту можно вернуть только {available} ₽ (платежи картой). Верните остаток наличными',
    en: 'Only {available} ₽ can go back to cards (card payments). Refund in cash instead',
  },
  termination_refund_mismatch: {
    status: 400,
    ru: 'Остаток на счёте {amount} ₽: выберите способ возврата',
    en: 'The balance is {amount} ₽: choose how to refund it',
  },
  mobile_request_exists: {
    status: 409,
    ru: 'Ваша заявка уже принята, мы позвоним в удобное время. Отмените её, чтобы оставить новую',
    en: 'Your request is already with us and we will call you. Cancel it to leave a new one',
  },
  bad_phone: { status: 400, ru: 'Укажите телефон: 10–15 цифр', en: 'Enter a phone number: 10–15 digits' },
  mobile_request_not_found: { status: 404, ru: 'Заявка не найдена', en: 'Request not found' },
  mobile_request_closed: {
    status: 409,
    ru: 'Заявка уже закрыта',
    en: 'The request is already closed',
  },
  promotion_not_found: { status: 404, ru: 'Акция не найдена', en: 'Promotion not found' },
  promotion_not_eligible: {
    status: 409,
    ru: 'Участие в акции недоступно: {reason}',
    en: 'You cannot take part in this promotion: {reason}',
  },
  promotion_bad: { status: 400, ru: 'Неверные условия акции: {details}', en: 'Invalid promotion: {details}' },
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
  contract_terminated_login: {
    status: 403,
    ru: 'Договор расторгнут, вход в личный кабинет закрыт. Вопросы — по телефону горячей линии',
    en: 'The contract is terminated and the cabinet is closed. Call the hotline with any questions',
  },
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
  totp_setup_required: {
    status: 403,
    ru: 'Для вашей роли вход только с кодом из приложения-аутентификатора: сначала подключите его',
    en: 'Your role signs in with a code from an authenticator app: set it up first',
  },
  totp_required_by_role: {
    status: 409,
    ru: 'Для вашей роли вход с кодом обязателен, отключить его нельзя',
    en: 'Your role must sign in with a code; it cannot be turned off',
  },
  totp_not_enabled: { status: 409, ru: 'Вход с кодом не подключён', en: 'Two-factor sign-in is not on' },
  staff_password_change_required: {
    status: 403,
    ru: 'Сначала задайте свой пароль вместо выданного администратором',
    en: 'Set your own password in place of the one the administrator gave you first',
  },
  staff_reset_link_invalid: {
    status: 400,
    ru: 'Ссылка для смены пароля неверна, устарела или уже использована. Попросите администратора прислать новую',
    en: 'The password link is wrong, has expired or was used. Ask an administrator for a new one',
  },
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
  ledger_archive_too_recent: {
    status: 409,
    ru: 'Архивировать можно только месяцы до {latest}: последние {months} мес. остаются в журнале (запрошено до {before})',
    en: 'Only months before {latest} can be archived: the last {months} months stay in the ledger (asked: before {before})',
  },
  ledger_checkpoint_missing: {
    status: 409,
    ru: 'Нет проверенной контрольной точки журнала на {day}: сначала выполните abonent ledger checkpoint',
    en: 'No verified ledger checkpoint at {day}: run abonent ledger checkpoint first',
  },
  not_ready: {
    status: 503,
    ru: 'Сервер не готов принимать запросы, повторите позже',
    en: 'The server is not ready for requests, try again later',
  },
  radius_unauthorized: {
    status: 403,
    ru: 'Запрос RADIUS без верного ключа или не с разрешённого адреса',
    en: 'RADIUS request without the right key or from an address not allowed',
  },
  nas_not_found: { status: 404, ru: 'NAS не найден', en: 'NAS not found' },
  nas_address_taken: {
    status: 409,
    ru: 'NAS с адресом {address} уже есть в реестре',
    en: 'A NAS with address {address} is already registered',
  },
  network_value_taken: {
    status: 409,
    ru: '{field} уже назначен другому лицевому счёту',
    en: '{field} is already assigned to another personal account',
  },
  bad_network_value: {
    status: 400,
    ru: 'Неверное значение поля «{field}»',
    en: 'Invalid value of “{field}”',
  },
  network_access_not_found: {
    status: 404,
    ru: 'У лицевого счёта нет доступа в сеть',
    en: 'This personal account has no network access',
  },
  coa_escalation_not_found: {
    status: 404,
    ru: 'Такой задачи для сотрудников нет или она уже решена',
    en: 'No such open item for staff, or it is resolved already',
  },
  session_not_online: {
    status: 409,
    ru: 'Сеанс уже завершён',
    en: 'The session has already ended',
  },
  session_nas_unknown: {
    status: 409,
    ru: 'NAS этого сеанса нет в реестре: отключить его отсюда нельзя',
    en: 'The session’s NAS is not in the registry: it cannot be disconnected from here',
  },
  bulk_not_found: { status: 404, ru: 'Массовая операция не найдена', en: 'Bulk operation not found' },
  bulk_empty: {
    status: 409,
    ru: 'Выборка пуста: операцию не над кем выполнять',
    en: 'The selection is empty: there is nobody to run the operation on',
  },
  bulk_preview_changed: {
    status: 409,
    ru: 'Выборка изменилась после предпросмотра: теперь {accounts} абонентов, сумма {amount} коп. Проверьте предпросмотр ещё раз',
    en: 'The selection changed since the preview: now {accounts} subscribers, {amount} kopecks. Check the preview again',
  },
  bulk_key_taken: {
    status: 409,
    ru: 'Операция с этим идентификатором уже создана с другими параметрами',
    en: 'An operation with this id was already created with other parameters',
  },
  bulk_finished: {
    status: 409,
    ru: 'Операция уже завершена',
    en: 'The operation has already finished',
  },
  bulk_no_fee: {
    status: 409,
    ru: 'Абонентская плата не начисляется: компенсировать нечего',
    en: 'No subscription fee: nothing to compensate',
  },
  bulk_already_suspended: {
    status: 409,
    ru: 'Доступ уже приостановлен',
    en: 'Service is already suspended',
  },
  bulk_not_suspended: {
    status: 409,
    ru: 'Доступ не приостановлен: возобновлять нечего',
    en: 'Service is not suspended: nothing to resume',
  },
  bulk_voluntary_suspension: {
    status: 409,
    ru: 'Действует добровольная блокировка абонента: она закончится сама или по его заявке',
    en: 'A voluntary suspension is in force: it ends by itself or when the subscriber ends it',
  },
  tag_not_found: { status: 404, ru: 'Метка не найдена', en: 'Tag not found' },
  outage_not_found: { status: 404, ru: 'Авария не найдена', en: 'Outage not found' },
  outage_closed: { status: 409, ru: 'Авария уже закрыта', en: 'The outage is already closed' },
  outage_bad_times: {
    status: 400,
    ru: 'Ожидаемое окончание должно быть позже начала, окончание — не раньше начала и не в будущем',
    en: 'The expected end must be after the start; the end not before the start and not in the future',
  },
  outage_nas_region: {
    status: 400,
    ru: 'Этот NAS относится к другому региону',
    en: 'This NAS belongs to another region',
  },
  report_archived: {
    status: 400,
    ru: 'Месяцы до {month} перенесены в архив: отчёт за них строится по архивной копии журнала',
    en: 'Months before {month} are archived: report on them from the ledger archive dump',
  },
  accounting_not_configured: {
    status: 409,
    ru: 'Для выгрузки в 1С не заданы реквизиты организации: {missing} (см. docs/reports.md)',
    en: 'The organisation details for the 1C export are not set: {missing} (see docs/reports.md)',
  },
  reconciliation_channel_unknown: {
    status: 404,
    ru: 'Нет такого канала платежей: {channel}',
    en: 'No such payment channel: {channel}',
  },
  bad_provider_report: {
    status: 400,
    ru: 'Неверный файл отчёта ({format}), строка {line}: {details}',
    en: 'Invalid report file ({format}), line {line}: {details}',
  },
  reconciliation_not_found: { status: 404, ru: 'Сверка не найдена', en: 'Reconciliation not found' },
  reconciliation_item_not_found: { status: 404, ru: 'Расхождение не найдено', en: 'Difference not found' },
  reconciliation_item_resolved: {
    status: 409,
    ru: 'Расхождение уже разобрано: {status}',
    en: 'The difference has already been resolved: {status}',
  },
  reconciliation_provider_unavailable: {
    status: 502,
    ru: 'Не удалось получить данные провайдера {channel}: попробуйте позже',
    en: 'Could not read the provider {channel}: try again later',
  },
  reconciliation_action_invalid: {
    status: 409,
    ru: 'Действие «{action}» не применимо к расхождению «{kind}»',
    en: 'Action “{action}” does not apply to a “{kind}” difference',
  },
  note_required: { status: 400, ru: 'Укажите комментарий', en: 'A note is required' },
  consent_required: {
    status: 400,
    ru: 'Нужно согласие абонента на обработку персональных данных (текст версии {version})',
    en: 'The subscriber’s consent to the processing of personal data is required (text version {version})',
  },
  consent_outdated: {
    status: 409,
    ru: 'Текст согласия обновлён (версия {version}): покажите абоненту новый текст',
    en: 'The consent text has changed (version {version}): show the subscriber the new text',
  },
  consent_already_withdrawn: {
    status: 409,
    ru: 'Согласие на обработку персональных данных уже отозвано',
    en: 'The consent to the processing of personal data has already been withdrawn',
  },
  consent_not_recorded: {
    status: 409,
    ru: 'Согласие абонента не записано в системе: примите письменный отзыв в офисе и приложите к договору',
    en: 'No consent of this subscriber is recorded: take the written withdrawal at the office and file it with the contract',
  },
  consent_withdrawn: {
    status: 409,
    ru: 'Согласие на обработку персональных данных отозвано: привязка мессенджера недоступна',
    en: 'The consent to the processing of personal data was withdrawn: linking a messenger is not available',
  },
  messenger_not_configured: {
    status: 404,
    ru: 'Этот мессенджер не подключён у провайдера',
    en: 'This messenger is not set up by the provider',
  },
  messenger_link_not_found: {
    status: 404,
    ru: 'Такой привязанный чат не найден',
    en: 'No such linked chat',
  },
  messenger_bad_secret: {
    status: 401,
    ru: 'Неверный секрет вебхука',
    en: 'Wrong webhook secret',
  },
  internal: { status: 500, ru: 'Внутренняя ошибка. Мы уже разбираемся', en: 'Internal error. We are looking into it' },
  import_not_found: { status: 404, ru: 'Импорт не найден', en: 'Import not found' },
  import_busy: {
    status: 409,
    ru: 'Уже идёт другой импорт — дождитесь его окончания',
    en: 'Another import is running: wait for it to finish',
  },
  import_not_queued: {
    status: 409,
    ru: 'Этот запуск импорта уже выполнен',
    en: 'This import run has already been carried out',
  },
  import_mapping_invalid: {
    status: 400,
    ru: 'Ошибка в файле сопоставления: {details}',
    en: 'Error in the mapping file: {details}',
  },
  import_csv_invalid: { status: 400, ru: 'Файл {file}: {details}', en: 'File {file}: {details}' },
  import_source_unreachable: {
    status: 502,
    ru: 'Не удалось прочитать базу источника: {details}',
    en: 'Could not read the source database: {details}',
  },
  import_secret_required: {
    status: 400,
    ru: 'Для ABillS нужен ключ шифрования паролей ($conf{secretkey} из libexec/config.pl)',
    en: 'ABillS needs its password key ($conf{secretkey} from libexec/config.pl)',
  },
  import_ip_taken_meanwhile: {
    status: 409,
    ru: 'Адрес из пула заняли во время импорта — запустите импорт снова (уже перенесённое не повторится)',
    en: 'A pool address was taken during the import: run it again (what was written is not written twice)',
  },
  import_dry_run_required: {
    status: 409,
    ru: 'Сначала нужен пробный запуск',
    en: 'A dry run comes first',
  },
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
