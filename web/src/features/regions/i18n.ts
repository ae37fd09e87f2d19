import i18n from '../../i18n';

/** Texts of the back office's regions page (admin); ru and en kept in step. */
const ru = {
  staff: { regions: 'Регионы' },
  regions: {
    title: 'Регионы',
    add: 'Добавить регион',
    edit: 'Изменить',
    save: 'Сохранить',
    empty: 'Регионов пока нет: добавьте первый, чтобы заключать договоры.',
    nameRu: 'Название (по-русски)',
    nameEn: 'Название (по-английски)',
    code: 'Код региона',
    codeHint: 'Латиницей, например tver; не меняется',
    timeZone: 'Часовой пояс',
    timeZoneHint: 'Расчётный день — календарный день в этом поясе. После первого договора пояс не меняется.',
    prefix: 'Префикс номеров договоров',
    prefixHint: 'Две цифры, с которых начинаются номера договоров региона; не меняется',
    phone: 'Горячая линия',
    phoneHint: 'Только цифры, например 88005551234',
    email: 'E-mail поддержки',
    more: 'Тарифы, услуги, офисы, пул IP-адресов и правила приостановки — в разделе «Тарифы и услуги»; данные для чеков — в разделе «Чеки».',
  },
};

const en: typeof ru = {
  staff: { regions: 'Regions' },
  regions: {
    title: 'Regions',
    add: 'Add a region',
    edit: 'Edit',
    save: 'Save',
    empty: 'No regions yet: add the first one to sign contracts.',
    nameRu: 'Name (Russian)',
    nameEn: 'Name (English)',
    code: 'Region code',
    codeHint: 'Latin letters, e.g. tver; never changes',
    timeZone: 'Time zone',
    timeZoneHint: 'A billing day is a calendar day in this zone. After the first contract the zone is fixed.',
    prefix: 'Contract number prefix',
    prefixHint: 'Two digits every contract number of the region starts with; never changes',
    phone: 'Hotline',
    phoneHint: 'Digits only, e.g. 88005551234',
    email: 'Support e-mail',
    more: 'Plans, add-ons, offices, the IP pool and suspension rules are under "Plans and services"; receipt details under "Receipts".',
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
