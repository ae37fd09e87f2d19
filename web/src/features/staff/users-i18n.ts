import i18n from '../../i18n';

/** Texts of the staff accounts page (admins), merged into the app's dictionaries (ru and en in step). */
const ru = {
  staff: { users: 'Сотрудники' },
  users: {
    title: 'Сотрудники',
    add: 'Добавить сотрудника',
    fullName: 'ФИО',
    email: 'E-mail для входа',
    role: 'Роль',
    password: 'Начальный пароль',
    passwordHint: 'Не короче 12 символов, с цифрой; передайте сотруднику лично',
    create: 'Создать',
    status: 'Доступ',
    active: 'Работает',
    inactive: 'Отключён',
    totp: 'Вход с кодом',
    deactivate: 'Отключить',
    activate: 'Включить',
    deactivateFor: 'Отключить {{name}}',
    activateFor: 'Включить {{name}}',
    roleFor: 'Роль: {{name}}',
    created: 'Сотрудник {{email}} создан',
    regions: 'Регионы',
    regionsFor: 'Регионы: {{name}}',
    regionsHint: 'Абонентов каких регионов видит сотрудник. Без регионов он не увидит никого',
    allRegions: 'Все регионы',
    adminRegions: 'Все регионы (администратор)',
    noRegions: 'Нет регионов',
  },
};

const en: typeof ru = {
  staff: { users: 'Staff' },
  users: {
    title: 'Staff',
    add: 'Add a staff member',
    fullName: 'Full name',
    email: 'Sign-in e-mail',
    role: 'Role',
    password: 'Initial password',
    passwordHint: 'At least 12 characters with a digit; hand it over in person',
    create: 'Create',
    status: 'Access',
    active: 'Active',
    inactive: 'Deactivated',
    totp: 'Code at sign-in',
    deactivate: 'Deactivate',
    activate: 'Activate',
    deactivateFor: 'Deactivate {{name}}',
    activateFor: 'Activate {{name}}',
    roleFor: 'Role: {{name}}',
    created: 'Staff member {{email}} created',
    regions: 'Regions',
    regionsFor: 'Regions: {{name}}',
    regionsHint: 'Whose subscribers this person sees. With no region, nobody',
    allRegions: 'All regions',
    adminRegions: 'All regions (administrator)',
    noRegions: 'No region',
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
