import { Anchor, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { LanguageSwitch } from '../../components/LanguageSwitch';

/** The public site's header: brand on the left, language and "Личный кабинет" at the top right. */
export function PublicHeader() {
  const { t } = useTranslation();
  return (
    <Group
      component="header"
      justify="space-between"
      p="md"
      wrap="nowrap"
      style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
    >
      <Anchor component={Link} to="/" underline="never" aria-label={t('brand')}>
        <Text fw={800} size="xl" c="blue.8">
          {t('brand')}
        </Text>
      </Anchor>
      <Group gap="xs" wrap="nowrap">
        <LanguageSwitch />
        <Button component={Link} to="/login">
          {t('public.cabinet')}
        </Button>
      </Group>
    </Group>
  );
}
