import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { rub } from '../../components/format';
import { EntriesTable } from './EntriesTable';
import { useOverview } from './useOverview';
import { useStatement, todayLocal } from './useStatement';

/** Read-only until the payments module lands: balance and the payments of the last year. */
export function PaymentsPage() {
  const { t } = useTranslation();
  const o = useOverview();
  const yearAgo = `${Number(todayLocal().slice(0, 4)) - 1}${todayLocal().slice(4)}`;
  const st = useStatement(yearAgo, todayLocal());
  const payments = (st.data?.entries ?? []).filter((e) => e.kind === 'payment' || e.kind === 'bonus' || e.kind === 'refund');
  return (
    <Stack>
      <Title order={1} size="h2">{t('payments.title')}</Title>
      {o.data && (
        <Card withBorder>
          <Text size="sm" c="dimmed">{t('info.balance')}</Text>
          <Text fz={28} fw={700}>{rub(o.data.balance)}</Text>
          <Text size="sm">{t('info.account')}: {o.data.account}</Text>
        </Card>
      )}
      <Alert color="blue">{t('payments.soon')}</Alert>
      <Title order={2} size="h4">{t('payments.history')}</Title>
      {payments.length === 0 ? <Text c="dimmed">{t('payments.none')}</Text> : <EntriesTable entries={payments} caption={t('payments.history')} />}
    </Stack>
  );
}
