import '../i18n';

import { Alert, Anchor, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { date, phone } from '../../../components/format';

/** Booked termination visits, soonest first: open the card to terminate, or mark missed / cancelled. */
export function VisitsQueuePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [done, setDone] = useState(false);
  const q = useQuery({
    queryKey: ['staff-visits'],
    queryFn: () => api.GET('/api/staff/termination-visits').then((r) => r.visits),
  });
  const close = useMutation({
    mutationFn: (x: { id: number; status: 'missed' | 'cancelled' }) =>
      api.POST('/api/staff/termination-visits/{id}/close', {
        params: { path: { id: x.id } },
        body: { status: x.status },
      }),
    onSuccess: () => {
      setDone(true);
      void qc.invalidateQueries();
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staffsvc.visits')}
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
      <ErrorAlert error={q.error ?? close.error} />
      {q.isLoading && <Loader />}
      {q.data?.length === 0 && <Text c="dimmed">{t('staffsvc.empty')}</Text>}
      {!!q.data?.length && (
        <Table striped data-testid="visits-queue">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('staffsvc.visitAt')}</Table.Th>
              <Table.Th scope="col">{t('staffsvc.subscriber')}</Table.Th>
              <Table.Th scope="col" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                  {date(r.date)} {r.time}
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'normal' }}>
                    {r.office}, {r.address}
                  </Text>
                </Table.Td>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <Anchor component={Link} to={`/staff/accounts/${r.accountId}`}>
                    {r.subscriber}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {r.account}
                    {r.phone ? ` · ${phone(r.phone)}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <Group gap="xs">
                    <Button size="compact-sm" component={Link} to={`/staff/accounts/${r.accountId}?tab=termination`}>
                      {t('staffsvc.toTerminate')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => close.mutate({ id: r.id, status: 'missed' })}
                    >
                      {t('staffsvc.missed')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      onClick={() => close.mutate({ id: r.id, status: 'cancelled' })}
                    >
                      {t('staffsvc.cancelVisit')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
