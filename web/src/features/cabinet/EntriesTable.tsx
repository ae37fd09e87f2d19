import { Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

import type { ApiData } from '../../api/client';
import { date, rub } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';

/**
 * Ledger entries with the running balance. On a phone (up to 36em ≈ 576 px) the table keeps its key
 * columns in three: date, the operation with its description under it, the amount with the balance
 * after under it — so a 360 px screen shows everything without scrolling sideways.
 */
export function EntriesTable({
  entries,
  caption,
}: {
  entries: ApiData<'get', '/api/me/statement'>['entries'];
  caption: string;
}) {
  const { t } = useTranslation();
  const narrow = useMediaQuery('(max-width: 36em)');
  if (entries.length === 0) return <Text c="dimmed">{t('stats.empty')}</Text>;
  const rows = [...entries].reverse();
  const kind = (k: string) => t(`kinds.${k}`, { defaultValue: t('kinds.other') });
  const captionEl = <HiddenCaption>{caption}</HiddenCaption>;
  if (narrow) {
    return (
      <Table striped data-testid="entries" verticalSpacing={6} horizontalSpacing={6} fz="sm">
        {captionEl}
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('stats.date')}</Table.Th>
            <Table.Th scope="col">{t('stats.operation')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('stats.amount')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{date(e.date)}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top', overflowWrap: 'anywhere' }}>
                {kind(e.kind)}
                {e.description && (
                  <Text size="xs" c="dimmed">
                    {e.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                <Text size="sm" c={e.amount < 0 ? 'red.9' : 'green.9'}>
                  {rub(e.amount)}
                </Text>
                <Text size="xs" c="dimmed" aria-label={`${t('stats.balanceAfter')}: ${rub(e.balanceAfter)}`}>
                  {rub(e.balanceAfter)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  }
  return (
    <Table striped highlightOnHover data-testid="entries">
      {captionEl}
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
        {rows.map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(e.date)}</Table.Td>
            <Table.Td>{kind(e.kind)}</Table.Td>
            <Table.Td ta="right" c={e.amount < 0 ? 'red.9' : 'green.9'} style={{ whiteSpace: 'nowrap' }}>
              {rub(e.amount)}
            </Table.Td>
            <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
              {rub(e.balanceAfter)}
            </Table.Td>
            <Table.Td>{e.description}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
