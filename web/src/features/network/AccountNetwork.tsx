import './i18n';

import { Badge, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';
import { bytes, cause, duration, when } from './format';
import { DisconnectResult, useDisconnect } from './useDisconnect';

/**
 * The subscriber card's "Интернет" section (operator, support, admin): how the account connects, its
 * sessions online now with "Отключить" (a Disconnect-Request to the NAS, audited), recent sessions,
 * commands sent to the equipment and connection attempts.
 */
export function AccountNetwork({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const key = ['staff-account-network', accountId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.GET('/api/staff/accounts/{id}/network', { params: { path: { id: accountId } } }),
    refetchInterval: 30_000,
  });
  const disconnect = useDisconnect(key);
  const n = q.data;
  return (
    <Stack>
      <Title order={2} size="h4">
        {t('net.staff.section')}
      </Title>
      <ErrorAlert error={q.error} />
      {n && (
        <Card withBorder>
          {n.access ? (
            <Group gap="xl">
              {n.access.login && (
                <Text>
                  {t('net.staff.login')}: <b>{n.access.login}</b>
                </Text>
              )}
              {n.access.mac && (
                <Text>
                  {t('net.staff.mac')}: <b>{n.access.mac}</b>
                </Text>
              )}
              {n.access.staticIp && <Text>{t('net.staticIp', { ip: n.access.staticIp })}</Text>}
            </Group>
          ) : (
            <Text>{t('net.staff.noAccess')}</Text>
          )}
        </Card>
      )}
      <Title order={3} size="h5">
        {t('net.staff.onlineNow')}
      </Title>
      <DisconnectResult status={disconnect.data?.status} />
      <ErrorAlert error={disconnect.error} />
      {n &&
        (n.online.length === 0 ? (
          <Text c="dimmed">{t('net.staff.noneOnline')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={640} type="native" tabIndex={0}>
            <Table data-testid="online-sessions">
              <HiddenCaption>{t('net.staff.onlineNow')}</HiddenCaption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('net.started')}</Table.Th>
                  <Table.Th scope="col">{t('net.staff.nas')}</Table.Th>
                  <Table.Th scope="col">{t('net.ip')}</Table.Th>
                  <Table.Th scope="col">{t('net.duration')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('net.download')} / {t('net.upload')}
                  </Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('net.staff.disconnect')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {n.online.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{when(s.startedAt)}</Table.Td>
                    <Table.Td>{s.nas}</Table.Td>
                    <Table.Td>{s.framedIp ?? '—'}</Table.Td>
                    <Table.Td>{duration(s.seconds)}</Table.Td>
                    <Table.Td ta="right">
                      {bytes(s.downloadBytes)} / {bytes(s.uploadBytes)}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="outline"
                        loading={disconnect.isPending && disconnect.variables.sessionId === s.id}
                        onClick={() => disconnect.mutate({ accountId, sessionId: s.id })}
                      >
                        {t('net.staff.disconnect')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
      {n && n.recentSessions.length > 0 && (
        <>
          <Title order={3} size="h5">
            {t('net.staff.recent')}
          </Title>
          <Table.ScrollContainer minWidth={640} type="native" tabIndex={0}>
            <Table striped>
              <HiddenCaption>{t('net.staff.recent')}</HiddenCaption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('net.started')}</Table.Th>
                  <Table.Th scope="col">{t('net.ended')}</Table.Th>
                  <Table.Th scope="col">{t('net.staff.nas')}</Table.Th>
                  <Table.Th scope="col">{t('net.ip')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('net.download')} / {t('net.upload')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {n.recentSessions.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>{when(s.startedAt)}</Table.Td>
                    <Table.Td>
                      {s.stoppedAt ? when(s.stoppedAt) : t('net.stillOnline')}
                      {s.terminateCause && (
                        <Text size="xs" c="dimmed">
                          {cause(s.terminateCause)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{s.nas}</Table.Td>
                    <Table.Td>{s.framedIp ?? '—'}</Table.Td>
                    <Table.Td ta="right">
                      {bytes(s.downloadBytes)} / {bytes(s.uploadBytes)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      {n && n.coa.length > 0 && (
        <>
          <Title order={3} size="h5">
            {t('net.staff.coa')}
          </Title>
          <Table.ScrollContainer minWidth={520} type="native" tabIndex={0}>
            <Table striped>
              <Table.Tbody>
                {n.coa.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{when(c.createdAt)}</Table.Td>
                    <Table.Td>{t(`net.staff.coaKind.${c.kind}`)}</Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={c.status === 'ack' ? 'green' : c.status === 'pending' ? 'gray' : 'red'}
                      >
                        {t(`net.staff.coaStatus.${c.status}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      {n && n.authLog.length > 0 && (
        <>
          <Title order={3} size="h5">
            {t('net.staff.authLog')}
          </Title>
          <Table.ScrollContainer minWidth={520} type="native" tabIndex={0}>
            <Table striped>
              <Table.Tbody>
                {n.authLog.map((a, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{when(a.at)}</Table.Td>
                    <Table.Td>{a.username}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={a.result === 'accept' ? 'green' : 'red'}>
                        {t(`net.staff.${a.result}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
