import './i18n';

import { Alert, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { whenIn } from './when';

/**
 * The cabinet's outage banner (overview and support pages, docs/outages.md): each outage of the
 * subscriber's area with its start and expected end in the region's time. Refreshed every minute, so
 * a moved end shows without a reload and a closed outage goes away.
 */
export function OutageBanner() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['me', 'outages'],
    queryFn: () => api.GET('/api/me/outages'),
    refetchInterval: 60_000,
  });
  const list = q.data?.outages ?? [];
  if (list.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="outage-banner">
      {list.map((o) => {
        const started = new Date(o.startsAt).getTime() <= Date.now();
        return (
          <Alert
            key={o.id}
            color="orange"
            variant="light"
            role="alert"
            title={t(started ? 'outageBanner.title' : 'outageBanner.planned', { title: o.title })}
          >
            <Stack gap={4}>
              {o.description && <Text size="sm">{o.description}</Text>}
              <Text size="sm" fw={700}>
                {t('outageBanner.until', { when: whenIn(o.expectedEndAt, o.timeZone) })}
              </Text>
              <Text size="sm">
                {t(started ? 'outageBanner.since' : 'outageBanner.from', { when: whenIn(o.startsAt, o.timeZone) })}
                {' · '}
                {t('outageBanner.updated', { when: whenIn(o.updatedAt, o.timeZone) })}
              </Text>
              {started && <Text size="sm">{t('outageBanner.note')}</Text>}
            </Stack>
          </Alert>
        );
      })}
    </Stack>
  );
}
