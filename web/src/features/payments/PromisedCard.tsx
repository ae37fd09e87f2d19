import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';

/** Promised payment: available with its maximum, active until a date, or the reason it is not available. */
export function PromisedCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['payments', 'promised'], queryFn: () => api.GET('/api/me/promised-payment') });
  const take = useMutation({
    mutationFn: () => api.POST('/api/me/promised-payment', { body: {} }),
    onSuccess: () => qc.invalidateQueries(),
  });
  const p = q.data;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('pay.promised')}
        </Title>
        {p?.active && (
          <Alert color="blue">
            {t('pay.promisedActive', { amount: rub(p.active.amount), date: date(p.active.dueOn) })}
          </Alert>
        )}
        {p?.available && (
          <>
            <Text>{t('pay.promisedAvailable', { max: rub(p.maxAmount), days: p.days })}</Text>
            <Button onClick={() => take.mutate()} loading={take.isPending}>
              {t('pay.promisedTake')}
            </Button>
          </>
        )}
        {p && !p.available && p.reason && !p.active && (
          <Text c="dimmed" data-testid="promised-reason">
            {t(`pay.reasons.${p.reason}`)}
          </Text>
        )}
        <ErrorAlert error={q.error ?? take.error} />
      </Stack>
    </Card>
  );
}
