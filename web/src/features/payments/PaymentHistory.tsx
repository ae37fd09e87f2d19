import { Anchor, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { rub } from '../../components/format';
import { methodLabel } from '../../components/labels';
import { declineWords } from './declines';

export function PaymentHistory() {
  const { t, i18n } = useTranslation();
  const q = useQuery({
    queryKey: ['payments', 'list'],
    queryFn: () => api.GET('/api/me/payments'),
  });
  const rows = q.data?.payments ?? [];
  return (
    <>
      <Title order={2} size="h4">
        {t('pay.history')}
      </Title>
      {rows.length === 0 ? (
        <Text c="dimmed">{t('pay.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped>
            <Table.Caption>{t('pay.history')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('pay.when')}</Table.Th>
                <Table.Th>{t('pay.amount')}</Table.Th>
                <Table.Th>{t('pay.method')}</Table.Th>
                <Table.Th>{t('pay.state')}</Table.Th>
                <Table.Th>{t('pay.receipt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    {new Date(p.createdAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU')}
                  </Table.Td>
                  <Table.Td>
                    {rub(p.amount)}
                    {p.bonus > 0 ? ` (+${rub(p.bonus)})` : ''}
                    {p.refunded > 0 && (
                      <Text size="sm" c="dimmed">
                        {t('pay.refunded', { amount: rub(p.refunded) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{methodLabel(p.method)}</Table.Td>
                  <Table.Td>
                    {t(`pay.status.${p.status}`, { defaultValue: p.status })}
                    {p.declineReason && (
                      <Text size="sm" c="dimmed">
                        {t('pay.declinedBecause', { reason: declineWords(p.declineReason, i18n.language) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {p.receiptUrl ? (
                      <Anchor href={p.receiptUrl} target="_blank" rel="noreferrer">
                        {t('pay.receipt')}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
