import './i18n';

import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { dateTime, names, STATUS_COLORS } from './format';

/** For the subscriber card (support and admin staff): the subscriber's recent tickets. */
export function SubscriberTickets({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['support', 'account-tickets', accountId],
    queryFn: () => api.GET('/api/staff/accounts/{accountId}/support-tickets', { params: { path: { accountId } } }),
  });
  if (!q.data) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        {t('supportStaff.staffTickets')}
      </Title>
      <Stack gap={4}>
        {q.data.tickets.length === 0 && <Text size="sm">{t('support.noTickets')}</Text>}
        {q.data.tickets.map((x) => (
          <Group key={x.id} justify="space-between" wrap="nowrap">
            <Anchor component={Link} to={`/staff/support/${x.id}`} size="sm" truncate>
              № {x.id} · {x.subject} · {names(x.category)}
            </Anchor>
            <Group gap="xs" wrap="nowrap">
              <Text size="xs" c="dimmed">
                {dateTime(x.createdAt)}
              </Text>
              <Badge color={STATUS_COLORS[x.status]} variant="light" size="sm">
                {t(`supportStaff.statuses.${x.status}`)}
              </Badge>
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
