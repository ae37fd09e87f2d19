import { Card, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { ApiData } from '../../api/client';
import { date, rub } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';

/**
 * Payments made in the previous billing before the move (docs/decisions/0016): listed apart from the
 * statement, with no running balance, because the opening balance of the move already holds them.
 */
export function HistoryTable({ history }: { history: ApiData<'get', '/api/me/statement'>['history'] }) {
  const { t } = useTranslation();
  if (history.length === 0) return null;
  return (
    <Card withBorder data-testid="history">
      <Title order={2} size="h4">
        {t('stats.historyTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('stats.historyHint')}
      </Text>
      <Table striped fz="sm">
        <HiddenCaption>{t('stats.historyTitle')}</HiddenCaption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('stats.date')}</Table.Th>
            <Table.Th scope="col">{t('stats.comment')}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('stats.amount')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...history].reverse().map((h, i) => (
            <Table.Tr key={`${h.date}-${i}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{date(h.date)}</Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {[h.kind === 'correction' ? t('kinds.adjustment') : t('kinds.payment'), h.method, h.comment]
                  .filter(Boolean)
                  .join(', ')}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {rub(h.amount)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
