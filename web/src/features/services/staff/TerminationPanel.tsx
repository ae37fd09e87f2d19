import '../i18n';

import { Alert, Button, Card, Loader, Radio, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { date, rub } from '../../../components/format';
import { Line } from '../PreviewModal';

/** Staff complete a termination at the office: the settlement to the day, the refund, and closing it. */
export function TerminationPanel({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['termination-preview', accountId],
    queryFn: () => api.GET('/api/staff/accounts/{id}/termination', { params: { path: { id: accountId } } }),
  });
  const [method, setMethod] = useState<'cash' | 'card'>('cash');
  const go = useMutation({
    mutationFn: (refund: 'none' | 'cash' | 'card') =>
      api.POST('/api/staff/accounts/{id}/termination', { params: { path: { id: accountId } }, body: { refund } }),
    onSuccess: () => void qc.invalidateQueries(),
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const p = q.data;
  const r = go.data;
  if (r) {
    return (
      <Alert color="green" role="status" data-testid="termination-done">
        <Stack gap={4}>
          <span>
            {t('staffsvc.terminatedResult', {
              amount: rub(r.refundAmount),
              method: t(`staffsvc.refundMethod.${r.refundMethod}`),
            })}
          </span>
          {r.cardRefunds.map((c) => (
            <span key={c.paymentId}>
              {t('staffsvc.cardRefundState', { amount: rub(c.amount), state: t(`staffsvc.refundState.${c.status}`) })}
            </span>
          ))}
        </Stack>
      </Alert>
    );
  }
  if (p.status === 'terminated') return <Text>{t('staffsvc.terminated', { date: date(p.today) })}</Text>;
  const refund = p.refund > 0 ? method : 'none';
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('staffsvc.terminationTitle')}
        </Title>
        <Text size="sm">{t('staffsvc.termHint')}</Text>
        {p.visit && (
          <Text>
            {t('staffsvc.visitBooked', { date: date(p.visit.date), time: p.visit.time, office: p.visit.office })}
          </Text>
        )}
        <Line label={t('staffsvc.todayCharge')}>{rub(p.todayCharge)}</Line>
        <Line label={t('staffsvc.balanceAfter')}>{rub(p.balanceAfter)}</Line>
        {p.billingBehind && <Alert color="yellow">{t('staffsvc.behind')}</Alert>}
        {p.debt > 0 && <Alert color="red">{t('staffsvc.debt', { amount: rub(p.debt) })}</Alert>}
        {p.debt === 0 && p.refund > 0 && (
          <Radio.Group label={t('staffsvc.refundHow')} value={method} onChange={(v) => setMethod(v)}>
            <Stack gap="xs" mt="xs">
              <Radio value="cash" label={t('staffsvc.refundCash')} />
              <Radio
                value="card"
                label={t('staffsvc.refundCard', { amount: rub(p.cardRefundable) })}
                disabled={p.cardRefundable < p.refund}
              />
            </Stack>
          </Radio.Group>
        )}
        {p.debt === 0 && p.refund === 0 && <Text>{t('staffsvc.noRefund')}</Text>}
        <ErrorAlert error={go.error} />
        <Button
          color="red"
          w="fit-content"
          disabled={p.debt > 0 || p.billingBehind}
          loading={go.isPending}
          onClick={() => go.mutate(refund)}
        >
          {t('staffsvc.terminate')}
        </Button>
      </Stack>
    </Card>
  );
}
