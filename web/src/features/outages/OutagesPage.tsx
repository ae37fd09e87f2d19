import './i18n';

import { parseHouses } from '@common/address-match';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { api, type ApiData } from '../../api/client';
import type { OutageScope } from '../../api/schema';
import { useMe } from '../../app/session';
import { DateTimeField } from '../../components/DateTimeField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import i18n from '../../i18n';
import { useStaffRegions } from '../services/staff/useRegions';
import { fromLocalInput, toLocalInput, whenIn } from './when';

type Outage = ApiData<'get', '/api/staff/outages'>['outages'][number];

/** Where an outage is, in words: the region, the street and houses, or the NAS. */
export function areaText(o: Pick<Outage, 'scope' | 'street' | 'houses' | 'nas' | 'region'>) {
  const t = i18n.t.bind(i18n);
  const region = localName(o.region);
  if (o.scope === 'address')
    return `${region}, ${o.street ?? ''} — ${o.houses ? t('outages.houseList', { houses: o.houses }) : t('outages.wholeStreet')}`;
  if (o.scope === 'nas') return `${region}, NAS ${o.nas?.name ?? ''}`;
  return `${region} — ${t('outages.wholeRegion')}`;
}

/** The back office's outages: the open ones first, a form to declare one (docs/outages.md). */
export function OutagesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'finance';
  const keeper = role !== 'finance';
  const [state, setState] = useState<'open' | 'closed' | 'all'>('open');
  const [declaring, setDeclaring] = useState(false);
  const list = useQuery({
    queryKey: ['outages', state],
    queryFn: () => api.GET('/api/staff/outages', { params: { query: { state, pageSize: 50 } } }),
  });
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('outages.title')}
        </Title>
        {keeper && !declaring && <Button onClick={() => setDeclaring(true)}>{t('outages.declare')}</Button>}
      </Group>
      <Text c="dimmed">{t('outages.lead')}</Text>
      {declaring && <DeclareForm onCancel={() => setDeclaring(false)} />}
      <SegmentedControl
        w="fit-content"
        value={state}
        onChange={(v) => setState(v)}
        data={(['open', 'closed', 'all'] as const).map((s) => ({ value: s, label: t(`outages.${s}`) }))}
      />
      <ErrorAlert error={list.error} />
      {list.data && list.data.outages.length === 0 && <Text>{t('outages.none')}</Text>}
      {list.data && list.data.outages.length > 0 && (
        <Table.ScrollContainer minWidth={860}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('outages.titleLabel')}</Table.Th>
                <Table.Th>{t('outages.area')}</Table.Th>
                <Table.Th>{t('outages.startsAt')}</Table.Th>
                <Table.Th>{t('outages.expectedEndAt')}</Table.Th>
                <Table.Th ta="right">{t('outages.affected')}</Table.Th>
                <Table.Th ta="right">{t('outages.tickets')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.outages.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Badge color={o.state === 'open' ? 'orange' : 'gray'} variant="light">
                        {t(`outages.state.${o.state}`)}
                      </Badge>
                      <Anchor component={Link} to={`/staff/outages/${o.id}`}>
                        № {o.id} · {o.title}
                      </Anchor>
                    </Group>
                  </Table.Td>
                  <Table.Td>{areaText(o)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{whenIn(o.startsAt, o.region.timeZone)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {whenIn(o.endedAt ?? o.expectedEndAt, o.region.timeZone)}
                  </Table.Td>
                  <Table.Td ta="right">{o.accounts}</Table.Td>
                  <Table.Td ta="right">{o.tickets}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function DeclareForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const regions = useStaffRegions();
  const [regionId, setRegionId] = useState<string | null>(null);
  const rid = regionId ?? (regions.data?.[0] ? String(regions.data[0].id) : null);
  const [scope, setScope] = useState<OutageScope>('address');
  const [street, setStreet] = useState('');
  const [houses, setHouses] = useState('');
  const [nasId, setNasId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const now = new Date();
  const [startsAt, setStartsAt] = useState(toLocalInput(now));
  const [endsAt, setEndsAt] = useState(toLocalInput(new Date(now.getTime() + 4 * 3_600_000)));
  const nas = useQuery({
    queryKey: ['staff-nas', rid],
    enabled: scope === 'nas' && !!rid,
    queryFn: () => api.GET('/api/staff/nas'),
  });
  const area = {
    regionId: Number(rid),
    scope,
    ...(scope === 'address' ? { street: street.trim(), ...(houses.trim() ? { houses: houses.trim() } : {}) } : {}),
    ...(scope === 'nas' && nasId ? { nasId: Number(nasId) } : {}),
  };
  const badHouses = scope === 'address' && parseHouses(houses) === 'invalid';
  const ready =
    !!rid && (scope !== 'address' || (street.trim().length >= 2 && !badHouses)) && (scope !== 'nas' || !!nasId);
  // The count follows the form after a pause in typing, and only for an area the server would take.
  const [debounced] = useDebouncedValue(JSON.stringify({ area, ready }), 400);
  const settled = JSON.parse(debounced) as { area: typeof area; ready: boolean };
  const count = useQuery({
    queryKey: ['outage-preview', JSON.stringify(settled.area)],
    enabled: ready && settled.ready,
    queryFn: () => api.POST('/api/staff/outages/preview', { body: settled.area }),
  });
  const declare = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/outages', {
        body: {
          area,
          title,
          description,
          startsAt: fromLocalInput(startsAt),
          expectedEndAt: fromLocalInput(endsAt),
        },
      }),
    onSuccess: (o) => navigate(`/staff/outages/${o.id}`),
  });
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('outages.declare')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label={t('outages.region')}
            data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
            value={rid}
            onChange={setRegionId}
            allowDeselect={false}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('outages.scope')}
            </Text>
            <SegmentedControl
              value={scope}
              onChange={(v) => setScope(v)}
              data={(['region', 'address', 'nas'] as const).map((s) => ({ value: s, label: t(`outages.scopes.${s}`) }))}
            />
          </Stack>
        </SimpleGrid>
        {scope === 'address' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('outages.street')}
              description={t('outages.streetHint')}
              value={street}
              onChange={(e) => setStreet(e.currentTarget.value)}
            />
            <TextInput
              label={t('outages.houses')}
              description={t('outages.housesHint')}
              error={badHouses ? t('outages.badHouses') : undefined}
              value={houses}
              onChange={(e) => setHouses(e.currentTarget.value)}
            />
          </SimpleGrid>
        )}
        {scope === 'nas' && (
          <Select
            label={t('outages.nas')}
            data={(nas.data?.nas ?? [])
              .filter((n) => String(n.regionId) === rid)
              .map((n) => ({ value: String(n.id), label: `${n.name} (${n.address})` }))}
            value={nasId}
            onChange={setNasId}
            searchable
          />
        )}
        {ready && count.data && (
          <Text fw={600} data-testid="outage-affected">
            {t('outages.affectedPreview', { count: count.data.accounts })}
          </Text>
        )}
        <ErrorAlert error={count.error} />
        <TextInput
          label={t('outages.titleLabel')}
          value={title}
          maxLength={120}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        <Textarea
          label={t('outages.description')}
          value={description}
          maxLength={1000}
          autosize
          minRows={2}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <DateTimeField label={t('outages.startsAt')} value={startsAt} onChange={setStartsAt} />
          <DateTimeField label={t('outages.expectedEndAt')} value={endsAt} onChange={setEndsAt} />
        </SimpleGrid>
        <ErrorAlert error={declare.error} />
        <Group>
          <Button
            onClick={() => declare.mutate()}
            loading={declare.isPending}
            disabled={!ready || title.trim().length < 3}
          >
            {t('outages.declare')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
