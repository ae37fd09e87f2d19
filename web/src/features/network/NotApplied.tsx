import './i18n';

import { Alert, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';
import { when } from './format';
import { useDisconnect } from './useDisconnect';

/**
 * «Не применено на NAS» on «Онлайн»: changes the NAS refused or never answered (a debtor may still have
 * access), for staff to cut by hand — «Отключить» sends a Disconnect-Request again — and mark resolved. An
 * item also goes once its session ends or a later request is acknowledged. Hidden when there is none.
 */
export function NotApplied({ regionId }: { regionId: number | null }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const query = regionId ? { regionId } : {};
  const list = useQuery({
    queryKey: ['staff-escalations', query],
    queryFn: () => api.GET('/api/staff/network/escalations', { params: { query } }),
    refetchInterval: 30_000,
  });
  const disconnect = useDisconnect(['staff-escalations']);
  const resolve = useMutation({
    mutationFn: (id: number) => api.POST('/api/staff/network/escalations/{id}/resolve', { params: { path: { id } } }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['staff-escalations'] }),
  });
  const items = list.data?.items ?? [];
  if (items.length === 0 && !list.error) return null;
  return (
    <Stack gap="xs" data-testid="not-applied">
      <Title order={2} size="h4">
        {t('net.notApplied.title', { n: items.length })}
      </Title>
      <Alert color="orange" variant="light">
        {t('net.notApplied.hint')}
      </Alert>
      <ErrorAlert error={list.error ?? resolve.error ?? disconnect.error} />
      <Table.ScrollContainer minWidth={860} type="native" tabIndex={0}>
        <Table striped>
          <HiddenCaption>{t('net.notApplied.title', { n: items.length })}</HiddenCaption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('net.onlinePage.account')}</Table.Th>
              <Table.Th scope="col">{t('net.onlinePage.login')}</Table.Th>
              <Table.Th scope="col">{t('net.staff.nas')}</Table.Th>
              <Table.Th scope="col">{t('net.notApplied.what')}</Table.Th>
              <Table.Th scope="col">{t('net.notApplied.answer')}</Table.Th>
              <Table.Th scope="col">{t('net.notApplied.since')}</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>{t('net.notApplied.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Link to={`/staff/accounts/${e.accountId}`}>{e.accountNumber ?? e.accountId}</Link>
                </Table.Td>
                <Table.Td>
                  {e.username ?? '—'}
                  {!e.online && (
                    <Text size="xs" c="dimmed">
                      {t('net.notApplied.ended')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{e.nas ?? '—'}</Table.Td>
                <Table.Td>{t(`net.notApplied.kind.${e.requestKind}`)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={e.kind === 'nak' ? 'red' : 'orange'}>
                    {e.kind === 'nak' ? t('net.notApplied.refused') : t('net.notApplied.noAnswer')}
                  </Badge>
                  {e.error && (
                    <Text size="xs" c="dimmed">
                      {e.error}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{when(e.createdAt)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {e.online && (
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="outline"
                        loading={disconnect.isPending && disconnect.variables.sessionId === e.sessionId}
                        onClick={() => disconnect.mutate({ accountId: e.accountId, sessionId: e.sessionId })}
                      >
                        {t('net.staff.disconnect')}
                      </Button>
                    )}
                    <Button
                      size="compact-sm"
                      variant="default"
                      loading={resolve.isPending && resolve.variables === e.id}
                      onClick={() => resolve.mutate(e.id)}
                    >
                      {t('net.notApplied.resolve')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
