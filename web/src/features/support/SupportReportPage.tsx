import { addDays } from '@common/dates';
import { Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData, download } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date } from '../../components/format';
import { useRegionDays } from '../../components/useRegionDays';

type Report = ApiData<'get', '/api/staff/support/report'>;
/** One row's figures: the totals without what only the totals have. */
type Measures = Omit<Report['total'], 'claimsOverdue'>;

/** Admin report: tickets per day and topic, median first response, SLA breaches; CSV export. */
export function SupportReportPage() {
  const days = useRegionDays();
  return days ? <SupportReport from={addDays(days.earliest, -6)} to={days.latest} /> : <Loader />;
}

/** Opens on the last seven days of every region. */
function SupportReport(initial: { from: string; to: string }) {
  const { t, i18n } = useTranslation();
  const [form, setForm] = useState(initial);
  const [period, setPeriod] = useState(form);
  const report = useQuery({
    queryKey: ['support', 'report', period],
    queryFn: () => api.GET('/api/staff/support/report', { params: { query: period } }),
  });
  const en = i18n.language === 'en';
  const cells = (m: Measures) => (
    <>
      <Table.Td ta="right">{m.created}</Table.Td>
      <Table.Td ta="right">{m.answered}</Table.Td>
      <Table.Td ta="right">{m.medianFirstResponseMinutes ?? '—'}</Table.Td>
      <Table.Td ta="right">{m.firstResponseBreaches}</Table.Td>
      <Table.Td ta="right">{m.resolutionBreaches}</Table.Td>
    </>
  );
  const heads = (
    <>
      <Table.Th ta="right">{t('supportAdmin.created')}</Table.Th>
      <Table.Th ta="right">{t('supportAdmin.answered')}</Table.Th>
      <Table.Th ta="right">{t('supportAdmin.median')}</Table.Th>
      <Table.Th ta="right">{t('supportAdmin.firstLate')}</Table.Th>
      <Table.Th ta="right">{t('supportAdmin.resolveLate')}</Table.Th>
    </>
  );
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('supportAdmin.report')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod(form);
        }}
      >
        <Group align="end">
          <DateField label={t('supportAdmin.from')} value={form.from} onChange={(v) => setForm({ ...form, from: v })} />
          <DateField label={t('supportAdmin.to')} value={form.to} onChange={(v) => setForm({ ...form, to: v })} />
          <Button type="submit">{t('supportAdmin.show')}</Button>
          <Button
            variant="default"
            onClick={() =>
              void download(`support-${period.from}-${period.to}.csv`, '/api/staff/support/report.csv', {
                params: { query: period },
              })
            }
          >
            {t('supportAdmin.csv')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={report.error} />
      {report.data && (
        <>
          <Text>{t('supportAdmin.claimsOverdue', { n: report.data.total.claimsOverdue })}</Text>
          <Title order={2} size="h4">
            {t('supportAdmin.byCategory')}
          </Title>
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('supportStaff.category')}</Table.Th>
                  {heads}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.byCategory.map((r) => (
                  <Table.Tr key={r.categoryId}>
                    <Table.Td>{en ? r.categoryEn : r.categoryRu}</Table.Td>
                    {cells(r)}
                  </Table.Tr>
                ))}
                <Table.Tr fw={700}>
                  <Table.Td>{t('supportAdmin.total')}</Table.Td>
                  {cells(report.data.total)}
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Title order={2} size="h4">
            {t('supportAdmin.byDay')}
          </Title>
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('supportAdmin.day')}</Table.Th>
                  <Table.Th>{t('supportStaff.region')}</Table.Th>
                  <Table.Th>{t('supportStaff.category')}</Table.Th>
                  {heads}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.rows.map((r) => (
                  <Table.Tr key={`${r.day}-${r.regionRu}-${r.categoryRu}`}>
                    <Table.Td>{date(r.day)}</Table.Td>
                    <Table.Td>{en ? r.regionEn : r.regionRu}</Table.Td>
                    <Table.Td>{en ? r.categoryEn : r.categoryRu}</Table.Td>
                    {cells(r)}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
