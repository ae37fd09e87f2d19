import '../i18n';

import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../../api/client';

/** The staff home page's service queues with what waits in each. */
export function QueueCounts() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['service-queues'],
    queryFn: () => api.GET('/api/staff/service-queues'),
    refetchInterval: 60_000,
  });
  if (!q.data) return null;
  const items = [
    { to: '/staff/suspensions', label: t('staffsvc.suspensions'), n: q.data.suspensions, id: 'suspensions' },
    { to: '/staff/mobile-requests', label: t('staffsvc.mobileRequests'), n: q.data.mobileRequests, id: 'mobile' },
    {
      to: '/staff/visits',
      label: t('staffsvc.visits'),
      n: q.data.terminationVisits,
      id: 'visits',
      extra: q.data.terminationVisitsDue,
    },
  ];
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('staffsvc.queues')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {items.map((i) => (
          <Card withBorder key={i.id} data-testid={`queue-${i.id}`}>
            <Group justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={i.to} fw={600}>
                {i.label}
              </Anchor>
              <Badge size="lg" variant="light" color={i.n > 0 ? 'orange' : 'gray'} aria-label={`${i.label}: ${i.n}`}>
                {i.n}
              </Badge>
            </Group>
            {i.extra !== undefined && i.extra > 0 && (
              <Text size="sm" c="dimmed">
                {t('staffsvc.visitsDue', { count: i.extra })}
              </Text>
            )}
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
