import './reports-i18n';

import { Button, Group, Loader, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, download } from '../../api/client';
import type { ReportName } from '../../api/schema';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';
import { providerLabel } from '../../components/labels';
import { useRegionDays } from '../../components/useRegionDays';

const REPORTS: ReportName[] = ['turnover', 'charges', 'payments', 'agents', 'debtors', 'promised'];
const PERIOD: Record<ReportName, boolean> = {
  turnover: true,
  charges: true,
  payments: true,
  agents: true,
  debtors: false,
  promised: false,
};

interface Col {
  label: string;
  money?: boolean;
}
interface Shown {
  cols: Col[];
  rows: ReactNode[][];
  totals: ReactNode[] | null;
  pages?: number;
}

/** Finance: the accountant's reports (docs/reports.md) on screen, and the same as CSV, XLSX and a file for 1C. */
export function ReportsPage() {
  const days = useRegionDays();
  return days ? <Reports from={`${days.earliest.slice(0, 8)}01`} to={days.latest} /> : <Loader />;
}

function Reports(initial: { from: string; to: string }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<ReportName>('turnover');
  const [form, setForm] = useState({ from: initial.from, to: initial.to, asOf: initial.to });
  const [filter, setFilter] = useState(form);
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['report', report, filter, page],
    queryFn: () => load(report, filter, page, t),
  });
  const exportFile = useMutation({
    mutationFn: (format: 'csv' | 'xlsx' | '1c') =>
      format === '1c'
        ? download(`abonent-1c-${filter.from}-${filter.to}.xml`, '/api/staff/reports/onec', {
            params: { query: { from: filter.from, to: filter.to } },
          })
        : download(`${report}.${format}`, '/api/staff/reports/{report}/export', {
            params: {
              path: { report },
              query: PERIOD[report]
                ? { format, from: filter.from, to: filter.to }
                : report === 'debtors'
                  ? { format, asOf: filter.asOf }
                  : { format },
            },
          }),
  });
  const shown = q.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('reports.title')}
      </Title>
      <Text c="dimmed">{t('reports.hint')}</Text>
      <SegmentedControl
        data={REPORTS.map((r) => ({ value: r, label: t(`reports.${r}`) }))}
        value={report}
        onChange={(v) => {
          setReport(v);
          setPage(1);
        }}
        style={{ alignSelf: 'flex-start', flexWrap: 'wrap' }}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilter(form);
        }}
      >
        <Group align="end" wrap="wrap">
          {PERIOD[report] && (
            <>
              <DateField label={t('reports.from')} value={form.from} onChange={(v) => setForm({ ...form, from: v })} />
              <DateField label={t('reports.to')} value={form.to} onChange={(v) => setForm({ ...form, to: v })} />
            </>
          )}
          {report === 'debtors' && (
            <DateField label={t('reports.asOf')} value={form.asOf} onChange={(v) => setForm({ ...form, asOf: v })} />
          )}
          {report !== 'promised' && <Button type="submit">{t('reports.show')}</Button>}
          <Button
            variant="default"
            loading={exportFile.variables === 'csv' && exportFile.isPending}
            onClick={() => exportFile.mutate('csv')}
          >
            {t('reports.csv')}
          </Button>
          <Button
            variant="default"
            loading={exportFile.variables === 'xlsx' && exportFile.isPending}
            onClick={() => exportFile.mutate('xlsx')}
          >
            {t('reports.xlsx')}
          </Button>
          {PERIOD[report] && (
            <Button
              variant="default"
              title={t('reports.onecHint')}
              loading={exportFile.variables === '1c' && exportFile.isPending}
              onClick={() => exportFile.mutate('1c')}
            >
              {t('reports.onec')}
            </Button>
          )}
        </Group>
      </form>
      <ErrorAlert error={q.error ?? exportFile.error} />
      {q.isLoading && <Loader />}
      {shown &&
        (shown.rows.length === 0 ? (
          <Text>{t('reports.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={shown.cols.length * 110} type="native" tabIndex={0}>
            <Table striped data-testid="report-table">
              <Table.Thead>
                <Table.Tr>
                  {shown.cols.map((c) => (
                    <Table.Th key={c.label} ta={c.money ? 'right' : undefined}>
                      {c.label}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.rows.map((r, i) => (
                  <Table.Tr key={i}>
                    {r.map((v, j) => (
                      <Table.Td
                        key={j}
                        ta={shown.cols[j]!.money ? 'right' : undefined}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {v}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
              {shown.totals && (
                <Table.Tfoot>
                  <Table.Tr data-testid="report-totals">
                    {shown.totals.map((v, j) => (
                      <Table.Th
                        key={j}
                        ta={shown.cols[j]!.money ? 'right' : undefined}
                        style={{ whiteSpace: 'nowrap' }}
                      >
                        {v}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Tfoot>
              )}
            </Table>
          </Table.ScrollContainer>
        ))}
      {shown?.pages && shown.pages > 1 && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('reports.prev')}
          </Button>
          <Text>{t('reports.page', { page, pages: shown.pages })}</Text>
          <Button variant="default" disabled={page >= shown.pages} onClick={() => setPage(page + 1)}>
            {t('reports.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

type T = (k: string, o?: Record<string, unknown>) => string;
const PAGE = 100;
const percent = new Intl.NumberFormat('ru-RU', { style: 'percent', maximumFractionDigits: 2 });

async function load(
  report: ReportName,
  f: { from: string; to: string; asOf: string },
  page: number,
  t: T,
): Promise<Shown> {
  const c = (k: string, money = false): Col => ({ label: t(`reports.${k}`), money });
  const period = { from: f.from, to: f.to };
  switch (report) {
    case 'turnover': {
      const r = await api.GET('/api/staff/reports/turnover', {
        params: { query: { ...period, page, pageSize: PAGE } },
      });
      const m = ['opening', 'charged', 'paid', 'bonus', 'refunded', 'adjusted', 'promised', 'closing'] as const;
      return {
        cols: [
          c('account'),
          c('contract'),
          c('subscriber'),
          ...m.map((k) => c(k === 'promised' ? 'promisedCol' : k, true)),
        ],
        rows: r.lines.map((l) => [l.account, l.contract, l.subscriber, ...m.map((k) => rub(l[k]))]),
        totals: [t('reports.total'), '', String(r.totals.accounts), ...m.map((k) => rub(r.totals[k]))],
        pages: Math.max(1, Math.ceil(r.totals.accounts / PAGE)),
      };
    }
    case 'charges': {
      const r = await api.GET('/api/staff/reports/charges', { params: { query: period } });
      const en = t('reports.total') === 'Total';
      return {
        cols: [c('month'), c('region'), c('item'), c('amount', true), c('entries', true), c('accounts', true)],
        rows: r.lines.map((l) => [
          l.month.slice(0, 7),
          l.region,
          `${t(`reports.kind_${l.itemKind}`)}: ${en ? l.itemEn : l.itemRu}`,
          rub(l.amount),
          String(l.entries),
          String(l.accounts),
        ]),
        totals: [t('reports.total'), '', '', rub(r.total), '', ''],
      };
    }
    case 'payments': {
      const r = await api.GET('/api/staff/reports/payments', { params: { query: period } });
      return {
        cols: [c('channel'), c('region'), c('count', true), c('amount', true)],
        rows: r.lines.map((l) => [providerLabel(l.channel), l.region, String(l.count), rub(l.amount)]),
        totals: [t('reports.total'), '', String(r.total.count), rub(r.total.amount)],
      };
    }
    case 'agents': {
      const r = await api.GET('/api/staff/reports/agents', { params: { query: period } });
      return {
        cols: [c('agent'), c('count', true), c('amount', true), c('commission', true), c('due', true)],
        rows: r.lines.map((l) => [
          `${l.name} (${l.code}, ${percent.format(l.commissionBp * 0.0001)})`,
          String(l.count),
          rub(l.amount),
          rub(l.commission),
          rub(l.due),
        ]),
        totals: [
          t('reports.total'),
          String(r.total.count),
          rub(r.total.amount),
          rub(r.total.commission),
          rub(r.total.due),
        ],
      };
    }
    case 'debtors': {
      const r = await api.GET('/api/staff/reports/debtors', {
        params: { query: { asOf: f.asOf, page, pageSize: PAGE } },
      });
      return {
        cols: [c('account'), c('contract'), c('subscriber'), c('debt', true), c('since'), c('days', true), c('bucket')],
        rows: r.lines.map((l) => [
          l.account,
          l.contract,
          l.subscriber,
          rub(l.debt),
          date(l.since),
          String(l.days),
          t(`reports.bucket_${l.bucket}`),
        ]),
        totals: [
          t('reports.total'),
          '',
          r.buckets.map((b) => `${t(`reports.bucket_${b.bucket}`)}: ${b.accounts} / ${rub(b.debt)}`).join('; '),
          rub(r.total.debt),
          '',
          String(r.total.accounts),
          '',
        ],
        pages: Math.max(1, Math.ceil(r.total.accounts / PAGE)),
      };
    }
    case 'promised': {
      const r = await api.GET('/api/staff/reports/promised', { params: { query: {} } });
      return {
        cols: [
          c('account'),
          c('subscriber'),
          c('amount', true),
          c('outstanding', true),
          c('takenOn'),
          c('dueOn'),
          c('overdue'),
        ],
        rows: r.lines.map((l) => [
          l.account,
          l.subscriber,
          rub(l.amount),
          rub(l.outstanding),
          date(l.takenOn),
          date(l.dueOn),
          l.overdue ? '✓' : '',
        ]),
        totals: [t('reports.total'), String(r.total.count), rub(r.total.amount), rub(r.total.outstanding), '', '', ''],
      };
    }
  }
}
