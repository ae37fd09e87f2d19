import './i18n';

import { Badge, Button, Card, Code, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';
import { monthStartOf, useRegionToday } from '../cabinet/useStatement';
import { bytes, cause, duration, when } from './format';

/** Cabinet: how I connect, online now, my sessions for a period with traffic in human units. */
export default function SessionsPage() {
  const today = useRegionToday();
  return today ? <Sessions today={today} /> : <Loader />;
}

function Sessions({ today }: { today: string }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(monthStartOf(today));
  const [to, setTo] = useState(today);
  const [period, setPeriod] = useState({ from, to });
  const network = useQuery({ queryKey: ['my-network'], queryFn: () => api.GET('/api/me/network') });
  const sessions = useQuery({
    queryKey: ['my-sessions', period],
    queryFn: () => api.GET('/api/me/sessions', { params: { query: period } }),
    refetchInterval: 60_000,
  });
  const password = useMutation({ mutationFn: () => api.GET('/api/me/network/password') });
  const n = network.data;
  const s = sessions.data;

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('net.title')}
      </Title>
      <ErrorAlert error={network.error ?? sessions.error} />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('net.connection')}
          </Text>
          {s && (
            <Group gap="xs" my={4}>
              <Badge color={s.online ? 'green' : 'gray'} variant="light" data-testid="online-state">
                {s.online ? t('net.onlineNow') : t('net.offlineNow')}
              </Badge>
            </Group>
          )}
          {n && <Text>{t(`net.kind.${n.kind}`, { login: n.login ?? '' })}</Text>}
          {n?.staticIp && <Text>{t('net.staticIp', { ip: n.staticIp })}</Text>}
          {n?.kind === 'pppoe' &&
            (password.data ? (
              <Text>
                {t('net.password')}: <Code>{password.data.password}</Code>
              </Text>
            ) : (
              <Button
                variant="subtle"
                px={0}
                onClick={() => password.mutate()}
                loading={password.isPending}
                style={{ alignSelf: 'start' }}
              >
                {t('net.showPassword')}
              </Button>
            ))}
          <ErrorAlert error={password.error} />
        </Card>
        {s && (
          <Card withBorder>
            <Text size="sm" c="dimmed">
              {t('net.totals')}
            </Text>
            <Group justify="space-between">
              <Text>{t('net.sessionsCount')}</Text>
              <Text fw={600}>{s.totals.sessions}</Text>
            </Group>
            <Group justify="space-between">
              <Text>{t('net.duration')}</Text>
              <Text fw={600}>{duration(s.totals.seconds)}</Text>
            </Group>
            <Group justify="space-between">
              <Text>{t('net.download')}</Text>
              <Text fw={600} data-testid="total-download">
                {bytes(s.totals.downloadBytes)}
              </Text>
            </Group>
            <Group justify="space-between">
              <Text>{t('net.upload')}</Text>
              <Text fw={600} data-testid="total-upload">
                {bytes(s.totals.uploadBytes)}
              </Text>
            </Group>
          </Card>
        )}
      </SimpleGrid>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod({ from, to });
        }}
      >
        <Group align="end">
          <DateField label={t('stats.from')} value={from} onChange={setFrom} />
          <DateField label={t('stats.to')} value={to} onChange={setTo} />
          <Button type="submit">{t('stats.show')}</Button>
        </Group>
      </form>
      {sessions.isLoading && <Loader />}
      {s &&
        (s.sessions.length === 0 ? (
          <Text c="dimmed">{t('net.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={560} type="native" tabIndex={0}>
            <Table striped data-testid="sessions">
              <HiddenCaption>{t('net.recent')}</HiddenCaption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('net.started')}</Table.Th>
                  <Table.Th scope="col">{t('net.ended')}</Table.Th>
                  <Table.Th scope="col">{t('net.ip')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('net.download')}
                  </Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('net.upload')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.sessions.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>{when(x.startedAt)}</Table.Td>
                    <Table.Td>
                      {x.stoppedAt ? (
                        <>
                          {when(x.stoppedAt)}
                          {x.terminateCause && (
                            <Text size="xs" c="dimmed">
                              {cause(x.terminateCause)}
                            </Text>
                          )}
                        </>
                      ) : (
                        <Badge color="green" variant="light">
                          {t('net.stillOnline')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{x.framedIp ?? '—'}</Table.Td>
                    <Table.Td ta="right">{bytes(x.downloadBytes)}</Table.Td>
                    <Table.Td ta="right">{bytes(x.uploadBytes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
    </Stack>
  );
}
