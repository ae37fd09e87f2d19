import '../i18n';

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { date, phone } from '../../../components/format';

/** Mobile internet requests: call back, then connect or refuse (with a note the subscriber reads). */
export function MobileQueuePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [done, setDone] = useState(false);
  const q = useQuery({
    queryKey: ['staff-mobile'],
    queryFn: () => api.GET('/api/staff/mobile-requests').then((r) => r.requests),
  });
  const handle = useMutation({
    mutationFn: (x: { id: number; status: 'in_progress' | 'connected' | 'refused' }) =>
      api.POST('/api/staff/mobile-requests/{id}', {
        params: { path: { id: x.id } },
        body: { status: x.status, note: notes[x.id] || undefined },
      }),
    onSuccess: () => {
      setDone(true);
      void qc.invalidateQueries();
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staffsvc.mobileRequests')}
      </Title>
      {done && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel={t('svc.close')}
          onClose={() => setDone(false)}
        >
          {t('staffsvc.handled')}
        </Alert>
      )}
      <ErrorAlert error={q.error ?? handle.error} />
      {q.isLoading && <Loader />}
      {q.data?.length === 0 && <Text c="dimmed">{t('staffsvc.empty')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {q.data?.map((r) => (
          <Card withBorder key={r.id} data-testid={`mobile-request-${r.id}`}>
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap">
                <Anchor component={Link} to={`/staff/accounts/${r.accountId}`} fw={600}>
                  {r.subscriber}
                </Anchor>
                <Badge variant="light" color={r.status === 'new' ? 'blue' : 'yellow'}>
                  {t(`svc.requestStatus.${r.status}`)}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {r.account} · {r.region} · {t('staffsvc.created')} {date(r.createdAt.slice(0, 10))}
              </Text>
              <Text>
                {t('staffsvc.phone')}: <Anchor href={`tel:+${r.phone}`}>{phone(r.phone)}</Anchor>
              </Text>
              <Text>
                {t('staffsvc.when')}: {r.convenientTime}
              </Text>
              {r.packageRu && (
                <Text>
                  {t('staffsvc.package')}: {r.packageRu}
                </Text>
              )}
              {r.comment && <Text size="sm">{r.comment}</Text>}
              <TextInput
                label={t('staffsvc.note')}
                value={notes[r.id] ?? r.staffNote ?? ''}
                onChange={(e) => setNotes({ ...notes, [r.id]: e.currentTarget.value })}
                maxLength={500}
              />
              <Group gap="xs">
                {r.status === 'new' && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    onClick={() => handle.mutate({ id: r.id, status: 'in_progress' })}
                  >
                    {t('staffsvc.take')}
                  </Button>
                )}
                <Button size="compact-sm" onClick={() => handle.mutate({ id: r.id, status: 'connected' })}>
                  {t('staffsvc.connected')}
                </Button>
                <Button
                  size="compact-sm"
                  variant="default"
                  disabled={!(notes[r.id] ?? '').trim()}
                  title={t('staffsvc.noteRequired')}
                  onClick={() => handle.mutate({ id: r.id, status: 'refused' })}
                >
                  {t('staffsvc.refuseRequest')}
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
