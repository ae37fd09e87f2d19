import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { setLanguage } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'en' ? 'ru' : 'en';
  return (
    <Button
      variant="subtle"
      size="compact-sm"
      onClick={() => setLanguage(next)}
      lang={next}
      aria-label={t('lang.label') + ': ' + t('lang.switch')}
    >
      {t('lang.switch')}
    </Button>
  );
}
