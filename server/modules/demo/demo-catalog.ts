/** The demo ISP: six regions, each with its own tariffs, services and support contacts. */
export const DEMO_REGIONS = [
  {
    code: 'spb',
    nameRu: 'Санкт-Петербург и Ленинградская область',
    nameEn: 'Saint Petersburg and Leningrad Oblast',
    timeZone: 'Europe/Moscow',
    prefix: '11',
    price: 0,
  },
  {
    code: 'msk',
    nameRu: 'Москва и Московская область',
    nameEn: 'Moscow and Moscow Oblast',
    timeZone: 'Europe/Moscow',
    prefix: '12',
    price: 5_000,
  },
  {
    code: 'vrn',
    nameRu: 'Воронежская область',
    nameEn: 'Voronezh Oblast',
    timeZone: 'Europe/Moscow',
    prefix: '13',
    price: -5_000,
  },
  {
    code: 'klg',
    nameRu: 'Калининградская область',
    nameEn: 'Kaliningrad Oblast',
    timeZone: 'Europe/Kaliningrad',
    prefix: '14',
    price: -2_000,
  },
  {
    code: 'ekb',
    nameRu: 'Свердловская область',
    nameEn: 'Sverdlovsk Oblast',
    timeZone: 'Asia/Yekaterinburg',
    prefix: '15',
    price: -3_000,
  },
  {
    code: 'nsk',
    nameRu: 'Новосибирская область',
    nameEn: 'Novosibirsk Oblast',
    timeZone: 'Asia/Novosibirsk',
    prefix: '16',
    price: -4_000,
  },
] as const;

export const DEMO_TARIFFS = [
  {
    code: 'home100',
    nameRu: 'Домашний 100',
    nameEn: 'Home 100',
    fee: 55_000,
    down: 100_000,
    up: 100_000,
    descriptionRu: 'Интернет до 100 Мбит/с для всей семьи',
    descriptionEn: 'Internet up to 100 Mbit/s for the whole family',
  },
  {
    code: 'home300',
    nameRu: 'Домашний 300',
    nameEn: 'Home 300',
    fee: 75_000,
    down: 300_000,
    up: 300_000,
    descriptionRu: 'До 300 Мбит/с: кино в 4K и игры без задержек',
    descriptionEn: 'Up to 300 Mbit/s: 4K films and lag-free games',
  },
  {
    code: 'giga',
    nameRu: 'Гигабит',
    nameEn: 'Gigabit',
    fee: 99_000,
    down: 1_000_000,
    up: 500_000,
    descriptionRu: 'До 1 Гбит/с для самых требовательных',
    descriptionEn: 'Up to 1 Gbit/s for the most demanding',
  },
] as const;

export const DEMO_SERVICES = [
  {
    kind: 'tv',
    code: 'tv-basic',
    nameRu: 'ТВ «Базовый» (120 каналов)',
    nameEn: 'TV Basic (120 channels)',
    fee: 19_900,
  },
  {
    kind: 'tv',
    code: 'tv-max',
    nameRu: 'ТВ «Максимум» (250 каналов)',
    nameEn: 'TV Maximum (250 channels)',
    fee: 39_900,
  },
  { kind: 'static_ip', code: 'static-ip', nameRu: 'Статический IP-адрес', nameEn: 'Static IP address', fee: 15_000 },
  {
    kind: 'mobile',
    code: 'mobile-10',
    nameRu: 'Мобильный интернет 10 ГБ',
    nameEn: 'Mobile internet 10 GB',
    fee: 30_000,
  },
] as const;

export const DEMO_HOTLINE = '88005559167';
