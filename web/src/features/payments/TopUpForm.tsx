import './i18n';

import { Button, Card, Checkbox, NumberInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';
import { SbpPayment } from './SbpPayment';

/** A phone (or a small touch screen): SBP goes straight to the bank app instead of showing a QR code. */
export function onPhone(): boolean {
  return window.matchMedia('(max-width: 767px), (pointer: coarse) and (max-width: 1024px)').matches;
}

/**
 * Cabinet top-up: an amount in rubles, or N months with the prepay bonus shown before paying; by card
 * (the provider's page) or, where the region's provider takes it, by SBP: a QR code on a desktop, the
 * bank app on a phone.
 */
export function TopUpForm() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'amount' | 'months'>('months');
  const [method, setMethod] = useState<'card' | 'sbp'>('card');
  const [amount, setAmount] = useState('');
  const [months, setMonths] = useState<number>(3);
  const [saveCard, setSaveCard] = useState(true);
  const [sbp, setSbp] = useState<{ paymentId: number; amount: number; qr: string } | null>(null);
  const options = useQuery({
    queryKey: ['payments', 'options'],
    queryFn: () => api.GET('/api/me/payments/options'),
  });
  const quote = useQuery({
    queryKey: ['payments', 'quote', months],
    queryFn: () => api.GET('/api/me/payments/quote', { params: { query: { months } } }),
    enabled: mode === 'months' && months >= 1 && months <= 12,
  });
  const pay = useMutation({
    mutationFn: () =>
      api.POST('/api/me/payments', {
        body: {
          ...(mode === 'months' ? { months } : { amount }),
          method,
          ...(method === 'card' ? { saveCard } : { device: onPhone() ? ('phone' as const) : ('desktop' as const) }),
        },
      }),
    onSuccess: (r) => {
      if (r.qr) setSbp({ paymentId: r.paymentId, amount: r.amount, qr: r.qr });
      else window.location.assign(r.confirmationUrl);
    },
  });
  if (sbp) return <SbpPayment {...sbp} onClose={() => setSbp(null)} />;
  const sbpOffered = options.data?.sbp === true;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('pay.topUpTitle')}
        </Title>
        {sbpOffered && (
          <SegmentedControl
            aria-label={t('pay.methodLabel')}
            value={method}
            onChange={(v) => setMethod(v)}
            data={[
              { value: 'card', label: t('pay.byCard') },
              { value: 'sbp', label: t('pay.bySbp') },
            ]}
          />
        )}
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
        {method === 'card' ? (
          <Checkbox
            label={t('pay.saveCard')}
            checked={saveCard}
            onChange={(e) => setSaveCard(e.currentTarget.checked)}
          />
        ) : (
          <Text size="sm" c="dimmed">
            {t('pay.sbpHint')}
          </Text>
        )}
        <ErrorAlert error={pay.error} />
        <Button onClick={() => pay.mutate()} loading={pay.isPending}>
          {method === 'sbp' ? t('pay.sbpButton') : t('pay.payButton')}
        </Button>
      </Stack>
    </Card>
  );
}
