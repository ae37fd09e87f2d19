import '../outages/i18n';

import { Anchor, Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ticketStatusValues } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localName } from '../../components/format';
import { usePublicRegions } from '../../components/usePublicRegions';
import { dateTime, names, STATUS_COLORS } from './format';

type QueueQuery = NonNullable<
  NonNullable<Parameters<typeof api.GET<'/api/staff/support/tickets'>>[1]>['params']
>['query'];
type QueueStatus = NonNullable<NonNullable<QueueQuery>['status']>;

interface Filter {
  regionId: string;
  categoryId: string;
  status: QueueStatus;
  assignee: string;
  breach: boolean;
  q: string;
}

/** The staff queue: filters, most urgent first, SLA breaches and claim deadlines highlighted; live. */
export function SupportQueuePage() {
  const { t } = useTranslation();
  const [form, setForm] = useState<Filter>({
    regionId: '',
    categoryId: '',
    status: 'open',
    assignee: '',
    breach: false,
    q: '',
  });
  const [filter, setFilter] = useState(form);
  const query: QueueQuery = {
    status: filter.status,
    pageSize: 100,
    regionId: filter.regionId ? Number(filter.regionId) : undefined,
    categoryId: filter.categoryId ? Number(filter.categoryId) : undefined,
    assignee:
      filter.assignee === 'me' || filter.assignee === 'none'
        ? filter.assignee
        : filter.assignee
          ? Number(filter.assignee)
          : undefined,
    breach: filter.breach ? '1' : undefined,
    q: filter.q.trim() || undefined,
  };
  const queue = useQuery({
    queryKey: ['support', 'queue', query],
    queryFn: () => api.GET('/api/staff/support/tickets', { params: { query } }),
    refetchInterval: 60_000,
  });
  const regions = usePublicRegions();
  const cats = useQuery({
    queryKey: ['support', 'categories-all'],
    queryFn: () => api.GET('/api/staff/support/categories'),
  });
  const staff = useQuery({
    queryKey: ['support', 'staff'],
    queryFn: () => api.GET('/api/staff/support/staff'),
  });
  const any = { value: '', label: t('supportStaff.any') };
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('supportStaff.queue')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(form);
        }}
      >
        <Group align="end" wrap="wrap">
          <Select
            label={t('supportStaff.region')}
            data={[any, ...(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))]}
            value={form.regionId}
            onChange={(v) => setForm({ ...form, regionId: v ?? '' })}
          />
          <Select
            label={t('supportStaff.category')}
            data={[any, ...(cats.data?.categories ?? []).map((c) => ({ value: String(c.id), label: names(c) }))]}
            value={form.categoryId}
            onChange={(v) => setForm({ ...form, categoryId: v ?? '' })}
          />
          <Select
            label={t('supportStaff.status')}
            data={[
              { value: 'open', label: t('supportStaff.open') },
              { value: 'all', label: t('supportStaff.all') },
              ...ticketStatusValues.map((s) => ({
                value: s,
                label: t(`supportStaff.statuses.${s}`),
              })),
            ]}
            value={form.status}
            onChange={(v) => setForm({ ...form, status: v ?? 'open' })}
          />
          <Select
            label={t('supportStaff.assignee')}
            data={[
              any,
              { value: 'me', label: t('supportStaff.me') },
              { value: 'none', label: t('supportStaff.none') },
              ...(staff.data?.staff ?? []).map((s) => ({ value: String(s.id), label: s.fullName })),
            ]}
            value={form.assignee}
            onChange={(v) => setForm({ ...form, assignee: v ?? '' })}
          />
          <TextInput
            label={t('supportStaff.search')}
            value={form.q}
            onChange={(e) => setForm({ ...form, q: e.currentTarget.value })}
          />
          <Checkbox
            label={t('supportStaff.breach')}
            checked={form.breach}
            onChange={(e) => setForm({ ...form, breach: e.currentTarget.checked })}
            mb={8}
          />
          <Button type="submit">{t('supportStaff.show')}</Button>
        </Group>
      </form>
      <ErrorAlert error={queue.error} />
      {queue.data && (
        <>
          <Text c="dimmed" size="sm">
            {t('supportStaff.found', { n: queue.data.total })} · {t('supportStaff.live')}
          </Text>
          {queue.data.tickets.length === 0 ? (
            <Text>{t('supportStaff.none_found')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={860}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('supportStaff.ticket')}</Table.Th>
                    <Table.Th>{t('supportStaff.subscriber')}</Table.Th>
                    <Table.Th>{t('supportStaff.category')}</Table.Th>
                    <Table.Th>{t('supportStaff.status')}</Table.Th>
                    <Table.Th>{t('supportStaff.assignee')}</Table.Th>
                    <Table.Th>{t('supportStaff.due')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {queue.data.tickets.map((x) => {
                    const late = x.status !== 'closed' && (x.firstResponseBreached || x.resolutionBreached);
                    return (
                      <Table.Tr key={x.id} bg={late ? 'red.0' : undefined} data-testid={`queue-row-${x.id}`}>
                        <Table.Td>
                          <Anchor component={Link} to={`/staff/support/${x.id}`} fw={x.unread > 0 ? 700 : 400}>
                            № {x.id} · {x.subject}
                          </Anchor>
                          {x.unread > 0 && (
                            <Badge ml="xs" size="sm" color="red" aria-label={t('supportStaff.unread', { n: x.unread })}>
                              {x.unread}
                            </Badge>
                          )}
                          {x.outageId !== null && (
                            <Badge ml="xs" size="sm" color="orange" variant="light">
                              {t('supportOutage.badge')} № {x.outageId}
                            </Badge>
                          )}
                          <Text size="xs" c="dimmed">
                            {dateTime(x.createdAt)} · {names(x.region)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={`/staff/accounts/${x.accountId}`} size="sm">
                            {x.subscriberName}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {x.account}
                          </Text>
                        </Table.Td>
                        <Table.Td>{names(x.category)}</Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_COLORS[x.status]} variant="light">
                            {t(`supportStaff.statuses.${x.status}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{x.assignee?.fullName ?? '—'}</Table.Td>
                        <Table.Td>
                          {x.claimDueOn && (
                            <Text size="sm" fw={700} c="grape.8">
                              {t('supportStaff.claimDue', { date: date(x.claimDueOn) })}
                            </Text>
                          )}
                          {x.status !== 'closed' && (
                            <Text size="sm" c={late ? 'red.8' : undefined} fw={late ? 700 : 400}>
                              {x.firstResponseBreached && !x.firstResponseAt
                                ? t('supportStaff.firstLate')
                                : x.resolutionBreached
                                  ? t('supportStaff.resolveLate')
                                  : !x.firstResponseAt
                                    ? t('supportStaff.firstDue', { time: dateTime(x.firstResponseDueAt) })
                                    : t('supportStaff.resolveDue', { time: dateTime(x.resolutionDueAt) })}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Stack>
  );
}
