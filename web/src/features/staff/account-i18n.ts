import i18n from '../../i18n';

/** Texts of the staff member's own account (password, two-factor, sessions) and the admin's staff security tools. */
const ru = {
  staff: { account: 'Мой профиль' },
  staffAccount: {
    title: 'Мой профиль',
    passwordTitle: 'Пароль',
    current: 'Текущий пароль',
    next: 'Новый пароль',
    rules: 'Не короче 12 символов, буквы и цифры, не из списка распространённых. Другие сеансы завершатся.',
    repeat: 'Новый пароль ещё раз',
    mismatch: 'Пароли не совпадают',
    save: 'Сменить пароль',
    changed: 'Пароль изменён. Сеансы на других устройствах завершены.',
    forcedPasswordTitle: 'Задайте свой пароль',
    forcedPasswordLead:
      'Пароль для первого входа выбрал администратор. Придумайте свой — его не будет знать никто, кроме вас.',
    forcedTotpTitle: 'Подключите вход с кодом',
    forcedTotpLead:
      'Для роли «{{role}}» вход в бэк-офис возможен только с кодом из приложения-аутентификатора на телефоне. Подключите его сейчас — это займёт минуту.',
    signOut: 'Выйти',
    resetTitle: 'Новый пароль для бэк-офиса',
    resetLead: 'Ссылку прислал администратор. Она работает один раз; после смены пароля все ваши сеансы завершатся.',
    resetDone: 'Пароль изменён. Войдите с новым паролем.',
    toLogin: 'Ко входу',
    totpHint: 'Введите код из приложения-аутентификатора',
  },
  users: {
    passwordLink: 'Сбросить пароль',
    passwordLinkFor: 'Сбросить пароль: {{name}}',
    passwordLinkSent:
      'Ссылка для смены пароля отправлена на {{email}}. Она действует сутки; до её использования старый пароль работает.',
    totpReset: 'Сбросить код',
    totpResetFor: 'Сбросить вход с кодом: {{name}}',
    totpResetDone: 'Вход с кодом сброшен: {{email}} подключит новое приложение при следующем входе.',
    mustChange: 'Сменит пароль при входе',
    passwordHintLink:
      'Не короче 12 символов, с цифрой. Передайте лично: при первом входе сотрудник сменит его на свой.',
    rolesTitle: 'Вход с кодом по ролям',
    rolesLead:
      'Администраторы и финансисты всегда входят с кодом из приложения. Для других ролей это можно сделать обязательным: сотрудники без кода подключат его при следующем запросе.',
    roleRequired: 'Код обязателен: {{role}}',
    always: 'всегда',
  },
};

const en: typeof ru = {
  staff: { account: 'My account' },
  staffAccount: {
    title: 'My account',
    passwordTitle: 'Password',
    current: 'Current password',
    next: 'New password',
    rules: 'At least 12 characters, letters and digits, not a well-known one. Your other sessions end.',
    repeat: 'New password again',
    mismatch: 'The passwords differ',
    save: 'Change password',
    changed: 'Password changed. Sessions on other devices have ended.',
    forcedPasswordTitle: 'Set your own password',
    forcedPasswordLead:
      'An administrator chose the password for your first sign-in. Choose your own — nobody but you will know it.',
    forcedTotpTitle: 'Set up sign-in with a code',
    forcedTotpLead:
      'The {{role}} role signs in to the back office only with a code from an authenticator app on your phone. Set it up now — it takes a minute.',
    signOut: 'Sign out',
    resetTitle: 'A new back-office password',
    resetLead: 'An administrator sent you this link. It works once; after the change all your sessions end.',
    resetDone: 'Password changed. Sign in with the new one.',
    toLogin: 'To sign-in',
    totpHint: 'Enter the code from your authenticator app',
  },
  users: {
    passwordLink: 'Reset password',
    passwordLinkFor: 'Reset password: {{name}}',
    passwordLinkSent:
      'A password link went to {{email}}. It works for a day; until it is used the old password still works.',
    totpReset: 'Reset code',
    totpResetFor: 'Reset sign-in with a code: {{name}}',
    totpResetDone: 'Sign-in with a code reset: {{email}} sets up a new app at the next sign-in.',
    mustChange: 'Changes password at sign-in',
    passwordHintLink:
      'At least 12 characters with a digit. Hand it over in person: at the first sign-in they choose their own.',
    rolesTitle: 'Sign-in with a code by role',
    rolesLead:
      'Administrators and finance always sign in with an app code. Other roles can be made to: their staff without one set it up at their next request.',
    roleRequired: 'Code required: {{role}}',
    always: 'always',
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
