import { Badge, Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';

export function AccountCard() {
  const { t } = useTranslation();
  const { id } = useParams();
  const q = useQuery({
    queryKey: ['staff-account', id],
    queryFn: () => api.GET('/api/staff/accounts/{id}', { params: { path: { id: Number(id) } } }),
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const a = q.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staff.card')}: {a.subscriber}
      </Title>
      <Card withBorder>
        <Group gap="xl">
          <Text>
            {t('profile.account')}: <b>{a.number}</b>
          </Text>
          <Text>
            {t('profile.contract')}: <b>{a.contract}</b>
          </Text>
          <Text>{a.region}</Text>
          <Badge variant="light">{t(`info.statusShort.${a.status}`)}</Badge>
          <Text>
            {t('staff.balance')}: <b>{rub(a.balance)}</b>
          </Text>
        </Group>
      </Card>
      <Title order={2} size="h4">
        {t('staff.subscriptions')}
      </Title>
      <Table>
        <Table.Tbody>
          {a.subscriptions.map((s, i) => (
            <Table.Tr key={i}>
              <Table.Td>{s.name}</Table.Td>
              <Table.Td>{rub(s.monthlyFee)}</Table.Td>
              <Table.Td>
                {date(s.startsOn)}
                {s.endsOn ? ` — ${date(s.endsOn)}` : ''}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={2} size="h4">
        {t('staff.lastEntries')}
      </Title>
      <Table>
        <Table.Tbody>
          {a.lastEntries.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td>{date(e.effectiveOn)}</Table.Td>
              <Table.Td>{t(`kinds.${e.kind}`)}</Table.Td>
              <Table.Td ta="right">{rub(e.amount)}</Table.Td>
              <Table.Td>{e.comment}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
