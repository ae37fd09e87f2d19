import { Anchor, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { phone, rub } from '../../components/format';

export function SearchPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const res = useQuery({
    queryKey: ['staff-search', query],
    enabled: query.length >= 2,
    queryFn: () => api.GET('/api/staff/accounts', { params: { query: { q: query } } }).then((r) => r.accounts),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staff.search')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(q.trim());
        }}
      >
        <Group align="end">
          <TextInput
            label={t('staff.query')}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            miw={280}
            name="q"
          />
          <Button type="submit">{t('staff.find')}</Button>
        </Group>
      </form>
      <ErrorAlert error={res.error} />
      {res.data?.length === 0 && <Text c="dimmed">{t('staff.noResults')}</Text>}
      {!!res.data?.length && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('profile.account')}</Table.Th>
                <Table.Th>{t('staff.fullName')}</Table.Th>
                <Table.Th>{t('staff.phone')}</Table.Th>
                <Table.Th>{t('staff.status')}</Table.Th>
                <Table.Th ta="right">{t('staff.balance')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {res.data.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/staff/accounts/${h.id}`}>
                      {h.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{h.subscriber}</Table.Td>
                  <Table.Td>{phone(h.phone)}</Table.Td>
                  <Table.Td>{t(`info.statusShort.${h.status}`)}</Table.Td>
                  <Table.Td ta="right">{rub(h.balance)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
