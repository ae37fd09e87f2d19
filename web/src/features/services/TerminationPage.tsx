import './i18n';

import { Alert, Button, Card, Group, List, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localName, phone } from '../../components/format';

/** 09:00 … 20:00 every half hour: the times a visit can be booked. */
const TIMES = Array.from(
  { length: 23 },
  (_, i) => `${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
);

/** Termination: done in an office with a passport; the region's offices and booking a visit. */
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
                <TextInput
                  type="date"
                  label={t('svc.visitDate')}
                  min={d.firstDay}
                  max={d.lastDay}
                  value={day}
                  onChange={(e) => setDay(e.currentTarget.value)}
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
