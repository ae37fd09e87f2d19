import './i18n';

import { Button, Card, Checkbox, NumberInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';

/** Cabinet top-up: an amount in rubles, or N months with the prepay bonus shown before paying. */
export function TopUpForm() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'amount' | 'months'>('months');
  const [amount, setAmount] = useState('');
  const [months, setMonths] = useState<number>(3);
  const [saveCard, setSaveCard] = useState(true);
  const quote = useQuery({
    queryKey: ['payments', 'quote', months],
    queryFn: () => api.GET('/api/me/payments/quote', { params: { query: { months } } }),
    enabled: mode === 'months' && months >= 1 && months <= 12,
  });
  const pay = useMutation({
    mutationFn: () =>
      api.POST('/api/me/payments', {
        body: mode === 'months' ? { months, saveCard } : { amount, saveCard },
      }),
    onSuccess: (r) => window.location.assign(r.confirmationUrl),
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('pay.topUp')}
        </Title>
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v)}
          data={[
            { value: 'months', label: t('pay.byMonths') },
            { value: 'amount', label: t('pay.byAmount') },
          ]}
        />
        {mode === 'months' ? (
          <>
            <NumberInput
              label={t('pay.monthsLabel')}
              min={1}
              max={12}
              value={months}
              onChange={(v) => setMonths(Number(v) || 1)}
            />
            {quote.data && (
              <Stack gap={4} aria-live="polite">
                <Text>
                  {t('pay.quote', {
                    amount: rub(quote.data.amount),
                    fee: rub(quote.data.monthlyFee),
                    debt: rub(quote.data.debt),
                  })}
                </Text>
                <Text fw={700} data-testid="bonus">
                  {quote.data.bonus > 0
                    ? t('pay.bonus', { bonus: rub(quote.data.bonus), percent: quote.data.bonusPercent })
                    : t('pay.noBonus')}
                </Text>
              </Stack>
            )}
            <ErrorAlert error={quote.error} />
          </>
        ) : (
          <TextInput
            label={t('pay.amountLabel')}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
          />
        )}
        <Checkbox label={t('pay.saveCard')} checked={saveCard} onChange={(e) => setSaveCard(e.currentTarget.checked)} />
        <ErrorAlert error={pay.error} />
        <Button onClick={() => pay.mutate()} loading={pay.isPending}>
          {t('pay.payButton')}
        </Button>
      </Stack>
    </Card>
  );
}
