import './i18n';

import { Alert, Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { rub } from '../../components/format';
import { declineWords } from './declines';
import { SbpQr } from './SbpQr';

/**
 * An SBP payment on a desktop: the QR code to scan with the phone's camera or bank app, and the status,
 * polled until it is final (the server asks the provider while it is pending). `paymentId` is the
 * cabinet's payment id, or on the public page (`publicPage`) the payment's random public id.
 */
export function SbpPayment({
  paymentId,
  amount,
  qr,
  onClose,
  publicPage = false,
}: {
  paymentId: number | string;
  amount: number;
  qr: string;
  onClose: () => void;
  publicPage?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['payments', 'status', paymentId],
    queryFn: () =>
      (publicPage
        ? api.GET('/api/public/payments/{publicId}', { params: { path: { publicId: String(paymentId) } } })
        : api.GET('/api/me/payments/{id}', { params: { path: { id: Number(paymentId) } } })
      ).then((p) => ({ status: p.status, declineReason: 'declineReason' in p ? p.declineReason : null })),
    refetchInterval: (query) => (!query.state.data || query.state.data.status === 'pending' ? 1500 : false),
  });
  const status = q.data?.status;
  useEffect(() => {
    if (status && status !== 'pending') void qc.invalidateQueries();
  }, [status, qc]);
  return (
    <Card withBorder data-testid="sbp-payment">
      <Stack align="center">
        <Title order={2} size="h4">
          {t('pay.sbpTitle', { amount: rub(amount) })}
        </Title>
        {status === 'succeeded' ? (
          <Alert role="status" color="green" data-testid="payment-result">
            {t('pay.returned.succeeded')}
          </Alert>
        ) : status === 'canceled' ? (
          <Alert role="status" color="red" data-testid="payment-result">
            {t('pay.returned.canceled')}
            {q.data?.declineReason ? `: ${declineWords(q.data.declineReason, i18n.language)}` : ''}
          </Alert>
        ) : (
          <>
            <SbpQr value={qr} label={t('pay.sbpQrLabel')} />
            <Text ta="center">{t('pay.sbpScan')}</Text>
            <Text ta="center" size="sm" c="dimmed" role="status" aria-live="polite">
              {t('pay.sbpWaiting')}
            </Text>
            <Anchor href={qr} target="_blank" rel="noreferrer" size="sm">
              {t('pay.sbpLink')}
            </Anchor>
          </>
        )}
        <Group>
          <Button variant="default" onClick={onClose}>
            {status && status !== 'pending' ? t('pay.done') : t('pay.sbpOther')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
