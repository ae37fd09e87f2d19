import { Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

export function AuditPage() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['audit'],
    queryFn: () => api.GET('/api/staff/audit', { params: { query: { limit: 100 } } }).then((r) => r.entries),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staff.audit')}
      </Title>
      <ErrorAlert error={q.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('staff.when')}</Table.Th>
              <Table.Th>{t('staff.who')}</Table.Th>
              <Table.Th>{t('staff.action')}</Table.Th>
              <Table.Th>{t('staff.object')}</Table.Th>
              <Table.Th>IP</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(q.data ?? []).map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{new Date(r.at).toLocaleString()}</Table.Td>
                <Table.Td>
                  {r.actorType} {r.actorId}
                </Table.Td>
                <Table.Td>{r.action}</Table.Td>
                <Table.Td>
                  {r.entity} {r.entityId}
                </Table.Td>
                <Table.Td>{r.ip}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
