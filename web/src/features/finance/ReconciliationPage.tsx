import './reports-i18n';

import {
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';
import { providerLabel } from '../../components/labels';
import { useRegionDays } from '../../components/useRegionDays';

type Recon = ApiData<'get', '/api/staff/reconciliation/{id}'>;
type Diff = Recon['differences'][number];
type ReconciliationAction = 'accept' | 'credit' | 'adjust' | 'refund' | 'investigate';
const ACTIONS: Record<Diff['kind'], ReconciliationAction[]> = {
  missing_here: ['credit', 'investigate', 'accept'],
  missing_in_registry: ['refund', 'investigate', 'accept'],
  sum_mismatch: ['adjust', 'accept'],
};
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Finance: every payment channel per day — what the ledger credited against the provider's report —
 * and, for a loaded report, each difference with the decisions finance may take (docs/reports.md).
 */
export function ReconciliationPage() {
  const days = useRegionDays();
  return days ? <Overview initial={{ from: addDays(days.latest, -6), to: days.latest }} /> : <Loader />;
}

function Overview({ initial }: { initial: { from: string; to: string } }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(initial);
  const [filter, setFilter] = useState(initial);
  const [open, setOpen] = useState<number | null>(null);
  const [loading, setLoading] = useState<{
    channel: string;
    day: string;
    format: string;
    source: 'file' | 'api';
  } | null>(null);
  const q = useQuery({
    queryKey: ['reconciliation', filter],
    queryFn: () => api.GET('/api/staff/reconciliation', { params: { query: filter } }),
  });
  if (open !== null) return <Details id={open} onBack={() => setOpen(null)} />;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('recon.title')}
      </Title>
      <Text c="dimmed">{t('recon.hint')}</Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(form);
        }}
      >
        <Group align="end" wrap="wrap">
          <DateField label={t('reports.from')} value={form.from} onChange={(v) => setForm({ ...form, from: v })} />
          <DateField label={t('reports.to')} value={form.to} onChange={(v) => setForm({ ...form, to: v })} />
          <Button type="submit">{t('reports.show')}</Button>
        </Group>
      </form>
      <ErrorAlert error={q.error} />
      {q.data?.channels.map((c) => (
        <Card withBorder key={c.channel} data-testid={`channel-${c.channel}`}>
          <Title order={2} size="h4" mb="xs">
            {providerLabel(c.channel)}{' '}
            <Text span c="dimmed" size="sm">
              (
              {t(
                c.kind === 'agent'
                  ? 'recon.kindAgent'
                  : c.kind === 'acquirer'
                    ? 'recon.kindAcquirer'
                    : 'recon.kindCash',
              )}
              )
            </Text>
          </Title>
          <Table.ScrollContainer minWidth={640} type="native" tabIndex={0}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('recon.day')}</Table.Th>
                  <Table.Th ta="right">{t('recon.ledger')}</Table.Th>
                  <Table.Th ta="right">{t('recon.registry')}</Table.Th>
                  <Table.Th>{t('recon.differences')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {c.days.map((d) => (
                  <Table.Tr key={d.day}>
                    <Table.Td>{date(d.day)}</Table.Td>
                    <Table.Td ta="right">
                      {d.ledger.count} · {rub(d.ledger.sum)}
                    </Table.Td>
                    <Table.Td ta="right">
                      {d.reconciliation ? (
                        `${d.reconciliation.registry.count} · ${rub(d.reconciliation.registry.sum)}`
                      ) : (
                        <Text span c="dimmed" size="sm">
                          {t('recon.notLoaded')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {d.reconciliation &&
                        (d.reconciliation.open > 0 ? (
                          <Badge color="red.9">
                            {t('recon.open')}: {d.reconciliation.open} / {d.reconciliation.differences}
                          </Badge>
                        ) : (
                          <Badge color="green.9">{d.reconciliation.differences}</Badge>
                        ))}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {d.reconciliation && (
                          <Button
                            size="compact-xs"
                            variant="light"
                            aria-label={t('recon.detailsFor', { channel: providerLabel(c.channel), day: date(d.day) })}
                            onClick={() => setOpen(d.reconciliation!.id)}
                          >
                            {t('recon.details')}
                          </Button>
                        )}
                        <Button
                          size="compact-xs"
                          variant="default"
                          aria-label={t('recon.loadFor', { channel: providerLabel(c.channel), day: date(d.day) })}
                          onClick={() =>
                            setLoading({ channel: c.channel, day: d.day, format: c.format, source: c.source })
                          }
                        >
                          {t('recon.load')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      ))}
      <LoadReport target={loading} onClose={() => setLoading(null)} onDone={(id) => setOpen(id)} />
    </Stack>
  );
}

function LoadReport(props: {
  target: { channel: string; day: string; format: string; source: 'file' | 'api' } | null;
  onClose: () => void;
  onDone: (id: number) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const send = useMutation({
    mutationFn: async () =>
      api.POST('/api/staff/reconciliation', {
        body: {
          channel: props.target!.channel,
          day: props.target!.day,
          ...(file ? { report: await file.text(), fileName: file.name } : {}),
        },
      }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
      setFile(null);
      props.onClose();
      props.onDone(r.id);
    },
  });
  const target = props.target;
  return (
    <Modal
      opened={!!target}
      onClose={props.onClose}
      title={target ? t('recon.loadFor', { channel: providerLabel(target.channel), day: date(target.day) }) : ''}
    >
      {target && (
        <Stack>
          <Text size="sm" c="dimmed">
            {t('recon.format', { format: target.format })}
          </Text>
          {target.source === 'file' && (
            <FileInput label={t('recon.file')} accept=".csv,.txt,text/csv,text/plain" value={file} onChange={setFile} />
          )}
          <ErrorAlert error={send.error} />
          <Button disabled={target.source === 'file' && !file} loading={send.isPending} onClick={() => send.mutate()}>
            {t('recon.compare')}
          </Button>
        </Stack>
      )}
    </Modal>
  );
}

function Details({ id, onBack }: { id: number; onBack: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['reconciliation-one', id],
    queryFn: () => api.GET('/api/staff/reconciliation/{id}', { params: { path: { id } } }),
  });
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [accounts, setAccounts] = useState<Record<number, string>>({});
  const resolve = useMutation({
    mutationFn: (v: { itemId: number; action: ReconciliationAction }) =>
      api.POST('/api/staff/reconciliation/items/{itemId}/resolve', {
        params: { path: { itemId: v.itemId } },
        body: { action: v.action, note: notes[v.itemId] ?? '', account: accounts[v.itemId] || null },
      }),
    onSuccess: (r) => {
      qc.setQueryData(['reconciliation-one', id], r);
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
    },
  });
  const r = q.data;
  return (
    <Stack>
      <Group>
        <Button variant="default" onClick={onBack}>
          {t('recon.back')}
        </Button>
      </Group>
      <ErrorAlert error={q.error ?? resolve.error} />
      {r && (
        <>
          <Title order={1} size="h2">
            {providerLabel(r.channel)} · {date(r.day)}
          </Title>
          <Group gap="xl">
            <Text>
              {t('recon.registry')}: <b>{r.registry.count}</b> · <b>{rub(r.registry.sum)}</b>
              {r.registry.fee !== null && ` (${t('recon.fee')}: ${rub(r.registry.fee)})`}
            </Text>
            <Text>
              {t('recon.ledger')}: <b>{r.ours.count}</b> · <b>{rub(r.ours.sum)}</b>
            </Text>
          </Group>
          {r.differences.length === 0 ? (
            <Text>{t('recon.none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={900} type="native" tabIndex={0}>
              <Table striped data-testid="differences">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('recon.kind')}</Table.Th>
                    <Table.Th>{t('recon.externalId')}</Table.Th>
                    <Table.Th>{t('recon.account')}</Table.Th>
                    <Table.Th ta="right">{t('recon.theirAmount')}</Table.Th>
                    <Table.Th ta="right">{t('recon.ourAmount')}</Table.Th>
                    <Table.Th>{t('recon.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.differences.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>{t(`recon.kind_${d.kind}`)}</Table.Td>
                      <Table.Td>{d.externalId}</Table.Td>
                      <Table.Td>{d.account ?? '—'}</Table.Td>
                      <Table.Td ta="right">{d.registryAmount === null ? '—' : rub(d.registryAmount)}</Table.Td>
                      <Table.Td ta="right">{d.ourAmount === null ? '—' : rub(d.ourAmount)}</Table.Td>
                      <Table.Td>
                        {d.status === 'open' ? (
                          <Stack gap={4}>
                            <TextInput
                              size="xs"
                              aria-label={`${t('recon.note')} ${d.externalId}`}
                              placeholder={t('recon.noteRequired')}
                              value={notes[d.id] ?? ''}
                              onChange={(e) => setNotes({ ...notes, [d.id]: e.currentTarget.value })}
                            />
                            {d.kind === 'missing_here' && !d.account && (
                              <TextInput
                                size="xs"
                                aria-label={`${t('recon.account')} ${d.externalId}`}
                                placeholder={t('recon.account')}
                                value={accounts[d.id] ?? ''}
                                onChange={(e) => setAccounts({ ...accounts, [d.id]: e.currentTarget.value })}
                              />
                            )}
                            <Group gap={4} wrap="nowrap">
                              {ACTIONS[d.kind].map((a) => (
                                <Button
                                  key={a}
                                  size="compact-xs"
                                  variant={a === ACTIONS[d.kind][0] ? 'filled' : 'default'}
                                  disabled={!(notes[d.id] ?? '').trim()}
                                  loading={
                                    resolve.isPending &&
                                    resolve.variables.itemId === d.id &&
                                    resolve.variables.action === a
                                  }
                                  aria-label={t('recon.resolveFor', {
                                    action: t(`recon.action_${a}`),
                                    id: d.externalId,
                                  })}
                                  onClick={() => resolve.mutate({ itemId: d.id, action: a })}
                                >
                                  {t(`recon.action_${a}`)}
                                </Button>
                              ))}
                            </Group>
                          </Stack>
                        ) : (
                          <Text size="sm">
                            <b>{t(`recon.status_${d.status}`)}</b>
                            {d.note && ` — ${d.note}`}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Stack>
  );
}
