import './i18n';

import { Anchor, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { type ReceiptStatus, receiptStatusValues } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';

const COLORS = {
  failed: 'red',
  pending: 'yellow',
  registered: 'blue',
  done: 'green',
} as const satisfies Record<ReceiptStatus, string>;

/** Finance: fiscal receipts, failed ones first to look at, with ATOL's reason and "send again". */
export function ReceiptsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [form, setForm] = useState<{ status?: ReceiptStatus; account: string }>({ status: 'failed', account: '' });
  const [filter, setFilter] = useState(form);
  const [page, setPage] = useState(1);
  const query = { status: filter.status, account: filter.account || undefined, page, pageSize: 50 };
  const q = useQuery({
    queryKey: ['finance-receipts', query],
    queryFn: () => api.GET('/api/staff/receipts', { params: { query } }),
  });
  const retry = useMutation({
    mutationFn: (receiptId: number) =>
      api.POST('/api/staff/receipts/{receiptId}/retry', { params: { path: { receiptId } } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['finance-receipts'] }),
  });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / q.data.pageSize)) : 1;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('receipts.title')}
      </Title>
      <Text c="dimmed">{t('receipts.hint')}</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilter(form);
        }}
      >
        <Group align="end" wrap="wrap">
          <Select
            label={t('finance.status')}
            data={[
              { value: '', label: t('finance.any') },
              ...receiptStatusValues.map((s) => ({ value: s, label: t(`receipts.status_${s}`) })),
            ]}
            value={form.status ?? ''}
            onChange={(v) => setForm({ ...form, status: v || undefined })}
          />
          <TextInput
            label={t('finance.account')}
            value={form.account}
            onChange={(e) => setForm({ ...form, account: e.currentTarget.value.trim() })}
          />
          <Button type="submit">{t('finance.show')}</Button>
        </Group>
      </form>
      <ErrorAlert error={q.error ?? retry.error} />
      {q.data &&
        (q.data.receipts.length === 0 ? (
          <Text>{t('receipts.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('finance.when')}</Table.Th>
                  <Table.Th>{t('finance.account')}</Table.Th>
                  <Table.Th>{t('receipts.operation')}</Table.Th>
                  <Table.Th ta="right">{t('finance.amount')}</Table.Th>
                  <Table.Th>{t('finance.status')}</Table.Th>
                  <Table.Th>{t('receipts.error')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.receipts.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>{new Date(r.createdAt).toLocaleString()}</Table.Td>
                    <Table.Td>{r.account}</Table.Td>
                    <Table.Td>
                      {t(`receipts.op_${r.operation}`)} · №{r.paymentId}
                    </Table.Td>
                    <Table.Td ta="right">{rub(r.total)}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={700} c={`${COLORS[r.status]}.9`} style={{ whiteSpace: 'nowrap' }}>
                        {t(`receipts.status_${r.status}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{r.lastError ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      {r.receiptUrl && (
                        <Anchor href={r.receiptUrl} target="_blank" rel="noreferrer">
                          {t('finance.open')}
                        </Anchor>
                      )}
                      {r.retryable && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          loading={retry.isPending && retry.variables === r.id}
                          onClick={() => retry.mutate(r.id)}
                          aria-label={t('receipts.retryFor', { payment: r.paymentId })}
                        >
                          {t('receipts.retry')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
      {q.data && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('finance.prev')}
          </Button>
          <Text>
            {page} / {pages}
          </Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('finance.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
