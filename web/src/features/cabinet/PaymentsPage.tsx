import { Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { rub } from '../../components/format';
import { AutopayCard } from '../payments/AutopayCard';
import { PaymentHistory } from '../payments/PaymentHistory';
import { PaymentReturn } from '../payments/PaymentReturn';
import { PromisedCard } from '../payments/PromisedCard';
import { TopUpForm } from '../payments/TopUpForm';
import { useOverview } from './useOverview';

/** Payments section: balance, top-up (amount or N months with the bonus), result after the card page, promised payment, cards and autopay, history. */
export function PaymentsPage() {
  const { t } = useTranslation();
  const o = useOverview();
  const [params] = useSearchParams();
  const returned = Number(params.get('payment'));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('payments.title')}
      </Title>
      {returned > 0 && <PaymentReturn id={returned} />}
      {o.data && (
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('info.balance')}
          </Text>
          <Text fz={28} fw={700} data-testid="balance">
            {rub(o.data.balance)}
          </Text>
          <Text size="sm">
            {t('info.account')}: {o.data.account}
          </Text>
        </Card>
      )}
      <TopUpForm />
      <PromisedCard />
      <AutopayCard />
      <PaymentHistory />
    </Stack>
  );
}
