import './i18n';

import { Badge, Button, Card, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

type Settings = ApiData<'get', '/api/me/notice-settings'>;
type Channel = Settings['types'][number]['channels'][number];
const CHANNELS: Channel[] = ['telegram', 'sms', 'email'];

/**
 * Per notice type, the channels the subscriber wants (Telegram first; SMS only when Telegram did not
 * deliver, if both are ticked), which channels can work now, and the latest deliveries — an SMS sent
 * instead of an undelivered Telegram message is marked.
 */
export function NoticeSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['notice-settings'], queryFn: () => api.GET('/api/me/notice-settings') });
  const [choice, setChoice] = useState<Settings['types'] | null>(null);
  useEffect(() => {
    if (settings.data) setChoice(settings.data.types);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (types: Settings['types']) => api.PUT('/api/me/notice-settings', { body: { types } }),
    onSuccess: (data) => qc.setQueryData(['notice-settings'], data),
  });
  const data = settings.data;
  if (!data || !choice) return null;
  const note = (c: Channel) =>
    c === 'email' && !data.channels.email.ready
      ? t('noticeSettings.noEmail')
      : c === 'sms' && !data.channels.sms.ready
        ? t('noticeSettings.noPhone')
        : c === 'telegram' && data.channels.telegram.linked === 0
          ? t('noticeSettings.notLinked')
          : null;
  const channels = CHANNELS.filter((c) => c !== 'telegram' || data.channels.telegram.configured);
  const toggle = (type: string, c: Channel, on: boolean) =>
    setChoice(
      choice.map((x) =>
        x.type !== type ? x : { ...x, channels: on ? [...x.channels, c] : x.channels.filter((y) => y !== c) },
      ),
    );
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('noticeSettings.title')}
        </Title>
        <Text size="sm">{t('noticeSettings.lead')}</Text>
        <Table.ScrollContainer minWidth={320}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('noticeSettings.type')}</Table.Th>
                {channels.map((c) => (
                  <Table.Th key={c} ta="center">
                    {t(`noticeSettings.channel.${c}`)}
                    {note(c) && (
                      <Text size="xs" c="dimmed" fw={400}>
                        {note(c)}
                      </Text>
                    )}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {choice.map((row) => (
                <Table.Tr key={row.type}>
                  <Table.Td>{t(`noticeSettings.types.${row.type}`)}</Table.Td>
                  {channels.map((c) => (
                    <Table.Td key={c}>
                      <Group justify="center">
                        <Checkbox
                          aria-label={`${t(`noticeSettings.types.${row.type}`)}: ${t(`noticeSettings.channel.${c}`)}`}
                          checked={row.channels.includes(c)}
                          onChange={(e) => toggle(row.type, c, e.currentTarget.checked)}
                        />
                      </Group>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group>
          <Button onClick={() => save.mutate(choice)} loading={save.isPending}>
            {t('noticeSettings.save')}
          </Button>
          {save.isSuccess && <Text c="green">{t('noticeSettings.saved')}</Text>}
        </Group>
        <ErrorAlert error={save.error} />
        {data.recent.length > 0 && (
          <Stack gap={4}>
            <Text fw={600}>{t('noticeSettings.recent')}</Text>
            {data.recent.map((r) => (
              <Group key={r.id} gap="xs" wrap="nowrap">
                <Badge
                  variant="light"
                  color={r.state === 'failed' || r.state === 'undelivered' ? 'red' : 'gray'}
                  style={{ flexShrink: 0, overflow: 'visible' }}
                >
                  {t(`noticeSettings.channel.${r.channel}`)}
                </Badge>
                <Text size="sm" style={{ flex: 1 }}>
                  {r.subject} — {t(`noticeSettings.state.${r.state}`)}
                  {r.fallback && ` (${t('noticeSettings.fallback')})`}
                </Text>
                <Text size="xs" c="dimmed" visibleFrom="xs">
                  {new Date(r.createdAt).toLocaleString()}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
