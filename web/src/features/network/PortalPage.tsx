import './i18n';

import { Alert, Button, Card, Container, Group, List, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { phone, rub } from '../../components/format';
import { PublicHeader } from '../public/PublicHeader';

/**
 * The captive portal a debtor's browser is redirected to. No sign-in: the API finds the account by the
 * caller's address (its open session) and gives only the account number, balance and status, never a name.
 */
export function PortalPage() {
  const { t } = useTranslation();
  const me = useQuery({ queryKey: ['portal-me'], queryFn: () => api.GET('/api/portal/me'), refetchInterval: 30_000 });
  const allow = useQuery({ queryKey: ['portal-allow'], queryFn: () => api.GET('/api/portal/allow-list') });
  const p = me.data;
  const known = p?.identified && p.accountNumber !== null && p.status !== null;
  const payTo = known ? `/pay?account=${encodeURIComponent(p.accountNumber!)}` : '/pay';
  return (
    <>
      <PublicHeader />
      <Container component="main" size="xs" py="xl">
        <Stack>
          {me.isLoading && <Loader />}
          <ErrorAlert error={me.error} />
          {p && (
            <Title order={1} size="h2">
              {known ? t('net.portal.title') : t('net.portal.unknownTitle')}
            </Title>
          )}
          {p && known && (
            <Card withBorder>
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text c="dimmed">{t('net.portal.account')}</Text>
                  <Text fw={600} data-testid="portal-account">
                    {p.accountNumber}
                  </Text>
                </Group>
                <Group justify="space-between">
                  <Text c="dimmed">{t('net.portal.balance')}</Text>
                  <Text fw={700} fz="xl" c={(p.balance ?? 0) < 0 ? 'red.8' : undefined} data-testid="portal-balance">
                    {rub(p.balance ?? 0)}
                  </Text>
                </Group>
                <Text>{t(`net.portal.why.${p.status!}`)}</Text>
                {p.status === 'blocked' && p.toPay !== null && p.toPay > 0 && (
                  <Alert color="orange" variant="light" data-testid="portal-to-pay">
                    {t('net.portal.toPay', { amount: rub(p.toPay) })}
                  </Alert>
                )}
              </Stack>
            </Card>
          )}
          {p && !known && <Text>{t('net.portal.unknown')}</Text>}
          {p && (
            <Group grow>
              <Button component={Link} to={payTo} size="md">
                {t('net.portal.topUp')}
              </Button>
              <Button component={Link} to="/login" variant="default" size="md">
                {t('net.portal.cabinet')}
              </Button>
            </Group>
          )}
          {p?.supportPhone && <Text>{t('net.portal.support', { phone: phone(p.supportPhone) })}</Text>}
          {allow.data && allow.data.domains.length > 0 && (
            <Card withBorder>
              <Text fw={600} mb="xs">
                {t('net.portal.reachable')}
              </Text>
              <List size="sm">
                {allow.data.domains.map((d) => (
                  <List.Item key={d.domain}>
                    {d.what} ({d.domain})
                  </List.Item>
                ))}
              </List>
            </Card>
          )}
        </Stack>
      </Container>
    </>
  );
}
