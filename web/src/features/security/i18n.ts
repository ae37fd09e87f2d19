import i18n from '../../i18n';

/** Texts of account security (two-factor sign-in, sessions), shared by the cabinet and the back office. */
const ru = {
  security: {
    totpTitle: 'Вход с кодом из приложения',
    totpOn: 'Включён: при входе после пароля нужен код из приложения-аутентификатора.',
    totpOff: 'Выключен. Включите — и одного украденного пароля не хватит: без вашего телефона войти не получится.',
    totpRequiredRole: 'Для вашей роли вход с кодом обязателен.',
    totpSetup: 'Подключить',
    totpMove: 'Перенести в другое приложение',
    totpDisable: 'Отключить',
    totpScan:
      'Отсканируйте QR-код приложением-аутентификатором (Яндекс Ключ, Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis…) или введите секрет вручную.',
    totpQr: 'QR-код для приложения-аутентификатора',
    totpSecret: 'Секрет',
    totpNewCode: 'Код из приложения',
    totpCurrentCode: 'Код из приложения, которое сейчас подключено',
    totpPassword: 'Текущий пароль',
    totpConfirm: 'Включить',
    totpConfirmMove: 'Перенести',
    totpConfirmOff: 'Отключить вход с кодом',
    totpEnabled: 'Вход с кодом включён',
    totpDisabled: 'Вход с кодом отключён',
    cancel: 'Отмена',
    sessionsTitle: 'Где выполнен вход',
    sessionsLead: 'Если видите незнакомое устройство, завершите его сеанс и смените пароль.',
    device: 'Устройство',
    address: 'Адрес',
    lastSeen: 'Последняя активность',
    current: 'этот сеанс',
    end: 'Завершить',
    endFor: 'Завершить сеанс {{device}}',
    unknownDevice: 'Неизвестное устройство',
  },
};

const en: typeof ru = {
  security: {
    totpTitle: 'Sign-in with an app code',
    totpOn: 'On: after the password, sign-in asks for a code from your authenticator app.',
    totpOff: 'Off. Turn it on and a stolen password alone is not enough: nobody signs in without your phone.',
    totpRequiredRole: 'Your role must sign in with a code.',
    totpSetup: 'Set up',
    totpMove: 'Move to another app',
    totpDisable: 'Turn off',
    totpScan:
      'Scan the QR code with an authenticator app (Yandex Key, Google Authenticator, Microsoft Authenticator, FreeOTP, Aegis…) or type the secret in.',
    totpQr: 'QR code for the authenticator app',
    totpSecret: 'Secret',
    totpNewCode: 'Code from the app',
    totpCurrentCode: 'Code from the app in use now',
    totpPassword: 'Current password',
    totpConfirm: 'Turn on',
    totpConfirmMove: 'Move',
    totpConfirmOff: 'Turn off sign-in with a code',
    totpEnabled: 'Sign-in with a code is on',
    totpDisabled: 'Sign-in with a code is off',
    cancel: 'Cancel',
    sessionsTitle: 'Where you are signed in',
    sessionsLead: 'If you see a device you do not know, end its session and change your password.',
    device: 'Device',
    address: 'Address',
    lastSeen: 'Last active',
    current: 'this session',
    end: 'End',
    endFor: 'End the session of {{device}}',
    unknownDevice: 'Unknown device',
  },
};

i18n.addResourceBundle('ru', 'translation', ru, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
