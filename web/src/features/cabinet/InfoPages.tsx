import { Alert, Anchor, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { phone } from '../../components/format';
import { useOverview } from './useOverview';

/** Support tickets come with the services issue; until then the page says so and gives the hotline. */
export function FeedbackPage() {
  const { t } = useTranslation();
  const o = useOverview();
  const hotline = o.data?.region.supportPhone ?? '88005559167';
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('feedback.title')}
      </Title>
      <Alert color="blue">{t('feedback.soon')}</Alert>
      <Text>
        {t('feedback.hotline', { phone: '' })}
        <Anchor href={`tel:${hotline}`} fw={700}>
          {phone(hotline)}
        </Anchor>
      </Text>
      {o.data && <Text>{t('feedback.email', { email: o.data.region.supportEmail })}</Text>}
    </Stack>
  );
}
