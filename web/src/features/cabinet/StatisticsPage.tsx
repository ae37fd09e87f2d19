import '@mantine/charts/styles.css';

import { kopecksToRublesNumber } from '@common/money';
import { AreaChart } from '@mantine/charts';
import { Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { download } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';
import { EntriesTable } from './EntriesTable';
import { monthStartOf, useRegionToday, useStatement } from './useStatement';

/** Every payment, charge and adjustment for a period, running balance, totals, chart, CSV/PDF. */
export default function StatisticsPage() {
  const today = useRegionToday();
  return today ? <Statistics today={today} /> : <Loader />;
}

function Statistics({ today }: { today: string }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(monthStartOf(today));
  const [to, setTo] = useState(today);
  const [period, setPeriod] = useState({ from, to });
  const st = useStatement(period.from, period.to);
  const [error, setError] = useState<unknown>(null);
  const get = (ext: 'csv' | 'pdf') =>
    download(`statement-${period.from}-${period.to}.${ext}`, `/api/me/statement.${ext}`, {
      params: { query: period },
    }).catch(setError);

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('stats.title')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod({ from, to });
        }}
      >
        <Group align="end">
          <DateField label={t('stats.from')} value={from} onChange={setFrom} name="from" />
          <DateField label={t('stats.to')} value={to} onChange={setTo} name="to" />
          <Button type="submit">{t('stats.show')}</Button>
          <Button variant="default" onClick={() => void get('csv')}>
            {t('stats.csv')}
          </Button>
          <Button variant="default" onClick={() => void get('pdf')}>
            {t('stats.pdf')}
          </Button>
        </Group>
      </form>
      <ErrorAlert error={st.error ?? error} />
      {st.data && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Card withBorder>
              <Text size="sm" c="dimmed">
                {t('stats.opening')}
              </Text>
              <Text fw={700}>{rub(st.data.openingBalance)}</Text>
              <Text size="sm" c="dimmed" mt="xs">
                {t('stats.closing')}
              </Text>
              <Text fw={700}>{rub(st.data.closingBalance)}</Text>
            </Card>
            <Card withBorder>
              <Text size="sm" c="dimmed">
                {t('stats.totals')}
              </Text>
              {st.data.totals.map((x) => (
                <Group key={x.kind} justify="space-between">
                  <Text>{t(`kinds.${x.kind}`)}</Text>
                  <Text fw={600}>{rub(x.amount)}</Text>
                </Group>
              ))}
            </Card>
          </SimpleGrid>
          {st.data.series.length > 1 && (
            <Card withBorder>
              <Text size="sm" c="dimmed" mb="xs" id="chart-title">
                {t('stats.chart')}
              </Text>
              <div role="img" aria-labelledby="chart-title">
                <AreaChart
                  h={220}
                  data={st.data.series.map((p) => ({
                    date: p.date.slice(5),
                    balance: kopecksToRublesNumber(p.balance),
                  }))}
                  dataKey="date"
                  series={[{ name: 'balance', label: t('info.balance'), color: 'blue.6' }]}
                  withDots={false}
                  curveType="step"
                />
              </div>
            </Card>
          )}
          <EntriesTable entries={st.data.entries} caption={t('stats.title')} />
        </>
      )}
    </Stack>
  );
}
