import './i18n';

import { Button, Group, Loader, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';
import { usePublicRegions } from '../../components/usePublicRegions';
import { bytes, duration, when } from './format';
import { NotApplied } from './NotApplied';
import { DisconnectResult, useDisconnect } from './useDisconnect';

const PAGE = 50;

/**
 * «Онлайн» (operator, support, admin): who is online now across the ISP or one region, found by login,
 * account number or IP, with the subscriber card one click away and "Отключить" (a Disconnect-Request to
 * the NAS, audited). Refreshed every 30 s, like the card.
 */
export function OnlinePage() {
  const { t } = useTranslation();
  const regions = usePublicRegions();
  const [regionId, setRegionId] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const query = {
    limit,
    ...(regionId ? { regionId: Number(regionId) } : {}),
    ...(q ? { q } : {}),
  };
  const list = useQuery({
    queryKey: ['staff-online', query],
    queryFn: () => api.GET('/api/staff/network/online', { params: { query } }),
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
  const disconnect = useDisconnect(['staff-online']);
  const data = list.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('net.onlinePage.title')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
          setLimit(PAGE);
        }}
      >
        <Group align="end">
          <Select
            label={t('net.nasPage.region')}
            placeholder={t('net.onlinePage.allRegions')}
            clearable
            data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
            value={regionId}
            onChange={(v) => {
              setRegionId(v);
              setLimit(PAGE);
            }}
            w={240}
          />
          <TextInput
            label={t('net.onlinePage.search')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            maxLength={64}
            w={280}
          />
          <Button type="submit" variant="default">
            {t('net.onlinePage.find')}
          </Button>
        </Group>
      </form>
      <NotApplied regionId={regionId ? Number(regionId) : null} />
      <DisconnectResult status={disconnect.data?.status} />
      <ErrorAlert error={list.error ?? disconnect.error} />
      {list.isLoading && <Loader />}
      {data && (
        <Text fw={600} data-testid="online-total">
          {t('net.onlinePage.total', { n: data.total })}
        </Text>
      )}
      {data?.sessions.length === 0 && <Text c="dimmed">{t('net.onlinePage.none')}</Text>}
      {data && data.sessions.length > 0 && (
        <Table.ScrollContainer minWidth={860} type="native" tabIndex={0}>
          <Table striped data-testid="online-list">
            <HiddenCaption>{t('net.onlinePage.title')}</HiddenCaption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('net.onlinePage.account')}</Table.Th>
                <Table.Th scope="col">{t('net.onlinePage.login')}</Table.Th>
                <Table.Th scope="col">{t('net.staff.nas')}</Table.Th>
                <Table.Th scope="col">{t('net.ip')}</Table.Th>
                <Table.Th scope="col">{t('net.started')}</Table.Th>
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
              {data.sessions.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    {s.accountId ? (
                      <Link to={`/staff/accounts/${s.accountId}`}>{s.accountNumber}</Link>
                    ) : (
                      <Text c="dimmed">{t('net.onlinePage.unknown')}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>{s.username}</Table.Td>
                  <Table.Td>{s.nas}</Table.Td>
                  <Table.Td>{s.framedIp ?? '—'}</Table.Td>
                  <Table.Td>{when(s.startedAt)}</Table.Td>
                  <Table.Td>{duration(s.seconds)}</Table.Td>
                  <Table.Td ta="right">
                    {bytes(s.downloadBytes)} / {bytes(s.uploadBytes)}
                  </Table.Td>
                  <Table.Td>
                    {s.accountId && (
                      <Button
                        size="compact-sm"
                        color="red"
                        variant="outline"
                        aria-label={t('net.onlinePage.disconnectFor', { login: s.username })}
                        loading={disconnect.isPending && disconnect.variables.sessionId === s.id}
                        onClick={() => disconnect.mutate({ accountId: s.accountId!, sessionId: s.id })}
                      >
                        {t('net.staff.disconnect')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data && data.total > data.sessions.length && (
        <Button variant="default" w="fit-content" onClick={() => setLimit((l) => Math.min(200, l + PAGE))}>
          {t('net.onlinePage.more')}
        </Button>
      )}
    </Stack>
  );
}
