import { kopecksToDecimal, parseRubles } from '@common/money';
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';

/** A random key; getRandomValues works where randomUUID does not (plain-HTTP intranet pages). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * "Refund to card" for one succeeded card payment: amount (up to what is left of it) and a reason.
 * One idempotency key per opened form, so a double click or a retried request refunds once.
 */
export function CardRefundButton({ paymentId, account, left }: { paymentId: number; account: string; left: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const kopecks = parseRubles(amount);
  const m = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/payments/{paymentId}/refunds', {
        params: { path: { paymentId } },
        body: { amount: kopecks ?? 0, reason, idempotencyKey: key },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['finance-payments'] }),
  });
  const start = () => {
    setKey(newKey());
    setAmount(kopecksToDecimal(left));
    setReason('');
    m.reset();
    setOpen(true);
  };
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={start} aria-label={t('finance.refundFor', { account })}>
        {t('finance.refund')}
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('finance.refundTitle', { account })}
        closeButtonProps={{ 'aria-label': t('finance.closeDialog') }}
      >
        {m.data ? (
          <Stack>
            <Alert color={m.data.status === 'failed' ? 'red' : m.data.status === 'pending' ? 'yellow' : 'green'}>
              {t(`finance.refund_${m.data.status}`, { amount: rub(m.data.amount), balance: rub(m.data.balance) })}
            </Alert>
            <Button onClick={() => setOpen(false)}>{t('finance.close')}</Button>
          </Stack>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              m.mutate();
            }}
          >
            <Stack>
              <Text size="sm">{t('finance.refundHint', { left: rub(left) })}</Text>
              <TextInput
                label={t('finance.refundAmount')}
                inputMode="decimal"
                required
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                error={amount && kopecks === null ? t('finance.badAmount') : undefined}
              />
              <Textarea
                label={t('finance.reason')}
                required
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                maxLength={500}
              />
              <ErrorAlert error={m.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setOpen(false)}>
                  {t('finance.cancel')}
                </Button>
                <Button type="submit" color="red" loading={m.isPending} disabled={kopecks === null || !reason.trim()}>
                  {t('finance.refundSubmit')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
