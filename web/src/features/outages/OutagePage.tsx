import './i18n';

import { mayRunBulk } from '@common/bulk';
import { OUTAGE_RENOTIFY_MINUTES } from '@common/outages';
import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api } from '../../api/client';
import { useMe } from '../../app/session';
import { DateTimeField } from '../../components/DateTimeField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Figure } from '../bulk/NewBulkPage';
import { areaText } from './OutagesPage';
import { fromLocalInput, toLocalInput, whenIn } from './when';

/**
 * One outage: what subscribers read, where, who was told and how often, the tickets linked; while open,
 * move the expected end (a big move later tells the subscribers again) and close it; once closed, the
 * compensation the rule suggests, as a bulk operation over its subscribers (finance).
 */
export function OutagePage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'finance';
  const keeper = role !== 'finance';
  const q = useQuery({
    queryKey: ['outage', id],
    queryFn: () => api.GET('/api/staff/outages/{id}', { params: { path: { id } } }),
  });
  const [end, setEnd] = useState<string | null>(null);
  const [closeAt, setCloseAt] = useState(toLocalInput(new Date()));
  const [saved, setSaved] = useState<'saved' | 'renotified' | null>(null);
  const update = useMutation({
    mutationFn: (expectedEndAt: string) =>
      api.PATCH('/api/staff/outages/{id}', {
        params: { path: { id } },
        body: { expectedEndAt: fromLocalInput(expectedEndAt) },
      }),
    onSuccess: (o) => {
      setSaved(o.renotified ? 'renotified' : 'saved');
      setEnd(null);
      qc.setQueryData(['outage', id], o);
    },
  });
  const close = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/outages/{id}/close', {
        params: { path: { id } },
        body: { endedAt: fromLocalInput(closeAt) },
      }),
    onSuccess: (o) => qc.setQueryData(['outage', id], o),
  });
  const o = q.data;
  if (!o) return <ErrorAlert error={q.error} />;
  const tz = o.region.timeZone;
  const hours =
    Math.round(((new Date(o.endedAt ?? Date.now()).getTime() - new Date(o.startsAt).getTime()) / 3_600_000) * 10) / 10;
  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/staff/outages" size="sm">
        ← {t('outages.back')}
      </Anchor>
      <Group justify="space-between" align="start">
        <Stack gap={2}>
          <Title order={1} size="h2">
            № {o.id} · {o.title}
          </Title>
          <Text>{areaText(o)}</Text>
          {o.description && <Text c="dimmed">{o.description}</Text>}
          <Text size="sm" c="dimmed">
            {t('outages.created', { who: o.createdBy, when: whenIn(o.createdAt, tz) })}
          </Text>
        </Stack>
        <Badge size="xl" color={o.state === 'open' ? 'orange' : 'gray'} variant="light" data-testid="outage-state">
          {t(`outages.state.${o.state}`)}
        </Badge>
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t('outages.startsAt')} value={whenIn(o.startsAt, tz)} />
          <Figure
            label={o.endedAt ? t('outages.endedAt') : t('outages.expectedEndAt')}
            value={whenIn(o.endedAt ?? o.expectedEndAt, tz)}
            testId="outage-end"
          />
          <Figure label={t('outages.affected')} value={String(o.accounts)} testId="outage-accounts" />
          <Figure label={t('outages.notices')} value={`${o.notices} · ${t('outages.notified')} ${o.notified}`} />
        </SimpleGrid>
        <Text size="sm" c="dimmed" mt="xs">
          {t('outages.duration', { hours })}
        </Text>
      </Card>
      {o.state === 'open' && keeper && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder>
            <Stack gap="xs">
              <DateTimeField
                label={t('outages.expectedEndAt')}
                description={t('outages.renotifyRule', { minutes: OUTAGE_RENOTIFY_MINUTES })}
                value={end ?? toLocalInput(new Date(o.expectedEndAt))}
                onChange={(v) => {
                  setEnd(v);
                  setSaved(null);
                }}
              />
              <Group>
                <Button
                  variant="light"
                  disabled={!end}
                  loading={update.isPending}
                  onClick={() => end && update.mutate(end)}
                >
                  {t('outages.save')}
                </Button>
              </Group>
              {saved && (
                <Alert color={saved === 'renotified' ? 'orange' : 'green'} role="status">
                  {saved === 'renotified'
                    ? t('outages.renotified', { minutes: OUTAGE_RENOTIFY_MINUTES })
                    : t('outages.saved')}
                </Alert>
              )}
              <ErrorAlert error={update.error} />
            </Stack>
          </Card>
          <Card withBorder>
            <Stack gap="xs">
              <DateTimeField
                label={t('outages.endedAt')}
                description={t('outages.closeHint')}
                value={closeAt}
                onChange={setCloseAt}
              />
              <Group>
                <Button color="green" loading={close.isPending} onClick={() => close.mutate()}>
                  {t('outages.close')}
                </Button>
              </Group>
              <ErrorAlert error={close.error} />
            </Stack>
          </Card>
        </SimpleGrid>
      )}
      {o.state === 'closed' && (
        <Card withBorder data-testid="outage-compensation">
          <Stack gap="xs">
            <Title order={2} size="h4">
              {t('outages.compensation')}
            </Title>
            <Text>{t('outages.suggested', { count: o.suggestedDays ?? 0 })}</Text>
            {o.compensationId ? (
              <Anchor component={Link} to={`/staff/bulk/${o.compensationId}`}>
                {t('outages.compensationDone', { id: o.compensationId })}
              </Anchor>
            ) : mayRunBulk('compensation', role) ? (
              <Group>
                <Button
                  component={Link}
                  to={`/staff/bulk/new?outage=${o.id}&days=${Math.max(1, o.suggestedDays ?? 1)}`}
                >
                  {t('outages.compensate')}
                </Button>
              </Group>
            ) : (
              <Text c="dimmed">{t('outages.compensationFinance')}</Text>
            )}
          </Stack>
        </Card>
      )}
      <Title order={2} size="h4">
        {t('outages.linked')}
      </Title>
      {o.linkedTickets.length === 0 ? (
        <Text c="dimmed">{t('outages.noTickets')}</Text>
      ) : (
        <Table striped fz="sm">
          <Table.Tbody>
            {o.linkedTickets.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td>
                  {role === 'support' || role === 'admin' ? (
                    <Anchor component={Link} to={`/staff/support/${x.id}`}>
                      № {x.id}
                    </Anchor>
                  ) : (
                    `№ ${x.id}`
                  )}
                </Table.Td>
                <Table.Td>{x.subject}</Table.Td>
                <Table.Td>{x.account}</Table.Td>
                <Table.Td>{t(`outages.ticketStatus.${x.status}`)}</Table.Td>
                <Table.Td>{whenIn(x.createdAt, tz)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
