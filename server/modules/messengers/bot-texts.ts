import type { Lang } from '../../../common/errors.js';
import { formatRubles } from '../../../common/money.js';

/** 2026-12-01 → 01.12.2026. */
export const day = (d: string) => d.slice(0, 10).split('-').reverse().join('.');
export const money = (kopecks: number, lang: Lang) => formatRubles(kopecks, lang);

const rules: Record<Lang, Intl.PluralRules> = { ru: new Intl.PluralRules('ru'), en: new Intl.PluralRules('en') };
/** "5 дней", "2 дня", "1 day": the number with the word form its language needs. */
export function count(n: number, lang: Lang, forms: { ru: [string, string, string]; en: [string, string] }): string {
  const r = rules[lang].select(n);
  const word = lang === 'ru' ? forms.ru[r === 'one' ? 0 : r === 'few' ? 1 : 2] : forms.en[r === 'one' ? 0 : 1];
  return `${n} ${word}`;
}
const DAYS = { ru: ['день', 'дня', 'дней'] as [string, string, string], en: ['day', 'days'] as [string, string] };
const FILES = {
  ru: ['файл', 'файла', 'файлов'] as [string, string, string],
  en: ['file', 'files'] as [string, string],
};

const STATUS: Record<string, Record<Lang, string>> = {
  active: { ru: 'услуги оказываются', en: 'service is on' },
  blocked: { ru: 'доступ приостановлен за неуплату', en: 'suspended for non-payment' },
  suspended: { ru: 'добровольная блокировка', en: 'voluntarily suspended' },
  terminated: { ru: 'договор расторгнут', en: 'contract terminated' },
};
const TICKET_STATUS: Record<string, Record<Lang, string>> = {
  new: { ru: 'новое', en: 'new' },
  in_progress: { ru: 'в работе', en: 'in progress' },
  waiting: { ru: 'ждёт вашего ответа', en: 'waiting for your answer' },
  closed: { ru: 'закрыто', en: 'closed' },
};

/** Everything the bot says, in Russian and English (the account's language; before linking, the chat's). */
export const TEXTS = {
  ru: {
    welcome:
      'Здравствуйте! Это бот вашего интернет-провайдера. Чтобы видеть баланс, пополнять счёт и писать в поддержку, подключите Telegram в личном кабинете: «Уведомления» → «Подключить Telegram».',
    openCabinet: 'Открыть личный кабинет',
    linkInvalid:
      'Ссылка недействительна или устарела. Получите новую в личном кабинете: «Уведомления» → «Подключить Telegram».',
    linkOtherPerson:
      'К этому чату уже подключены счета другого человека. Отключите их или подключите счёт в другом чате.',
    linked: (n: string) =>
      `Telegram подключён к лицевому счёту ${n}. Сюда будут приходить уведомления; какие — выберите в личном кабинете.`,
    rateLimited: 'Слишком много сообщений. Подождите минуту.',
    useButtons: 'Пользуйтесь кнопками под сообщением.',
    menuTitle: (n: string) => `Лицевой счёт ${n}`,
    menuLead: 'Что сделать?',
    balance: 'Баланс',
    topUp: 'Пополнить',
    promised: 'Обещанный платёж',
    tickets: 'Обращения',
    switchAccount: 'Сменить счёт',
    unlink: 'Отключить счёт от чата',
    menu: 'Меню',
    back: 'Назад',
    balanceLine: (m: string) => `Баланс: ${m}`,
    daysLeft: (d: number) => `Хватит на ${count(d, 'ru', DAYS)}`,
    status: (s: string) => `Статус: ${STATUS[s]?.ru ?? s}`,
    restore: (m: string) => `Чтобы доступ вернулся, пополните счёт на ${m}`,
    tariff: (name: string, fee: string) => `Тариф «${name}» — ${fee} в месяц`,
    promisedActive: (m: string, d: string) => `Обещанный платёж ${m} до ${d}`,
    topUpLead: (n: string) =>
      `Пополнение лицевого счёта ${n}. Выберите сумму или напишите её сообщением — например, 750 или 1250,50.`,
    payRestore: (m: string) => `Вернуть доступ: ${m}`,
    payMonth: (m: string) => `Месяц: ${m}`,
    payMonths: (n: number, m: string) => `${n} мес.: ${m}`,
    payMonthDebt: (m: string) => `Долг и месяц: ${m}`,
    payMonthsDebt: (n: number, m: string) => `Долг и ${n} мес.: ${m}`,
    payHow: (n: string, m: string) =>
      `Пополнение лицевого счёта ${n} на ${m}. Выберите способ — откроется страница оплаты с уже заполненными номером счёта и суммой.`,
    byCard: 'Банковской картой',
    bySbp: 'Через СБП — в приложении банка',
    payOther: 'Другая сумма',
    badAmountTyped: (why: string) =>
      `${why}. Напишите сумму ещё раз — например, 750 или 1250,50 — или выберите её кнопкой.`,
    promisedAvailable: (max: string, days: number) =>
      `Можно взять обещанный платёж до ${max} на ${count(days, 'ru', DAYS)}: доступ откроется сразу, сумма погасится из следующего платежа.`,
    promisedTake: (m: string) => `Взять ${m}`,
    promisedUnavailable: (why: string) => `Обещанный платёж недоступен. ${why}.`,
    promisedTaken: (m: string, d: string) => `Обещанный платёж ${m} взят до ${d}. Доступ открыт.`,
    ticketsTitle: 'Ваши обращения',
    noTickets: 'Открытых обращений нет.',
    newTicket: 'Новое обращение',
    ticketButton: (id: number, subject: string, status: string, unread: number) =>
      `№ ${id} · ${subject} · ${TICKET_STATUS[status]?.ru ?? status}${unread ? ` · ${unread} новых` : ''}`,
    ticketTitle: (id: number, subject: string, status: string) =>
      `Обращение № ${id} «${subject}» — ${TICKET_STATUS[status]?.ru ?? status}`,
    you: 'Вы',
    support: 'Поддержка',
    attached: (n: number) => `📎 ${count(n, 'ru', FILES)}`,
    earlier: 'Ранние сообщения — в личном кабинете.',
    reply: 'Ответить',
    files: 'Файлы',
    toTickets: 'К обращениям',
    chooseTopic: 'Выберите тему обращения:',
    writeTicket: (topic: string) =>
      `Тема: ${topic}. Опишите вопрос одним сообщением. Можно приложить фото или PDF (до 10 МБ) — с подписью-текстом или отдельно.`,
    ticketCreated: (id: number) => `Обращение № ${id} создано. Ответ поддержки придёт сюда.`,
    expectedWait: (min: number) => `Ожидаемое время ответа — около ${min} мин.`,
    hotline: (p: string) => `Срочно — по телефону ${p}.`,
    writeReply: (id: number) => `Напишите ответ в обращение № ${id}. Можно приложить фото или PDF (до 10 МБ).`,
    replyAdded: (id: number) => `Добавлено в обращение № ${id}. Можно написать ещё или вернуться в меню.`,
    done: 'Готово',
    ticketClosed: 'Обращение закрыто. Напишите новое.',
    supportAnswer: (id: number, subject: string) => `Ответ поддержки по обращению № ${id} «${subject}»:`,
    chooseAccount: 'Выберите лицевой счёт:',
    unlinkConfirm: (n: string) => `Отключить счёт ${n} от этого чата? Уведомления по нему сюда больше не придут.`,
    unlinkYes: 'Да, отключить',
    cancel: 'Отмена',
    unlinked: (n: string) => `Счёт ${n} отключён от этого чата.`,
    fileTooBig: 'Файл больше 10 МБ — такой не принимаем. Сожмите фото или пришлите PDF поменьше.',
    fileFailed: 'Не удалось получить файл из Telegram. Попробуйте ещё раз.',
    nothingToDo: 'Сначала выберите действие.',
    accountGone: 'Этот счёт больше не подключён к чату.',
  },
  en: {
    welcome:
      "Hello! This is your internet provider's bot. To see your balance, top up and write to support, link Telegram in your cabinet: “Notifications” → “Link Telegram”.",
    openCabinet: 'Open the cabinet',
    linkInvalid:
      'The link is not valid or has expired. Get a new one in your cabinet: “Notifications” → “Link Telegram”.',
    linkOtherPerson:
      "This chat already holds another person's accounts. Unlink them, or link the account in another chat.",
    linked: (n: string) =>
      `Telegram is linked to personal account ${n}. Notices will come here; choose which in your cabinet.`,
    rateLimited: 'Too many messages. Please wait a minute.',
    useButtons: 'Please use the buttons under the message.',
    menuTitle: (n: string) => `Personal account ${n}`,
    menuLead: 'What would you like to do?',
    balance: 'Balance',
    topUp: 'Top up',
    promised: 'Promised payment',
    tickets: 'Support tickets',
    switchAccount: 'Switch account',
    unlink: 'Unlink account from chat',
    menu: 'Menu',
    back: 'Back',
    balanceLine: (m: string) => `Balance: ${m}`,
    daysLeft: (d: number) => `Enough for ${count(d, 'en', DAYS)}`,
    status: (s: string) => `Status: ${STATUS[s]?.en ?? s}`,
    restore: (m: string) => `Top up ${m} to get service back`,
    tariff: (name: string, fee: string) => `Plan “${name}” — ${fee} a month`,
    promisedActive: (m: string, d: string) => `Promised payment ${m} until ${d}`,
    topUpLead: (n: string) =>
      `Top up personal account ${n}. Choose an amount, or type one in the chat — for example 750 or 1250.50.`,
    payRestore: (m: string) => `Restore service: ${m}`,
    payMonth: (m: string) => `A month: ${m}`,
    payMonths: (n: number, m: string) => `${n} months: ${m}`,
    payMonthDebt: (m: string) => `Debt and a month: ${m}`,
    payMonthsDebt: (n: number, m: string) => `Debt and ${n} months: ${m}`,
    payHow: (n: string, m: string) =>
      `Top up personal account ${n} by ${m}. Choose how to pay — the payment page opens with the account and amount filled in.`,
    byCard: 'By bank card',
    bySbp: 'By SBP — in your bank app',
    payOther: 'Another amount',
    badAmountTyped: (why: string) =>
      `${why}. Type the amount again — for example 750 or 1250.50 — or choose one with a button.`,
    promisedAvailable: (max: string, days: number) =>
      `You can take a promised payment of up to ${max} for ${count(days, 'en', DAYS)}: service comes back at once; your next payment repays it.`,
    promisedTake: (m: string) => `Take ${m}`,
    promisedUnavailable: (why: string) => `A promised payment is not available. ${why}.`,
    promisedTaken: (m: string, d: string) => `Promised payment of ${m} taken until ${d}. Service is on.`,
    ticketsTitle: 'Your support tickets',
    noTickets: 'No open tickets.',
    newTicket: 'New ticket',
    ticketButton: (id: number, subject: string, status: string, unread: number) =>
      `No. ${id} · ${subject} · ${TICKET_STATUS[status]?.en ?? status}${unread ? ` · ${unread} new` : ''}`,
    ticketTitle: (id: number, subject: string, status: string) =>
      `Ticket No. ${id} “${subject}” — ${TICKET_STATUS[status]?.en ?? status}`,
    you: 'You',
    support: 'Support',
    attached: (n: number) => `📎 ${count(n, 'en', FILES)}`,
    earlier: 'Earlier messages are in your cabinet.',
    reply: 'Reply',
    files: 'Files',
    toTickets: 'Tickets',
    chooseTopic: 'Choose the topic:',
    writeTicket: (topic: string) =>
      `Topic: ${topic}. Describe your question in one message. You may attach a photo or a PDF (up to 10 MB), with the text as its caption or separately.`,
    ticketCreated: (id: number) => `Ticket No. ${id} is open. Support's answer will come here.`,
    expectedWait: (min: number) => `Expected answer in about ${min} min.`,
    hotline: (p: string) => `Urgent: call ${p}.`,
    writeReply: (id: number) => `Write your answer to ticket No. ${id}. You may attach a photo or a PDF (up to 10 MB).`,
    replyAdded: (id: number) => `Added to ticket No. ${id}. Write more, or go back to the menu.`,
    done: 'Done',
    ticketClosed: 'The ticket is closed. Please write a new one.',
    supportAnswer: (id: number, subject: string) => `Support answered ticket No. ${id} “${subject}”:`,
    chooseAccount: 'Choose the personal account:',
    unlinkConfirm: (n: string) => `Unlink account ${n} from this chat? Its notices will no longer come here.`,
    unlinkYes: 'Yes, unlink',
    cancel: 'Cancel',
    unlinked: (n: string) => `Account ${n} is unlinked from this chat.`,
    fileTooBig: 'The file is over 10 MB: we cannot take it. Send a smaller photo or PDF.',
    fileFailed: 'Could not get the file from Telegram. Please try again.',
    nothingToDo: 'Choose what to do first.',
    accountGone: 'This account is no longer linked to the chat.',
  },
} satisfies Record<Lang, Record<string, unknown>>;
