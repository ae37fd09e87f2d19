import './jobs-i18n';

import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Admins: background jobs that gave up (dead), with their last error and "run again". */
export function JobsPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [done, setDone] = useState<number | null>(null);
  const q = useQuery({
    queryKey: ['staff-jobs', page],
    queryFn: () => api.GET('/api/staff/jobs', { params: { query: { state: 'dead', page, pageSize: 50 } } }),
  });
  const retry = useMutation({
    mutationFn: (jobId: number) => api.POST('/api/staff/jobs/{jobId}/retry', { params: { path: { jobId } } }),
    onSuccess: (job) => {
      setDone(job.id);
      return qc.invalidateQueries({ queryKey: ['staff-jobs'] });
    },
  });
  const jobName = (name: string) => (i18n.exists(`jobs.name.${name}`) ? t(`jobs.name.${name}`) : t('jobs.other'));
  const when = (iso: string | null) =>
    iso ? new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU') : '—';
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / q.data.pageSize)) : 1;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('jobs.title')}
      </Title>
      <Text c="dimmed">{t('jobs.hint')}</Text>
      <ErrorAlert error={q.error ?? retry.error} />
      {done !== null && (
        <Alert color="green" role="status" withCloseButton onClose={() => setDone(null)}>
          {t('jobs.retried', { id: done })}
        </Alert>
      )}
      {q.data &&
        (q.data.jobs.length === 0 ? (
          <Text>{t('jobs.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('jobs.stopped')}</Table.Th>
                  <Table.Th>{t('jobs.job')}</Table.Th>
                  <Table.Th ta="right">{t('jobs.attempts')}</Table.Th>
                  <Table.Th>{t('jobs.error')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.jobs.map((j) => (
                  <Table.Tr key={j.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(j.finishedAt)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{jobName(j.name)}</Text>
                      <Text size="xs" c="dimmed">
                        № {j.id}
                        {j.key ? ` · ${j.key}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      {j.attempts} / {j.maxAttempts}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: 'break-word' }}>
                        {j.lastError ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={retry.isPending && retry.variables === j.id}
                        onClick={() => retry.mutate(j.id)}
                        aria-label={t('jobs.retryFor', { id: j.id })}
                      >
                        {t('jobs.retry')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
      {q.data && pages > 1 && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('jobs.prev')}
          </Button>
          <Text>
            {page} / {pages}
          </Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('jobs.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
