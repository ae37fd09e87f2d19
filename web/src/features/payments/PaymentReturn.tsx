import './i18n';

import { Alert } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { declineWords } from './declines';

/** After the card page: polls the payment until the provider's notification has been applied. */
export function PaymentReturn({ id, publicPage = false }: { id: number | string; publicPage?: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['payments', 'status', id],
    queryFn: () =>
      (publicPage
        ? api.GET('/api/public/payments/{publicId}', { params: { path: { publicId: String(id) } } })
        : api.GET('/api/me/payments/{id}', { params: { path: { id: Number(id) } } })
      ).then((p) => ({ status: p.status, declineReason: 'declineReason' in p ? p.declineReason : null })),
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 1000 : false),
  });
  const status = q.data?.status;
  useEffect(() => {
    if (status && status !== 'pending') void qc.invalidateQueries();
  }, [status, qc]);
  if (!status) return null;
  const key = status === 'succeeded' ? 'succeeded' : status === 'pending' ? 'pending' : 'canceled';
  return (
    <Alert
      role="status"
      color={key === 'succeeded' ? 'green' : key === 'pending' ? 'blue' : 'red'}
      data-testid="payment-result"
    >
      {t(`pay.returned.${key}`)}
      {key === 'canceled' && q.data?.declineReason ? `: ${declineWords(q.data.declineReason, i18n.language)}` : ''}
    </Alert>
  );
}
