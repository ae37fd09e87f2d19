import type { Lang } from './errors.js';

/**
 * Why an import row was refused, what it conflicts with, or what to know about it (docs/import.md,
 * "Reasons"). The server writes the code with the row's place and a detail; the CLI and the back
 * office show the text in the reader's language.
 */
export const IMPORT_REASONS = {
  // Refused: the row itself cannot be imported as it is.
  missing_id: { ru: 'нет идентификатора строки', en: 'the row has no id' },
  duplicate_id: { ru: 'идентификатор встречается в источнике дважды', en: 'the id appears twice in the source' },
  bad_balance: { ru: 'баланс не читается как сумма', en: 'the balance is not an amount' },
  bad_credit: { ru: 'кредит не читается как сумма', en: 'the credit is not an amount' },
  bad_fee: { ru: 'персональная абонентская плата не читается как сумма', en: 'the personal fee is not an amount' },
  bad_status: { ru: 'неизвестный статус', en: 'unknown status' },
  bad_login: {
    ru: 'логин PPPoE не подходит (3–64 латинских символа без пробелов)',
    en: 'the PPPoE login is not usable (3–64 ASCII characters, no spaces)',
  },
  bad_ip: { ru: 'IP-адрес не читается', en: 'the IP address is not an IPv4 address' },
  bad_mac: { ru: 'MAC-адрес не читается', en: 'the MAC address is not one' },
  bad_account: {
    ru: 'номер лицевого счёта должен состоять из 6–12 цифр',
    en: 'the personal account number must be 6–12 digits',
  },
  bad_contract: { ru: 'номер договора длиннее 40 символов', en: 'the contract number is longer than 40 characters' },
  bad_date: { ru: 'дата не читается', en: 'the date is not a date' },
  bad_amount: { ru: 'сумма не читается', en: 'the amount is not an amount' },
  no_plan: { ru: 'у абонента нет тарифа', en: 'the subscriber has no plan' },
  plan_not_mapped: {
    ru: 'тариф не сопоставлен (skip в файле сопоставления или нет строки)',
    en: 'the plan is not mapped (skip in the mapping file, or missing)',
  },
  addon_not_mapped: { ru: 'услуга не сопоставлена', en: 'the add-on is not mapped' },
  region_not_mapped: { ru: 'регион не сопоставлен', en: 'the region is not mapped' },
  company_account: {
    ru: 'счёт юридического лица (компании) — переносите договоры юрлиц отдельно',
    en: 'a company (legal entity) account: move company contracts separately',
  },
  unknown_subscriber: {
    ru: 'платёж абонента, которого нет в источнике',
    en: 'a payment of a subscriber not in the source',
  },
  subscriber_not_imported: {
    ru: 'платежи абонента, который не переносится (их число)',
    en: 'payments of a subscriber who is not imported (how many)',
  },
  // Conflicts: the row is valid but clashes with another row or with Abonent.
  contract_taken: { ru: 'номер договора уже есть в Abonent', en: 'the contract number is already in Abonent' },
  contract_duplicate: {
    ru: 'номер договора у нескольких абонентов источника',
    en: 'the contract number belongs to several subscribers of the source',
  },
  account_taken: {
    ru: 'номер лицевого счёта уже есть в Abonent',
    en: 'the personal account number is already in Abonent',
  },
  account_duplicate: {
    ru: 'номер лицевого счёта у нескольких абонентов источника',
    en: 'the personal account number belongs to several subscribers of the source',
  },
  login_taken: { ru: 'логин PPPoE уже есть в Abonent', en: 'the PPPoE login is already in Abonent' },
  login_duplicate: {
    ru: 'логин PPPoE у нескольких действующих абонентов источника',
    en: 'the PPPoE login belongs to several open subscribers of the source',
  },
  mac_taken: { ru: 'MAC-адрес уже есть в Abonent', en: 'the MAC address is already in Abonent' },
  mac_duplicate: {
    ru: 'MAC-адрес у нескольких действующих абонентов источника',
    en: 'the MAC address belongs to several open subscribers of the source',
  },
  ip_taken: { ru: 'IP-адрес уже занят в Abonent', en: 'the IP address is already taken in Abonent' },
  ip_duplicate: {
    ru: 'IP-адрес у нескольких действующих абонентов источника',
    en: 'the IP address belongs to several open subscribers of the source',
  },
  ip_outside_pools: {
    ru: 'IP-адрес вне всех пулов региона — добавьте пул в файл сопоставления',
    en: 'the IP address is outside every pool of the region: add a pool to the mapping file',
  },
  nas_no_secret: {
    ru: 'у NAS нет секрета RADIUS в файле сопоставления — NAS не переносится',
    en: 'the NAS has no RADIUS secret in the mapping file: it is not imported',
  },
  nas_address_taken: {
    ru: 'NAS с этим адресом уже есть в Abonent — используется он',
    en: 'a NAS with this address is already in Abonent: that one is used',
  },
  pool_too_large: {
    ru: 'пул больше 65 536 адресов — разбейте его',
    en: 'the pool has more than 65,536 addresses: split it',
  },
  // Warnings: imported, with something to know.
  name_repaired: { ru: 'имя было в кодировке cp1251 и перекодировано', en: 'the name was in cp1251 and was converted' },
  name_missing: { ru: 'нет ФИО', en: 'no name' },
  phone_missing: {
    ru: 'нет пригодного телефона: восстановление пароля по SMS недоступно',
    en: 'no usable phone: password recovery by SMS is not possible',
  },
  email_unusable: { ru: 'e-mail не читается и не перенесён', en: 'the e-mail is not an address and was left out' },
  balance_rounded: {
    ru: 'баланс в источнике с долями копейки — округлён до копеек',
    en: 'the source balance had fractions of a kopeck: rounded to kopecks',
  },
  credit_temporary: {
    ru: 'временный кредит не перенесён (в Abonent кредит без срока)',
    en: 'a temporary credit was not carried (a credit limit in Abonent has no end)',
  },
  closed_network: {
    ru: 'договор закрыт: логин, IP и MAC не переносятся',
    en: 'the contract is closed: its login, IP and MAC are not carried',
  },
  cid_not_mac: { ru: 'CID — не MAC-адрес, не перенесён', en: 'the CID is not a MAC address: not carried' },
  addon_dropped: {
    ru: 'услуга статического IP без адреса — не перенесена',
    en: 'a static IP add-on without an address: not carried',
  },
  extra_service: {
    ru: 'у абонента несколько интернет-услуг — перенесена первая',
    en: 'the subscriber has several internet services: the first one is carried',
  },
  monthly_in_advance: {
    ru: 'тариф списывается в источнике за месяц вперёд — переходите в последний день месяца',
    en: 'the source charges this plan a month in advance: cut over on the last day of a month',
  },
  day_fee_plan: {
    ru: 'у тарифа в источнике только суточная плата — месячная принята за 30 дней',
    en: 'the plan has only a day fee in the source: the monthly fee is taken as 30 days of it',
  },
  balance_changed: {
    ru: 'баланс в источнике изменился после переноса — в Abonent не меняется',
    en: 'the balance in the source changed since the import: Abonent keeps its own',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type ImportReason = keyof typeof IMPORT_REASONS;

export function importReasonText(reason: string, lang: Lang): string {
  return (IMPORT_REASONS as Record<string, Record<Lang, string>>)[reason]?.[lang] ?? reason;
}
