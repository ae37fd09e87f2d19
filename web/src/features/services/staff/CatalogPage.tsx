import '../i18n';

import { kopecksToDecimal, parseRubles } from '@common/money';
import { SUSPENSION_DEFAULTS } from '@common/suspension-rules';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../../api/client';
import { type components, type paths, serviceKindValues } from '../../../api/schema';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { localName, rub } from '../../../components/format';
import { type StaffRegion, useStaffRegions } from './useRegions';

type Office = ApiData<'get', '/api/staff/offices'>['offices'][number];
type ServiceKind = components['schemas']['ServiceKind'];
/** The JSON body a PATCH route accepts, from the contract. */
type PatchBody<P extends '/api/staff/tariffs/{id}' | '/api/staff/services/{id}'> = NonNullable<
  paths[P]['patch']['requestBody']
>['content']['application/json'];

/** Admins keep each region's catalogue: plans (fee, speed, archive), add-ons, the static-IP pool, offices, suspension rules. */
export function CatalogPage() {
  const { t } = useTranslation();
  const regions = useStaffRegions();
  const [regionId, setRegionId] = useState<string | null>(null);
  const region = regions.data?.find((r) => String(r.id) === regionId) ?? regions.data?.[0];
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staffsvc.catalog')}
      </Title>
      <ErrorAlert error={regions.error} />
      {regions.data && (
        <Select
          label={t('adminsvc.region')}
          data={regions.data.map((r) => ({ value: String(r.id), label: localName(r) }))}
          value={region ? String(region.id) : null}
          onChange={setRegionId}
          allowDeselect={false}
          w={320}
        />
      )}
      {region && (
        <>
          <Tariffs regionId={region.id} />
          <Services regionId={region.id} />
          <Pool regionId={region.id} />
          <Offices regionId={region.id} />
          <SuspensionRules region={region} />
        </>
      )}
    </Stack>
  );
}

function useSaved() {
  const qc = useQueryClient();
  const [saved, setSaved] = useState<string | null>(null);
  return { saved, setSaved, refresh: () => void qc.invalidateQueries() };
}

function Tariffs({ regionId }: { regionId: number }) {
  const { t } = useTranslation();
  const { saved, setSaved, refresh } = useSaved();
  const q = useQuery({
    queryKey: ['admin-tariffs', regionId],
    queryFn: () => api.GET('/api/staff/tariffs', { params: { query: { regionId } } }),
  });
  const [fees, setFees] = useState<Record<number, string>>({});
  const [form, setForm] = useState({ code: '', nameRu: '', nameEn: '', fee: '', speed: '100' });
  const patch = useMutation({
    mutationFn: (x: { id: number; body: PatchBody<'/api/staff/tariffs/{id}'> }) =>
      api.PATCH('/api/staff/tariffs/{id}', { params: { path: { id: x.id } }, body: x.body }),
    onSuccess: () => {
      setSaved(t('adminsvc.added'));
      refresh();
    },
  });
  const create = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/tariffs', {
        body: {
          regionId,
          code: form.code,
          nameRu: form.nameRu,
          nameEn: form.nameEn || form.nameRu,
          monthlyFee: parseRubles(form.fee) ?? 0,
          speedDownKbps: Number(form.speed) * 1000,
          speedUpKbps: Number(form.speed) * 1000,
          activeFrom: '2000-01-01',
        },
      }),
    onSuccess: () => {
      setSaved(t('adminsvc.added'));
      setForm({ code: '', nameRu: '', nameEn: '', fee: '', speed: '100' });
      refresh();
    },
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('adminsvc.tariffs')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('adminsvc.feeNote')}
        </Text>
        {saved && (
          <Alert
            color="green"
            role="status"
            withCloseButton
            closeButtonLabel={t('svc.close')}
            onClose={() => setSaved(null)}
          >
            {saved}
          </Alert>
        )}
        <ErrorAlert error={q.error ?? patch.error} />
        <Table striped data-testid="admin-tariffs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('adminsvc.name')}</Table.Th>
              <Table.Th scope="col">{t('adminsvc.fee')}</Table.Th>
              <Table.Th scope="col">{t('adminsvc.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data?.tariffs.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td>
                  {localName(x)}
                  <Text size="xs" c="dimmed">
                    {t('svc.speed', { speed: Math.round(x.speedDownKbps / 1000) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <TextInput
                      aria-label={t('adminsvc.feeOf', { name: localName(x) })}
                      value={fees[x.id] ?? kopecksToDecimal(x.monthlyFee)}
                      onChange={(e) => setFees({ ...fees, [x.id]: e.currentTarget.value })}
                      w={110}
                      inputMode="decimal"
                    />
                    {fees[x.id] !== undefined && parseRubles(fees[x.id]!) !== null && (
                      <Button
                        size="compact-sm"
                        onClick={() =>
                          patch.mutate({ id: x.id, body: { monthlyFee: parseRubles(fees[x.id]!) ?? undefined } })
                        }
                      >
                        {t('adminsvc.saveFee')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Badge variant="light" color={x.archived ? 'gray' : 'green'}>
                      {x.archived ? t('adminsvc.archived') : t('adminsvc.offered')}
                    </Badge>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => patch.mutate({ id: x.id, body: { archived: !x.archived } })}
                    >
                      {x.archived
                        ? t('adminsvc.unarchive', { name: localName(x) })
                        : t('adminsvc.archive', { name: localName(x) })}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
            <TextInput
              label={t('adminsvc.nameRu')}
              value={form.nameRu}
              onChange={(e) => setForm({ ...form, nameRu: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.nameEn')}
              value={form.nameEn}
              onChange={(e) => setForm({ ...form, nameEn: e.currentTarget.value })}
            />
            <TextInput
              label={t('adminsvc.code')}
              value={form.code}
              onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.fee')}
              value={form.fee}
              onChange={(e) => setForm({ ...form, fee: e.currentTarget.value })}
              required
              inputMode="decimal"
            />
            <TextInput
              label={t('adminsvc.speed')}
              value={form.speed}
              onChange={(e) => setForm({ ...form, speed: e.currentTarget.value })}
              required
              inputMode="numeric"
            />
          </SimpleGrid>
          <ErrorAlert error={create.error} />
          <Button type="submit" mt="sm" loading={create.isPending} disabled={parseRubles(form.fee) === null}>
            {t('adminsvc.addTariff')}
          </Button>
        </form>
      </Stack>
    </Card>
  );
}

function Services({ regionId }: { regionId: number }) {
  const { t } = useTranslation();
  const { refresh } = useSaved();
  const q = useQuery({
    queryKey: ['admin-services', regionId],
    queryFn: () => api.GET('/api/staff/services', { params: { query: { regionId } } }),
  });
  const [form, setForm] = useState({ kind: 'tv' as ServiceKind, code: '', nameRu: '', nameEn: '', fee: '' });
  const patch = useMutation({
    mutationFn: (x: { id: number; body: PatchBody<'/api/staff/services/{id}'> }) =>
      api.PATCH('/api/staff/services/{id}', { params: { path: { id: x.id } }, body: x.body }),
    onSuccess: refresh,
  });
  const create = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/services', {
        body: {
          regionId,
          kind: form.kind,
          code: form.code,
          nameRu: form.nameRu,
          nameEn: form.nameEn || form.nameRu,
          monthlyFee: parseRubles(form.fee) ?? 0,
        },
      }),
    onSuccess: () => {
      setForm({ kind: 'tv', code: '', nameRu: '', nameEn: '', fee: '' });
      refresh();
    },
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('adminsvc.services')}
        </Title>
        <ErrorAlert error={q.error ?? patch.error} />
        <Table striped>
          <Table.Tbody>
            {q.data?.services.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td>
                  {localName(x)}
                  <Text size="xs" c="dimmed">
                    {t(`svc.kinds.${x.kind}`)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{rub(x.monthlyFee)}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => patch.mutate({ id: x.id, body: { archived: !x.archived } })}
                  >
                    {x.archived
                      ? t('adminsvc.unarchive', { name: localName(x) })
                      : t('adminsvc.archive', { name: localName(x) })}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
            <Select
              label={t('adminsvc.kind')}
              data={serviceKindValues.map((k) => ({ value: k, label: t(`svc.kinds.${k}`) }))}
              value={form.kind}
              onChange={(v) => setForm({ ...form, kind: serviceKindValues.find((k) => k === v) ?? 'tv' })}
              allowDeselect={false}
            />
            <TextInput
              label={t('adminsvc.nameRu')}
              value={form.nameRu}
              onChange={(e) => setForm({ ...form, nameRu: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.nameEn')}
              value={form.nameEn}
              onChange={(e) => setForm({ ...form, nameEn: e.currentTarget.value })}
            />
            <TextInput
              label={t('adminsvc.code')}
              value={form.code}
              onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.fee')}
              value={form.fee}
              onChange={(e) => setForm({ ...form, fee: e.currentTarget.value })}
              required
              inputMode="decimal"
            />
          </SimpleGrid>
          <ErrorAlert error={create.error} />
          <Button type="submit" mt="sm" loading={create.isPending} disabled={parseRubles(form.fee) === null}>
            {t('adminsvc.addService')}
          </Button>
        </form>
      </Stack>
    </Card>
  );
}

function Pool({ regionId }: { regionId: number }) {
  const { t } = useTranslation();
  const { refresh } = useSaved();
  const q = useQuery({
    queryKey: ['admin-pool', regionId],
    queryFn: () => api.GET('/api/staff/ip-pool', { params: { query: { regionId } } }),
  });
  const [cidr, setCidr] = useState('');
  const add = useMutation({
    mutationFn: () => api.POST('/api/staff/ip-pool', { body: { regionId, cidr } }),
    onSuccess: () => {
      setCidr('');
      refresh();
    },
  });
  return (
    <Card withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {t('adminsvc.pool')}
          </Title>
          {q.data && (
            <Text data-testid="pool-totals">
              {t('adminsvc.poolTotals', { total: q.data.total, free: q.data.free })}
            </Text>
          )}
          {add.data && (
            <Alert color="green" role="status">
              {t('adminsvc.rangeAdded', add.data)}
            </Alert>
          )}
          <Group align="end">
            <TextInput
              label={t('adminsvc.cidr')}
              value={cidr}
              onChange={(e) => setCidr(e.currentTarget.value)}
              required
            />
            <Button type="submit" loading={add.isPending}>
              {t('adminsvc.addRange')}
            </Button>
          </Group>
          <ErrorAlert error={q.error ?? add.error} />
        </Stack>
      </form>
    </Card>
  );
}

function Offices({ regionId }: { regionId: number }) {
  const { t } = useTranslation();
  const { refresh } = useSaved();
  const q = useQuery({
    queryKey: ['admin-offices', regionId],
    queryFn: () => api.GET('/api/staff/offices', { params: { query: { regionId } } }),
  });
  const [form, setForm] = useState({ nameRu: '', address: '', hours: '', phone: '' });
  const create = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/offices', {
        body: {
          regionId,
          nameRu: form.nameRu,
          nameEn: form.nameRu,
          address: form.address,
          hours: form.hours,
          phone: form.phone || null,
        },
      }),
    onSuccess: () => {
      setForm({ nameRu: '', address: '', hours: '', phone: '' });
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (o: Office) =>
      api.PATCH('/api/staff/offices/{id}', { params: { path: { id: o.id } }, body: { active: !o.active } }),
    onSuccess: refresh,
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('adminsvc.offices')}
        </Title>
        {q.data?.offices.map((o) => (
          <Group key={o.id} justify="space-between">
            <Text c={o.active ? undefined : 'dimmed'}>
              {localName(o)}: {o.address}
              {o.hours ? `, ${o.hours}` : ''}
              {o.active ? '' : ` (${t('adminsvc.closed')})`}
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => toggle.mutate(o)}>
              {o.active
                ? t('adminsvc.closeOffice', { name: localName(o) })
                : t('adminsvc.reopenOffice', { name: localName(o) })}
            </Button>
          </Group>
        ))}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <TextInput
              label={t('adminsvc.name')}
              value={form.nameRu}
              onChange={(e) => setForm({ ...form, nameRu: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.address')}
              value={form.address}
              onChange={(e) => setForm({ ...form, address: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('adminsvc.hours')}
              value={form.hours}
              onChange={(e) => setForm({ ...form, hours: e.currentTarget.value })}
            />
            <TextInput
              label={t('adminsvc.officePhone')}
              value={form.phone}
              onChange={(e) => setForm({ ...form, phone: e.currentTarget.value })}
              type="tel"
            />
          </SimpleGrid>
          <ErrorAlert error={create.error ?? toggle.error} />
          <Button type="submit" mt="sm" loading={create.isPending}>
            {t('adminsvc.addOffice')}
          </Button>
        </form>
      </Stack>
    </Card>
  );
}

function SuspensionRules({ region }: { region: StaffRegion }) {
  const { t } = useTranslation();
  const { saved, setSaved, refresh } = useSaved();
  const cur = { ...SUSPENSION_DEFAULTS, ...(region.settings.suspension ?? {}) };
  const [auto, setAuto] = useState<boolean | null>(null);
  const [fee, setFee] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      api.PATCH('/api/staff/regions/{id}', {
        params: { path: { id: region.id } },
        body: {
          settings: {
            suspension: {
              autoApprove: auto ?? cur.autoApprove,
              dailyFee: parseRubles(fee ?? kopecksToDecimal(cur.dailyFee)) ?? cur.dailyFee,
            },
          },
        },
      }),
    onSuccess: () => {
      setSaved(t('adminsvc.added'));
      refresh();
    },
  });
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('adminsvc.suspensionRules')}
        </Title>
        <Text size="sm">
          {t('adminsvc.freeDays')}: {cur.freeDays} · {t('adminsvc.windowDays')}: {cur.windowDays}
        </Text>
        <Checkbox
          label={t('adminsvc.autoApprove')}
          checked={auto ?? cur.autoApprove}
          onChange={(e) => setAuto(e.currentTarget.checked)}
        />
        <TextInput
          label={t('adminsvc.dailyFee')}
          value={fee ?? kopecksToDecimal(cur.dailyFee)}
          onChange={(e) => setFee(e.currentTarget.value)}
          w={200}
          inputMode="decimal"
        />
        {saved && (
          <Alert color="green" role="status">
            {saved}
          </Alert>
        )}
        <ErrorAlert error={save.error} />
        <Button w="fit-content" onClick={() => save.mutate()} loading={save.isPending}>
          {t('adminsvc.saveRules')}
        </Button>
      </Stack>
    </Card>
  );
}
