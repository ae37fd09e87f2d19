import './i18n';

import { mayRunBulk } from '@common/bulk';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, type ApiData, download } from '../../api/client';
import type { BulkItemState } from '../../api/schema';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName, rub } from '../../components/format';
import { useStaffRegions } from '../services/staff/useRegions';
import { Figure } from './NewBulkPage';
import { live, STATE_COLOR, whenStaff } from './status';

type Operation = ApiData<'get', '/api/staff/bulk/{id}'>;

/**
 * One bulk operation: its progress while it runs (refreshed every 2 s), a stop button, what it did
 * (done, skipped, failed, with the reasons), the money planned and moved, every account's result a page
 * at a time (failed first), and the report as CSV.
 */
export function BulkOperationPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'support';
  const op = useQuery({
    queryKey: ['bulk-op', id],
    queryFn: () => api.GET('/api/staff/bulk/{id}', { params: { path: { id } } }),
    refetchInterval: (q) => (q.state.data && live(q.state.data.state) ? 2000 : false),
  });
  const [state, setState] = useState<BulkItemState | 'all'>('all');
  const [page, setPage] = useState(1);
  const items = useQuery({
    queryKey: ['bulk-items', id, state, page, op.data?.processed],
    enabled: !!op.data,
    queryFn: () =>
      api.GET('/api/staff/bulk/{id}/items', {
        params: { path: { id }, query: { page, pageSize: 50, ...(state === 'all' ? {} : { state }) } },
      }),
  });
  const stop = useMutation({
    mutationFn: () => api.POST('/api/staff/bulk/{id}/stop', { params: { path: { id } } }),
    onSuccess: (data) => qc.setQueryData(['bulk-op', id], data),
  });
  const o = op.data;
  if (!o) return <ErrorAlert error={op.error} />;
  const pages = items.data ? Math.max(1, Math.ceil(items.data.total / items.data.pageSize)) : 1;
  const pct = o.total ? Math.round((100 * o.processed) / o.total) : 100;
  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/staff/bulk" size="sm">
        ← {t('bulk.back')}
      </Anchor>
      <Group justify="space-between" align="start">
        <Stack gap={2}>
          <Title order={1} size="h2">
            {t('bulk.number', { id: o.id })} · {t(`bulk.kinds.${o.kind}`)}
          </Title>
          <Text size="sm" c="dimmed">
            {t('bulk.createdBy', { who: o.createdBy.fullName, when: whenStaff(o.createdAt, i18n.language) })}
            {o.finishedAt ? ` · ${t('bulk.finished', { when: whenStaff(o.finishedAt, i18n.language) })}` : ''}
          </Text>
        </Stack>
        <Badge size="xl" color={STATE_COLOR[o.state]} variant="light" data-testid="bulk-state">
          {t(`bulk.states.${o.state}`)}
        </Badge>
      </Group>
      <Card withBorder>
        <Stack gap="sm">
          <Group justify="space-between">
            <Text fw={600} data-testid="bulk-progress">
              {t('bulk.progress', { processed: o.processed, total: o.total })}
            </Text>
            {live(o.state) && mayRunBulk(o.kind, role) && (
              <Button color="red" variant="light" loading={stop.isPending} onClick={() => stop.mutate()}>
                {t('bulk.stop')}
              </Button>
            )}
          </Group>
          <Progress value={pct} size="lg" animated={live(o.state)} aria-label={t('bulk.progress', o)} />
          {live(o.state) && (
            <Text size="xs" c="dimmed">
              {t('bulk.stopHint')}
            </Text>
          )}
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            <Figure label={t('bulk.succeeded')} value={String(o.succeeded)} testId="bulk-succeeded" />
            <Figure label={t('bulk.skipped')} value={String(o.skipped)} />
            <Figure label={t('bulk.failed')} value={String(o.failed)} />
            {o.kind !== 'message' && <Figure label={t('bulk.planned')} value={rub(o.plannedAmount)} />}
            {o.kind === 'compensation' && (
              <Figure label={t('bulk.moved')} value={rub(o.amountMoved)} testId="bulk-moved" />
            )}
          </SimpleGrid>
          {o.reasons.length > 0 && (
            <Stack gap={2}>
              <Text fw={600} size="sm">
                {t('bulk.reasons')}
              </Text>
              {o.reasons.map((r) => (
                <Text key={r.reason} size="sm">
                  {r.text}: <b>{r.count}</b>
                </Text>
              ))}
            </Stack>
          )}
          {o.lastError && <Alert color="red">{t('bulk.error', { error: o.lastError })}</Alert>}
          <OperationSummary op={o} />
          <Group>
            <Button
              variant="default"
              onClick={() =>
                void download(`bulk-${o.id}.csv`, '/api/staff/bulk/{id}/report.csv', {
                  params: { path: { id: o.id }, query: { lang: i18n.language === 'en' ? 'en' : 'ru' } },
                })
              }
            >
              {t('bulk.csv')}
            </Button>
          </Group>
        </Stack>
      </Card>
      <ErrorAlert error={stop.error ?? items.error} />
      <SegmentedControl
        value={state}
        onChange={(v) => {
          setState(v);
          setPage(1);
        }}
        data={[
          { value: 'all', label: t('bulk.all') },
          ...(['failed', 'skipped', 'done', 'pending'] as const).map((s) => ({
            value: s,
            label: t(`bulk.itemStates.${s}`),
          })),
        ]}
        w="fit-content"
        // On a phone the five states are wider than the screen: they scroll, the page does not.
        maw="100%"
        style={{ overflowX: 'auto' }}
      />
      {items.data && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('bulk.account')}</Table.Th>
                <Table.Th>{t('bulk.subscriber')}</Table.Th>
                <Table.Th>{t('bulk.result')}</Table.Th>
                <Table.Th>{t('bulk.reasons')}</Table.Th>
                <Table.Th ta="right">{t('bulk.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.data.items.map((x) => (
                <Table.Tr key={x.accountId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/staff/accounts/${x.accountId}`} size="sm">
                      {x.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{x.fullName}</Table.Td>
                  <Table.Td>{t(`bulk.itemStates.${x.state}`)}</Table.Td>
                  <Table.Td>{x.reasonText ?? ''}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {x.amount ? rub(x.amount) : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('bulk.prev')}
          </Button>
          <Text>
            {page} / {pages}
          </Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('bulk.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The selection and the action, in words: every condition of the filter, and what was done (to which plan). */
function OperationSummary({ op }: { op: Operation }) {
  const { t } = useTranslation();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'support';
  const regions = useStaffRegions();
  const f = op.filter;
  const a = op.action;
  const tariffs = useQuery({
    queryKey: ['staff-tariffs-all'],
    enabled: !!f.tariffIds?.length || a.kind === 'tariff',
    queryFn: () => api.GET('/api/staff/tariffs'),
  });
  const tags = useQuery({
    queryKey: ['staff-tags'],
    enabled: !!f.tagIds?.length,
    queryFn: () => api.GET('/api/staff/tags'),
  });
  const nas = useQuery({
    queryKey: ['staff-nas'],
    enabled: !!f.nasIds?.length && role !== 'finance',
    queryFn: () => api.GET('/api/staff/nas'),
  });
  const regionName = (id: number) => {
    const g = regions.data?.find((x) => x.id === id);
    return g ? localName(g) : String(id);
  };
  const tariffName = (id: number) => {
    const x = tariffs.data?.tariffs.find((y) => y.id === id);
    return x ? `${regionName(x.regionId)} · ${localName(x)}` : `№ ${id}`;
  };
  const parts = [
    `${t('bulk.statuses')}: ${f.statuses.map((s) => t(`bulk.status.${s}`)).join(', ')}`,
    f.regionIds?.length ? `${t('bulk.regions')}: ${f.regionIds.map(regionName).join(', ')}` : null,
    f.tariffIds?.length ? `${t('bulk.tariffs')}: ${f.tariffIds.map(tariffName).join(', ')}` : null,
    f.balanceBelow !== undefined ? `${t('bulk.balanceBelow')} ${rub(f.balanceBelow).replace(/\s?₽$/, '')}` : null,
    f.street
      ? `${t('bulk.street')}: ${f.street}${f.houses ? `, ${t('bulk.houses').toLowerCase()} ${f.houses}` : ''}`
      : null,
    f.nasIds?.length
      ? `${t('bulk.nas')}: ${f.nasIds.map((id) => nas.data?.nas.find((n) => n.id === id)?.name ?? `№ ${id}`).join(', ')}`
      : null,
    f.tagIds?.length
      ? `${t('bulk.tags')}: ${f.tagIds.map((id) => tags.data?.tags.find((x) => x.id === id)?.name ?? `№ ${id}`).join(', ')}`
      : null,
    f.outageId ? t('bulk.outage', { id: f.outageId }) : null,
  ].filter(Boolean);
  const what =
    a.kind === 'compensation'
      ? `${t('bulk.dayCount', { count: a.days })} · ${a.comment}`
      : a.kind === 'message'
        ? `${a.subjectRu} (${a.channels.map((c) => t(`bulk.channel.${c}`)).join(', ')})`
        : a.kind === 'block'
          ? a.reason
          : a.kind === 'unblock'
            ? (a.comment ?? '')
            : tariffName(a.tariffId);
  return (
    <Stack gap={2} data-testid="bulk-summary">
      <Text size="sm">
        <b>{t('bulk.filter')}:</b> {parts.join(' · ')}
      </Text>
      {what && (
        <Text size="sm">
          <b>{t(`bulk.kinds.${op.kind}`)}:</b> {what}
        </Text>
      )}
      {op.outageId && (
        <Anchor component={Link} to={`/staff/outages/${op.outageId}`} size="sm">
          {t('bulk.outage', { id: op.outageId })}
        </Anchor>
      )}
    </Stack>
  );
}
