import './i18n';

import { mayRunBulk } from '@common/bulk';
import { Anchor, Badge, Button, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';
import { live, STATE_COLOR, whenStaff } from './status';

/** The back office's bulk operations: newest first, with progress, outcome and money. */
export function BulkPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'support';
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['bulk', page],
    queryFn: () => api.GET('/api/staff/bulk', { params: { query: { page, pageSize: 20 } } }),
    refetchInterval: (query) => (query.state.data?.operations.some((o) => live(o.state)) ? 2000 : false),
  });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / q.data.pageSize)) : 1;
  const canRun = (['tariff', 'message', 'compensation', 'block', 'unblock'] as const).some((k) => mayRunBulk(k, role));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('bulk.title')}
        </Title>
        {canRun && (
          <Button component={Link} to="/staff/bulk/new">
            {t('bulk.new')}
          </Button>
        )}
      </Group>
      <Text c="dimmed" maw={900}>
        {t('bulk.lead')}
      </Text>
      <ErrorAlert error={q.error} />
      {q.data && q.data.operations.length === 0 && <Text>{t('bulk.none')}</Text>}
      {q.data && q.data.operations.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('bulk.kind')}</Table.Th>
                <Table.Th>{t('bulk.result')}</Table.Th>
                <Table.Th ta="right">{t('bulk.selected')}</Table.Th>
                <Table.Th ta="right">{t('bulk.succeeded')}</Table.Th>
                <Table.Th ta="right">{t('bulk.skipped')}</Table.Th>
                <Table.Th ta="right">{t('bulk.failed')}</Table.Th>
                <Table.Th ta="right">{t('bulk.moved')}</Table.Th>
                <Table.Th>{t('bulk.started')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.operations.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/staff/bulk/${o.id}`}>
                      {t('bulk.number', { id: o.id })} · {t(`bulk.kinds.${o.kind}`)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td miw={160}>
                    <Badge color={STATE_COLOR[o.state]} variant="light">
                      {t(`bulk.states.${o.state}`)}
                    </Badge>
                    {live(o.state) && o.total > 0 && (
                      <Progress
                        mt={4}
                        value={(100 * o.processed) / o.total}
                        size="sm"
                        aria-label={t('bulk.progress', o)}
                      />
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{o.total}</Table.Td>
                  <Table.Td ta="right">{o.succeeded}</Table.Td>
                  <Table.Td ta="right">{o.skipped}</Table.Td>
                  <Table.Td ta="right">{o.failed}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {o.kind === 'compensation' ? rub(o.amountMoved) : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{o.createdBy.fullName}</Text>
                    <Text size="xs" c="dimmed">
                      {whenStaff(o.createdAt, i18n.language)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('bulk.prev')}
          </Button>
          <Text>
            {page} / {pages}
          </Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('bulk.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
