import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { ApiData } from '../../api/client';
import { date, rub } from '../../components/format';

export function EntriesTable({
  entries,
  caption,
}: {
  entries: ApiData<'get', '/api/me/statement'>['entries'];
  caption: string;
}) {
  const { t } = useTranslation();
  if (entries.length === 0) return <Text c="dimmed">{t('stats.empty')}</Text>;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table striped highlightOnHover data-testid="entries">
        <caption style={{ position: 'absolute', left: -10000 }}>{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('stats.date')}</Table.Th>
            <Table.Th scope="col">{t('stats.operation')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('stats.amount')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('stats.balanceAfter')}
            </Table.Th>
            <Table.Th scope="col">{t('stats.comment')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...entries].reverse().map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{date(e.date)}</Table.Td>
              <Table.Td>{t(`kinds.${e.kind}`, { defaultValue: e.kind })}</Table.Td>
              <Table.Td ta="right" c={e.amount < 0 ? 'red.8' : 'green.9'}>
                {rub(e.amount)}
              </Table.Td>
              <Table.Td ta="right">{rub(e.balanceAfter)}</Table.Td>
              <Table.Td>{e.comment}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
