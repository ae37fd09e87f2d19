import '../i18n';

import { parseRubles } from '@common/money';
import { Alert, Button, Card, Select, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../../api/client';
import { pathsApiStaffAccountsIdPaymentsPostRequestBodyContentApplicationJsonMethodValues as officeMethods } from '../../../api/schema';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { rub } from '../../../components/format';
import { methodLabel } from '../../../components/labels';

type OfficeMethod = (typeof officeMethods)[number];

/** Finance records a payment taken at the office (cash desk or bank transfer), once per cash document. */
export function OfficePaymentForm({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<OfficeMethod>('cash');
  const [key, setKey] = useState('');
  const [comment, setComment] = useState('');
  const kopecks = parseRubles(amount);
  const pay = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/accounts/{id}/payments', {
        params: { path: { id: accountId } },
        body: { amount: kopecks ?? 0, method, idempotencyKey: key, comment: comment || undefined },
      }),
    onSuccess: () => void qc.invalidateQueries(),
  });
  return (
    <Card withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          pay.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {t('staffsvc.officePayment')}
          </Title>
          <TextInput
            label={t('staffsvc.amount')}
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            required
            inputMode="decimal"
            error={amount && (kopecks === null || kopecks <= 0) ? t('staffsvc.badAmount') : null}
          />
          <Select
            label={t('staffsvc.method')}
            data={officeMethods.map((m) => ({ value: m, label: methodLabel(m) }))}
            value={method}
            onChange={(m) => setMethod(officeMethods.find((x) => x === m) ?? 'cash')}
            allowDeselect={false}
          />
          <TextInput
            label={t('staffsvc.receiptNo')}
            description={t('staffsvc.receiptHint')}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            required
            maxLength={200}
          />
          <TextInput
            label={t('svc.comment')}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            maxLength={500}
          />
          {pay.data && (
            <Alert color="green" role="status">
              {pay.data.credited
                ? t('staffsvc.paid', { balance: rub(pay.data.balance) })
                : t('staffsvc.paidAgain', { balance: rub(pay.data.balance) })}
            </Alert>
          )}
          <ErrorAlert error={pay.error} />
          <Button
            type="submit"
            w="fit-content"
            loading={pay.isPending}
            disabled={kopecks === null || kopecks <= 0 || !key.trim()}
          >
            {t('staffsvc.pay')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
