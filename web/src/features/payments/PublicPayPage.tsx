import './i18n';

import { Button, Card, Container, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PublicHeader } from '../public/PublicHeader';
import { PaymentReturn } from './PaymentReturn';

/** Public "Оплатить": account number → masked holder name → amount → the card page. No sign-in. */
export function PublicPayPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  // The public page's return link carries the payment's random public id (never its number).
  const returned = params.get('payment');
  const [account, setAccount] = useState(params.get('account') ?? '');
  // A link from the messenger bot comes filled in: the account, the amount and the reader's language.
  const [amount, setAmount] = useState(params.get('amount') ?? '');
  const lang = params.get('lang');
  const payer = useMutation({
    mutationFn: () => api.GET('/api/public/accounts/{number}/payer', { params: { path: { number: account.trim() } } }),
  });
  const pay = useMutation({
    mutationFn: () => api.POST('/api/public/payments', { body: { account: account.trim(), amount } }),
    onSuccess: (r) => window.location.assign(r.confirmationUrl),
  });
  const prefilled = params.get('account') !== null;
  useEffect(() => {
    if (lang === 'ru' || lang === 'en') void i18n.changeLanguage(lang);
    if (prefilled) payer.mutate();
    // Once, for the link the page was opened with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <>
      <PublicHeader />
      <Container component="main" size="xs" py="xl">
        <Stack>
          <Title order={1}>{t('pay.publicTitle')}</Title>
          <Text>{t('pay.publicLead')}</Text>
          {returned && <PaymentReturn id={returned} publicPage />}
          <Card withBorder>
            <Stack>
              <TextInput
                label={t('pay.accountLabel')}
                inputMode="numeric"
                value={account}
                onChange={(e) => {
                  setAccount(e.currentTarget.value);
                  payer.reset();
                }}
              />
              <Button variant="outline" onClick={() => payer.mutate()} loading={payer.isPending}>
                {t('pay.check')}
              </Button>
              <ErrorAlert error={payer.error} />
              {payer.data && (
                <>
                  <Text fw={700} data-testid="holder">
                    {t('pay.holder', { holder: payer.data.holder })}
                  </Text>
                  <TextInput
                    label={t('pay.amountLabel')}
                    inputMode="decimal"
                    value={amount}
                    onChange={(e) => setAmount(e.currentTarget.value)}
                  />
                  <ErrorAlert error={pay.error} />
                  <Button onClick={() => pay.mutate()} loading={pay.isPending}>
                    {t('pay.payButton')}
                  </Button>
                </>
              )}
            </Stack>
          </Card>
        </Stack>
      </Container>
    </>
  );
}
