import './i18n';

import { Alert, Button, Card, Group, List, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localName, phone, rub } from '../../components/format';
import { Line } from './PreviewModal';

/** 09:00 … 20:00 every half hour: the times a visit can be booked. */
const TIMES = Array.from(
  { length: 23 },
  (_, i) => `${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
);

type Settlement = ApiData<'get', '/api/me/termination/settlement'>;

/** A charged plan, add-on or suspension fee in words: «Тариф «Домашний 300»», «ТВ-пакет «…»». */
function chargeName(t: (k: string, o?: Record<string, unknown>) => string, c: Settlement['charges'][number]) {
  if (c.kind === 'suspension') return t('svc.subject.suspension');
  const name = localName({ nameRu: c.nameRu ?? '', nameEn: c.nameEn ?? '' });
  return t(`svc.subject.${c.kind === 'tariff' ? 'tariff' : (c.serviceKind ?? 'tv')}`, { name });
}

/**
 * The final settlement expected on the visit day (GET /api/me/termination/settlement: the office's own
 * settlement run ahead and rolled back): the balance now, what is charged until then and for what, the
 * balance that day, and the refund or the debt — with what it depends on.
 */
function ExpectedSettlement({ day }: { day: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['termination-settlement', day],
    queryFn: () => api.GET('/api/me/termination/settlement', { params: { query: { date: day } } }),
  });
  if (q.isLoading) return <Loader size="sm" />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const s = q.data;
  if (s.billingBehind) return <Text c="dimmed">{t('svc.settlementBehind')}</Text>;
  return (
    <Card withBorder data-testid="settlement">
      <Stack gap={6}>
        <Title order={2} size="h5">
          {t('svc.settlementTitle', { date: date(s.day) })}
        </Title>
        <Line label={t('svc.balanceNow')}>{rub(s.balance)}</Line>
        <Line label={t('svc.chargesUntil', { date: date(s.day) })}>{rub(-s.charged)}</Line>
        {s.charges.length > 0 && (
          <List size="sm" spacing={2}>
            {s.charges.map((c, i) => (
              <List.Item key={i}>
                {t('svc.chargeLine', { name: chargeName(t, c), days: c.days })}: {rub(c.amount)}
              </List.Item>
            ))}
          </List>
        )}
        {s.blockedOn && <Text size="sm">{t('svc.moneyRunsOut', { date: date(s.blockedOn) })}</Text>}
        <Line label={t('svc.balanceOnDay')}>{rub(s.balanceOnDay)}</Line>
        {s.refund > 0 ? (
          <Alert color="green" data-testid="settlement-outcome">
            <Text fw={700}>{t('svc.refundOut', { amount: rub(s.refund) })}</Text>
            <Text size="sm">
              {s.cardRefundable > 0 ? t('svc.refundCard', { card: rub(s.cardRefundable) }) : t('svc.refundCash')}
            </Text>
          </Alert>
        ) : s.debt > 0 ? (
          <Alert color="orange" data-testid="settlement-outcome">
            <Text fw={700}>{t('svc.debtOut', { amount: rub(s.debt) })}</Text>
            <Text size="sm">{t('svc.debtNote')}</Text>
          </Alert>
        ) : (
          <Text fw={700} data-testid="settlement-outcome">
            {t('svc.zeroOut')}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          {t('svc.dependsNote')}
        </Text>
      </Stack>
    </Card>
  );
}

/**
 * Termination: done in an office with a passport; the region's offices, the settlement expected on the
 * chosen day, and booking a visit.
 */
export function TerminationPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['termination'], queryFn: () => api.GET('/api/me/termination') });
  const [officeId, setOfficeId] = useState<string | null>(null);
  const [day, setDay] = useState('');
  const [time, setTime] = useState<string | null>('11:00');
  const [contact, setContact] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const book = useMutation({
    mutationFn: () =>
      api.POST('/api/me/termination/visit', {
        body: { officeId: Number(officeId), date: day, time: time ?? '', phone: contact || undefined },
      }),
    onSuccess: () => {
      setDone(null);
      void qc.invalidateQueries({ queryKey: ['termination'] });
    },
  });
  const cancel = useMutation({
    mutationFn: () => api.DELETE('/api/me/termination/visit'),
    onSuccess: () => {
      setDone(t('svc.visitCancelled'));
      void qc.invalidateQueries({ queryKey: ['termination'] });
    },
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const d = q.data;
  const visitOffice = d.visit ? d.offices.find((o) => o.id === d.visit!.officeId) : undefined;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('svc.terminationTitle')}
      </Title>
      <Text>{t('svc.terminationLead')}</Text>
      {done && (
        <Alert color="green" role="status">
          {done}
        </Alert>
      )}
      {d.visit && (
        <Alert color="blue" title={t('svc.bookedTitle')} data-testid="visit-booked">
          <Stack gap="xs">
            <span>
              {t('svc.booked', {
                date: date(d.visit.date),
                time: d.visit.time,
                office: visitOffice ? `${localName(visitOffice)}, ${visitOffice.address}` : '',
              })}{' '}
              {t('svc.bring')}
            </span>
            <Button
              variant="white"
              size="compact-sm"
              w="fit-content"
              onClick={() => cancel.mutate()}
              loading={cancel.isPending}
            >
              {t('svc.cancelVisit')}
            </Button>
          </Stack>
        </Alert>
      )}
      {d.visit && <ExpectedSettlement day={d.visit.date} />}
      <Title order={2} size="h4">
        {t('svc.offices')}
      </Title>
      {d.offices.length === 0 ? (
        <Text c="dimmed">{t('svc.noOffices')}</Text>
      ) : (
        <List spacing="xs">
          {d.offices.map((o) => (
            <List.Item key={o.id}>
              <Text fw={600} span>
                {localName(o)}
              </Text>
              {`: ${o.address}`}
              {o.hours ? `, ${o.hours}` : ''}
              {o.phone ? `, ${phone(o.phone)}` : ''}
            </List.Item>
          ))}
        </List>
      )}
      {!d.visit && d.offices.length > 0 && (
        <Card withBorder>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              book.mutate();
            }}
          >
            <Stack>
              <Title order={2} size="h4">
                {t('svc.book')}
              </Title>
              <Select
                label={t('svc.office')}
                data={d.offices.map((o) => ({ value: String(o.id), label: `${localName(o)}, ${o.address}` }))}
                value={officeId}
                onChange={setOfficeId}
                required
                allowDeselect={false}
              />
              <Group grow wrap="wrap" align="start">
                <DateField
                  label={t('svc.visitDate')}
                  min={d.firstDay}
                  max={d.lastDay}
                  value={day}
                  onChange={setDay}
                  required
                  miw={160}
                />
                <Select
                  label={t('svc.visitTime')}
                  data={TIMES}
                  value={time}
                  onChange={setTime}
                  required
                  allowDeselect={false}
                  miw={120}
                />
              </Group>
              <TextInput
                label={t('svc.contactPhone')}
                value={contact}
                onChange={(e) => setContact(e.currentTarget.value)}
                type="tel"
                autoComplete="tel"
              />
              {day >= d.firstDay && day <= d.lastDay && <ExpectedSettlement day={day} />}
              <ErrorAlert error={book.error} />
              <Button type="submit" w="fit-content" loading={book.isPending} disabled={!officeId || !day || !time}>
                {t('svc.book')}
              </Button>
            </Stack>
          </form>
        </Card>
      )}
      <ErrorAlert error={cancel.error} />
    </Stack>
  );
}
