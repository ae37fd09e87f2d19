import { Alert, Anchor, Badge, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import type { AccountStatus } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localName, phone, rub } from '../../components/format';
import { useOverview } from './useOverview';

const STATUS_COLOR = {
  active: 'green',
  blocked: 'red',
  suspended: 'yellow',
  terminated: 'gray',
} as const satisfies Record<AccountStatus, string>;

/** The information block: balance and days left, status with reason, tariff, services. */
export function InfoPage() {
  const { t } = useTranslation();
  const o = useOverview();
  const profile = useQuery({ queryKey: ['profile'], queryFn: () => api.GET('/api/me/profile') });
  if (o.isLoading) return <Loader />;
  if (!o.data) return <ErrorAlert error={o.error} />;
  const d = o.data;
  const missing = profile.data?.missingContacts ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('nav.info')}
      </Title>
      {missing.length > 0 && (
        <Alert color="orange" title={t('profile.title')}>
          {t('info.fillContacts', { what: missing.map((m) => t(`info.${m}`)).join(', ') })}{' '}
          <Anchor component={Link} to="/cabinet/profile">
            {t('info.goProfile')}
          </Anchor>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Card withBorder>
          <Text c="dimmed" size="sm">
            {t('info.balance')}
          </Text>
          <Text fz={32} fw={700} data-testid="balance" c={d.balance < 0 ? 'red.8' : undefined}>
            {rub(d.balance)}
          </Text>
          {d.daysLeft !== null && <Text data-testid="days-left">{t('info.daysLeft', { count: d.daysLeft })}</Text>}
          <Text size="sm" c="dimmed">
            {t('info.nextCharge', { date: date(d.nextChargeOn), amount: rub(d.dailyFee) })}
          </Text>
        </Card>
        <Card withBorder>
          <Group justify="space-between">
            <Text c="dimmed" size="sm">
              {t('info.account')} {d.account}
            </Text>
            <Badge color={STATUS_COLOR[d.status]} variant="light">
              {t(`info.statusShort.${d.status}`)}
            </Badge>
          </Group>
          <Text fw={600} mt="xs" data-testid="status">
            {t(`info.status.${d.status}`)}
          </Text>
          {d.status === 'blocked' && (
            <Text mt="xs">
              {t('info.toRestore', { amount: rub(d.amountToRestore), recommended: rub(d.recommendedPayment) })}
            </Text>
          )}
          <Text size="sm" c="dimmed" mt="xs">
            {t('info.contract')} {d.contract}
          </Text>
        </Card>
      </SimpleGrid>
      {d.lowBalance && (
        <Alert color="yellow" role="status">
          {t('info.lowBalance')}
        </Alert>
      )}
      <Card withBorder>
        <Title order={2} size="h4">
          {t('info.tariff')}
        </Title>
        {d.tariff && (
          <Group justify="space-between" mt="xs">
            <div>
              <Text fw={600}>{localName(d.tariff)}</Text>
              <Text size="sm" c="dimmed">
                {t('info.speed', { speed: Math.round(d.tariff.speedDownKbps / 1000) })}
              </Text>
            </div>
            <Text fw={600}>{rub(d.tariff.monthlyFee)}</Text>
          </Group>
        )}
        {d.pendingTariff && (
          <Text size="sm" mt="xs">
            {t('info.pending', { date: date(d.pendingTariff.from), name: localName(d.pendingTariff) })}
          </Text>
        )}
        <Title order={2} size="h4" mt="md">
          {t('info.services')}
        </Title>
        {d.services.length === 0 ? (
          <Text c="dimmed">{t('info.noServices')}</Text>
        ) : (
          <List mt="xs">
            {d.services.map((s) => (
              <List.Item key={s.nameRu}>
                {localName(s)} — {rub(s.monthlyFee)}
              </List.Item>
            ))}
          </List>
        )}
        <Text mt="md" fw={600}>
          {t('info.monthly')}: {rub(d.monthlyFee)}
        </Text>
      </Card>
      <Text size="sm">
        {t('public.hotline')}: <Anchor href={`tel:${d.region.supportPhone}`}>{phone(d.region.supportPhone)}</Anchor>
      </Text>
    </Stack>
  );
}
