import { Anchor, Button, Card, Container, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { phone } from '../../components/format';
import { usePublicRegions } from '../../components/usePublicRegions';
import { PublicHeader } from './PublicHeader';

export function Landing() {
  const { t } = useTranslation();
  const regions = usePublicRegions();
  const hotline = regions.data?.[0]?.supportPhone ?? '88005559167';
  const features = t('public.features', { returnObjects: true }) as string[];
  return (
    <>
      <PublicHeader />
      <Container component="main" size="md" py="xl">
        <Stack gap="lg">
          <Title order={1}>{t('public.title')}</Title>
          <Text size="lg">{t('public.lead')}</Text>
          <Card withBorder>
            <List spacing="xs">
              {features.map((f) => (
                <List.Item key={f}>{f}</List.Item>
              ))}
            </List>
          </Card>
          <Button component={Link} to="/pay" variant="light" w="fit-content">
            {t('public.payNoLogin')}
          </Button>
          <Text>
            {t('public.hotline')}:{' '}
            <Anchor href={`tel:${hotline}`} fw={700}>
              {phone(hotline)}
            </Anchor>
          </Text>
        </Stack>
      </Container>
    </>
  );
}
