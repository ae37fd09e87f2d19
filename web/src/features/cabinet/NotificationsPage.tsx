import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { MessengerLinks } from '../messengers/MessengerLinks';
import { NoticeSettings } from '../messengers/NoticeSettings';

export function NotificationsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api.GET('/api/me/notifications', { params: { query: { limit: 50 } } }).then((r) => r.notifications),
  });
  const readAll = useMutation({
    mutationFn: () => api.POST('/api/me/notifications/read-all'),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['notifications'] }),
        qc.invalidateQueries({ queryKey: ['unread'] }),
      ]),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('notifications.title')}
        </Title>
        <Button variant="default" size="compact-sm" onClick={() => readAll.mutate()}>
          {t('notifications.markAll')}
        </Button>
      </Group>
      <MessengerLinks />
      <NoticeSettings />
      {list.data?.length === 0 && <Text c="dimmed">{t('notifications.empty')}</Text>}
      {list.data?.map((m) => (
        <Card withBorder key={m.id}>
          <Group justify="space-between">
            <Text fw={600}>{m.subject}</Text>
            {!m.read && <Badge size="sm">new</Badge>}
          </Group>
          <Text size="sm">{m.body}</Text>
          <Text size="xs" c="dimmed">
            {new Date(m.createdAt).toLocaleString()}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
