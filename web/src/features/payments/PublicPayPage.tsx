import './i18n';

import { Button, Card, Container, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PublicHeader } from '../public/PublicHeader';
import { PaymentReturn } from './PaymentReturn';
import { SbpPayment } from './SbpPayment';
import { onPhone } from './TopUpForm';

/**
 * Public "Оплатить": account number → masked holder name → amount → the card page, or SBP where the
 * account's region offers it (a QR code on a desktop, the bank app on a phone). No sign-in.
 */
export function PublicPayPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  // The public page's return link carries the payment's random public id (never its number).
  const returned = params.get('payment');
  const [account, setAccount] = useState(params.get('account') ?? '');
  // A link from the messenger bot comes filled in: the account, the amount, the method and the language.
  const [amount, setAmount] = useState(params.get('amount') ?? '');
  const lang = params.get('lang');
  const [method, setMethod] = useState<'card' | 'sbp'>(params.get('method') === 'sbp' ? 'sbp' : 'card');
  const [sbp, setSbp] = useState<{ paymentId: string; amount: number; qr: string } | null>(null);
  const payer = useMutation({
    mutationFn: () => api.GET('/api/public/accounts/{number}/payer', { params: { path: { number: account.trim() } } }),
  });
  // SBP only where the account's region offers it (the payer lookup says); otherwise the card.
  const sbpChosen = payer.data?.sbp === true && method === 'sbp';
  const pay = useMutation({
    mutationFn: () =>
      api.POST('/api/public/payments', {
        body: {
          account: account.trim(),
          amount,
          ...(sbpChosen
            ? { method: 'sbp' as const, device: onPhone() ? ('phone' as const) : ('desktop' as const) }
            : {}),
        },
      }),
    onSuccess: (r) => {
      if (r.qr) setSbp({ paymentId: r.publicId, amount: r.amount, qr: r.qr });
      else window.location.assign(r.confirmationUrl);
    },
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
          {sbp ? (
            <SbpPayment {...sbp} publicPage onClose={() => setSbp(null)} />
          ) : (
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
                    {payer.data.sbp && (
                      <SegmentedControl
                        aria-label={t('pay.methodLabel')}
                        value={method}
                        onChange={(v) => setMethod(v === 'sbp' ? 'sbp' : 'card')}
                        data={[
                          { value: 'card', label: t('pay.byCard') },
                          { value: 'sbp', label: t('pay.bySbp') },
                        ]}
                      />
                    )}
                    <TextInput
                      label={t('pay.amountLabel')}
                      inputMode="decimal"
                      value={amount}
                      onChange={(e) => setAmount(e.currentTarget.value)}
                    />
                    {sbpChosen && (
                      <Text size="sm" c="dimmed">
                        {t('pay.sbpHint')}
                      </Text>
                    )}
                    <ErrorAlert error={pay.error} />
                    <Button onClick={() => pay.mutate()} loading={pay.isPending}>
                      {sbpChosen ? t('pay.sbpButton') : t('pay.payButton')}
                    </Button>
                  </>
                )}
              </Stack>
            </Card>
          )}
        </Stack>
      </Container>
    </>
  );
}
