import '../services/i18n';

import { addDays } from '@common/dates';
import { Alert, Anchor, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
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

/**
 * The information block: what the subscriber has (plan, add-ons with a static IP, a promotion discount)
 * and can do next (top up when money runs low, change plan, add services, suspend, terminate); the
 * balance, the days it lasts with a promised payment counted as a debt, the next charge or why there is
 * none, the status in words, a suspension in effect or coming.
 */
export function InfoPage() {
  const { t } = useTranslation();
  const o = useOverview();
  const profile = useQuery({ queryKey: ['profile'], queryFn: () => api.GET('/api/me/profile') });
  if (o.isLoading) return <Loader />;
  if (!o.data) return <ErrorAlert error={o.error} />;
  const d = o.data;
  const missing = profile.data?.missingContacts ?? [];
  const live = d.status !== 'terminated';
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
          {d.daysLeft !== null && (
            <Text data-testid="days-left">
              {d.daysLeft === 0 ? t('svc.daysZero') : t('info.daysLeft', { count: d.daysLeft })}
            </Text>
          )}
          {d.promised && (
            <Stack gap={2} mt={4} data-testid="promised">
              <Text fw={600}>
                {t('svc.promised', { amount: rub(d.promised.amount), date: date(d.promised.dueOn) })}
              </Text>
              {d.daysLeft !== null && (
                <Text size="sm" c="dimmed">
                  {t('svc.promisedNote')}
                </Text>
              )}
            </Stack>
          )}
          <Text size="sm" c="dimmed" mt={4} data-testid="next-charge">
            {d.nextCharge
              ? t('info.nextCharge', { date: date(d.nextCharge.on), amount: rub(d.nextCharge.amount) })
              : d.status === 'blocked'
                ? t('svc.nextNoneBlocked')
                : d.status === 'suspended'
                  ? t('svc.nextNoneSuspended')
                  : t('svc.nextNone')}
          </Text>
          {d.topUp && live && (
            <Button
              component={Link}
              to="/cabinet/payments"
              mt="sm"
              w="fit-content"
              color={d.status === 'blocked' ? 'red' : undefined}
            >
              {t('svc.topUp')}
            </Button>
          )}
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
            {d.status === 'suspended' && d.suspension
              ? t('svc.suspended', { to: date(d.suspension.endsOn) })
              : t(`info.status.${d.status}`)}
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
      {d.lowBalance && d.status === 'active' && (
        <Alert color="yellow" role="status">
          {t('info.lowBalance')}
        </Alert>
      )}
      {d.suspension && (
        <Alert color={d.suspension.status === 'active' ? 'orange' : 'blue'} data-testid="suspension">
          <Stack gap={4}>
            <span>
              {d.suspension.status === 'active'
                ? t('svc.suspendedFrom', {
                    from: date(d.suspension.startsOn),
                    to: date(d.suspension.endsOn),
                    resume: date(addDays(d.suspension.endsOn, 1)),
                  })
                : t(d.suspension.status === 'approved' ? 'svc.suspensionComing' : 'svc.suspensionPending', {
                    from: date(d.suspension.startsOn),
                    to: date(d.suspension.endsOn),
                  })}
            </span>
            <Anchor component={Link} to="/cabinet/suspension">
              {d.suspension.status === 'active' ? t('svc.endEarly') : t('svc.myApplications')}
            </Anchor>
          </Stack>
        </Alert>
      )}
      <Card withBorder>
        <Title order={2} size="h4">
          {t('info.tariff')}
        </Title>
        {d.tariff && (
          <Group justify="space-between" mt="xs" wrap="nowrap" align="start">
            <div>
              <Text fw={600} data-testid="tariff">
                {localName(d.tariff)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('info.speed', { speed: Math.round(d.tariff.speedDownKbps / 1000) })}
              </Text>
            </div>
            <Text fw={600} style={{ whiteSpace: 'nowrap' }}>
              {rub(d.tariff.monthlyFee)}
            </Text>
          </Group>
        )}
        {d.discount && (
          <Text size="sm" mt="xs">
            {t('svc.discount', { percent: d.discount.percent, date: date(d.discount.until) })}
          </Text>
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
          <Stack gap={4} mt="xs" data-testid="services">
            {d.services.map((s) => (
              <Group key={`${s.kind}-${s.nameRu}-${s.from}`} justify="space-between" wrap="nowrap" align="start">
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase">
                    {t(`svc.kinds.${s.kind}`)}
                  </Text>
                  <Text>{localName(s)}</Text>
                  {(s.address || (s.monthlyFee === 0 && s.until) || s.from > d.today) && (
                    <Text size="sm" c="dimmed">
                      {[
                        s.from > d.today ? t('svc.fromDate', { date: date(s.from) }) : '',
                        s.address ? t('svc.address', { address: s.address }) : '',
                        s.monthlyFee === 0 && s.until ? t('svc.freeUntil', { date: date(s.until) }) : '',
                      ]
                        .filter(Boolean)
                        .join(', ')}
                    </Text>
                  )}
                </div>
                <Text style={{ whiteSpace: 'nowrap' }}>{rub(s.monthlyFee)}</Text>
              </Group>
            ))}
          </Stack>
        )}
        <Text mt="md" fw={600}>
          {t('info.monthly')}: {rub(d.monthlyFee)}
        </Text>
        {live && (
          <Group mt="md" gap="xs">
            <Button component={Link} to="/cabinet/services" variant="light">
              {t('svc.changeTariff')}
            </Button>
            <Button component={Link} to="/cabinet/services" variant="default">
              {t('svc.manageServices')}
            </Button>
            <Button component={Link} to="/cabinet/suspension" variant="default">
              {t('svc.suspend')}
            </Button>
          </Group>
        )}
      </Card>
      <Group justify="space-between">
        <Text size="sm">
          {t('public.hotline')}: <Anchor href={`tel:${d.region.supportPhone}`}>{phone(d.region.supportPhone)}</Anchor>
        </Text>
        {live && (
          <Anchor component={Link} to="/cabinet/termination" size="sm">
            {t('svc.terminate')}
          </Anchor>
        )}
      </Group>
    </Stack>
  );
}
