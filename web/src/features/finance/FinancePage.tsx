import '../payments/i18n';
import './i18n';

import { Anchor, Button, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { type PaymentMethod, paymentMethodValues, type PaymentStatus, paymentStatusValues } from '../../api/schema';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';
import { methodLabel, paymentStatusLabel, providerLabel } from '../../components/labels';
import { useRegionDays } from '../../components/useRegionDays';
import { CardRefundButton } from './CardRefundButton';

interface Filter {
  from: string;
  to: string;
  method?: PaymentMethod;
  status?: PaymentStatus;
  account: string;
}
const CARD_PROVIDERS = new Set(['test_acquirer', 'yookassa']);

/** Finance view: all payments for a period with filters, a page of rows and totals per day and method. */
export function FinancePage() {
  const days = useRegionDays();
  return days ? <Finance from={`${days.earliest.slice(0, 8)}01`} to={days.latest} /> : <Loader />;
}

/** Opens on the current month of every region: from the earliest region's month start to the latest's today. */
function Finance(initial: { from: string; to: string }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Filter>({ ...initial, account: '' });
  const [filter, setFilter] = useState(form);
  const [page, setPage] = useState(1);
  const query = { ...filter, account: filter.account || undefined, page, pageSize: 50 };
  const q = useQuery({
    queryKey: ['finance-payments', query],
    queryFn: () => api.GET('/api/staff/payments', { params: { query } }),
  });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / q.data.pageSize)) : 1;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('finance.title')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilter(form);
        }}
      >
        <Group align="end" wrap="wrap">
          <DateField label={t('finance.from')} value={form.from} onChange={(v) => setForm({ ...form, from: v })} />
          <DateField label={t('finance.to')} value={form.to} onChange={(v) => setForm({ ...form, to: v })} />
          <Select
            label={t('finance.method')}
            data={[
              { value: '', label: t('finance.any') },
              ...paymentMethodValues.map((m) => ({ value: m, label: methodLabel(m) })),
            ]}
            value={form.method ?? ''}
            onChange={(v) => setForm({ ...form, method: v || undefined })}
          />
          <Select
            label={t('finance.status')}
            data={[
              { value: '', label: t('finance.any') },
              ...paymentStatusValues
                .filter((s) => s !== 'waiting_for_capture')
                .map((s) => ({ value: s, label: paymentStatusLabel(s) })),
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
      <ErrorAlert error={q.error} />
      {q.data && (
        <>
          <Title order={2} size="h4">
            {t('finance.totals')}
          </Title>
          <Table.ScrollContainer minWidth={400}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('finance.day')}</Table.Th>
                  <Table.Th>{t('finance.method')}</Table.Th>
                  <Table.Th ta="right">{t('finance.count')}</Table.Th>
                  <Table.Th ta="right">{t('finance.amount')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.totals.map((r) => (
                  <Table.Tr key={`${r.day}-${r.method}`}>
                    <Table.Td>{date(r.day)}</Table.Td>
                    <Table.Td>{methodLabel(r.method)}</Table.Td>
                    <Table.Td ta="right">{r.count}</Table.Td>
                    <Table.Td ta="right">{rub(r.amount)}</Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr>
                  <Table.Td colSpan={3}>
                    <b>{t('finance.total')}</b>
                  </Table.Td>
                  <Table.Td ta="right">
                    <b>{rub(q.data.sum)}</b>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text c="dimmed">{t('finance.found', { n: q.data.total })}</Text>
          {q.data.payments.length === 0 ? (
            <Text>{t('finance.none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('finance.when')}</Table.Th>
                    <Table.Th>{t('finance.account')}</Table.Th>
                    <Table.Th>{t('finance.method')}</Table.Th>
                    <Table.Th>{t('finance.provider')}</Table.Th>
                    <Table.Th>{t('finance.status')}</Table.Th>
                    <Table.Th ta="right">{t('finance.amount')}</Table.Th>
                    <Table.Th>{t('finance.receipt')}</Table.Th>
                    <Table.Th>{t('finance.refunds')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.payments.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>{new Date(p.createdAt).toLocaleString()}</Table.Td>
                      <Table.Td>{p.account}</Table.Td>
                      <Table.Td>{methodLabel(p.method)}</Table.Td>
                      <Table.Td>
                        {providerLabel(p.provider)}
                        {p.externalId ? ` · ${p.externalId}` : ''}
                      </Table.Td>
                      <Table.Td>{paymentStatusLabel(p.status)}</Table.Td>
                      <Table.Td ta="right">{rub(p.amount)}</Table.Td>
                      <Table.Td>
                        {p.receiptUrl ? (
                          <Anchor href={p.receiptUrl} target="_blank" rel="noreferrer">
                            {t('finance.open')}
                          </Anchor>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {p.refunded > 0 && <Text size="sm">{rub(p.refunded)}</Text>}
                          {p.refundPending && (
                            <Text size="sm" c="yellow.8">
                              {t('finance.refundWaiting')}
                            </Text>
                          )}
                          {p.status === 'succeeded' &&
                            CARD_PROVIDERS.has(p.provider) &&
                            !p.refundPending &&
                            p.amount > p.refunded && (
                              <CardRefundButton paymentId={p.id} account={p.account} left={p.amount - p.refunded} />
                            )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
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
        </>
      )}
    </Stack>
  );
}
