import { Card, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { phone } from '../../components/format';
import { useOverview } from './useOverview';

export function MobilePage() {
  const { t } = useTranslation();
  const o = useOverview();
  const hotline = o.data?.region.supportPhone ?? '88005559167';
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('mobile.title')}
      </Title>
      <Text>{t('mobile.lead')}</Text>
      <Card withBorder>
        <List type="ordered" spacing="xs">
          {(t('mobile.steps', { returnObjects: true }) as string[]).map((s) => (
            <List.Item key={s}>{s}</List.Item>
          ))}
        </List>
      </Card>
      <Text fw={600}>{t('mobile.call', { phone: phone(hotline) })}</Text>
    </Stack>
  );
}
