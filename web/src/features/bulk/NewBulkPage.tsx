import './i18n';

import { BULK_ROLES, type BulkKindName, mayRunBulk } from '@common/bulk';
import { parseRubles } from '@common/money';
import { COMPENSATION_MAX_DAYS } from '@common/outages';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { api, type ApiData, ApiError } from '../../api/client';
import type { AccountStatus, BulkActionInput, BulkFilterInput } from '../../api/schema';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName, rub } from '../../components/format';
import { useStaffRegions } from '../services/staff/useRegions';

type Filter = BulkFilterInput;
type Action = BulkActionInput;
type Preview = ApiData<'post', '/api/staff/bulk/preview'>;

const STATUSES: AccountStatus[] = ['active', 'blocked', 'suspended', 'terminated'];
const KINDS = Object.keys(BULK_ROLES) as BulkKindName[];

/** "-150,50" → -15050 kopecks; empty → undefined; anything else → null (invalid). */
function kopecksOf(v: string): number | undefined | null {
  const s = v.trim();
  if (!s) return undefined;
  const negative = s.startsWith('-');
  const k = parseRubles(negative ? s.slice(1) : s);
  if (k === null) return null;
  return negative ? -k : k;
}

/**
 * A new bulk operation (docs/bulk.md): whom (the filter), what (the action), the preview — how many,
 * how much money, who would not be changed and why, the first subscribers — and only then "run",
 * which sends the preview's figures back: the server refuses if the selection no longer gives them.
 * Opened from a closed outage it comes pre-filled: the outage's subscribers, compensation, its days.
 */
export function NewBulkPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : 'support';
  const kinds = KINDS.filter((k) => mayRunBulk(k, role));
  const fromOutage = params.get('outage') ? Number(params.get('outage')) : undefined;
  const suggestedDays = Number(params.get('days') ?? '') || 1;

  const [statuses, setStatuses] = useState<AccountStatus[]>(
    fromOutage ? ['active'] : ['active', 'blocked', 'suspended'],
  );
  const [regionIds, setRegionIds] = useState<string[]>([]);
  const [tariffIds, setTariffIds] = useState<string[]>([]);
  const [balanceBelow, setBalanceBelow] = useState('');
  const [street, setStreet] = useState('');
  const [houses, setHouses] = useState('');
  const [nasIds, setNasIds] = useState<string[]>([]);
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [outageId, setOutageId] = useState<number | undefined>(fromOutage);

  const [kind, setKind] = useState<BulkKindName>(
    fromOutage && kinds.includes('compensation') ? 'compensation' : (kinds[0] ?? 'message'),
  );
  const [tariffId, setTariffId] = useState<string | null>(null);
  const [channels, setChannels] = useState<string[]>(['inbox']);
  const [subjectRu, setSubjectRu] = useState('');
  const [textRu, setTextRu] = useState('');
  const [subjectEn, setSubjectEn] = useState('');
  const [textEn, setTextEn] = useState('');
  const [days, setDays] = useState<number>(Math.min(COMPENSATION_MAX_DAYS, suggestedDays));
  const [comment, setComment] = useState(fromOutage ? t('bulk.outage', { id: fromOutage }) : '');

  const regions = useStaffRegions();
  const tariffs = useQuery({ queryKey: ['staff-tariffs-all'], queryFn: () => api.GET('/api/staff/tariffs') });
  const nas = useQuery({
    queryKey: ['staff-nas'],
    enabled: role !== 'finance',
    queryFn: () => api.GET('/api/staff/nas'),
  });
  const tags = useQuery({ queryKey: ['staff-tags'], queryFn: () => api.GET('/api/staff/tags') });

  const balance = kopecksOf(balanceBelow);
  const filter: Filter = useMemo(
    () => ({
      statuses,
      ...(regionIds.length ? { regionIds: regionIds.map(Number) } : {}),
      ...(tariffIds.length ? { tariffIds: tariffIds.map(Number) } : {}),
      ...(typeof balance === 'number' ? { balanceBelow: balance } : {}),
      ...(street.trim() ? { street: street.trim() } : {}),
      ...(street.trim() && houses.trim() ? { houses: houses.trim() } : {}),
      ...(nasIds.length ? { nasIds: nasIds.map(Number) } : {}),
      ...(tagIds.length ? { tagIds: tagIds.map(Number) } : {}),
      ...(outageId ? { outageId } : {}),
    }),
    [statuses, regionIds, tariffIds, balance, street, houses, nasIds, tagIds, outageId],
  );
  const action: Action | null = useMemo(() => {
    switch (kind) {
      case 'tariff':
        return tariffId ? { kind, tariffId: Number(tariffId) } : null;
      case 'message':
        return subjectRu.trim() && textRu.trim() && channels.length
          ? {
              kind,
              channels: channels as ('inbox' | 'email' | 'sms')[],
              subjectRu,
              textRu,
              ...(subjectEn.trim() ? { subjectEn } : {}),
              ...(textEn.trim() ? { textEn } : {}),
            }
          : null;
      case 'compensation':
        return comment.trim() && days >= 1 ? { kind, days, comment } : null;
      case 'block':
        return comment.trim() ? { kind, reason: comment } : null;
      default:
        return { kind: 'unblock', ...(comment.trim() ? { comment } : {}) };
    }
  }, [kind, tariffId, channels, subjectRu, textRu, subjectEn, textEn, days, comment]);

  // The preview belongs to the exact filter and action it was made for: any change asks for a new one.
  const signature = JSON.stringify([filter, action]);
  const [shown, setShown] = useState<{ sig: string; key: string; data: Preview } | null>(null);
  const preview = useMutation({
    mutationFn: () => api.POST('/api/staff/bulk/preview', { body: { filter, action: action! } }),
    onSuccess: (data) => setShown({ sig: signature, key: crypto.randomUUID(), data }),
  });
  const current = shown && shown.sig === signature ? shown : null;
  const [confirm, setConfirm] = useState(false);
  const run = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/bulk', {
        body: {
          filter,
          action: action!,
          key: current!.key,
          expect: { accounts: current!.data.accounts, amount: current!.data.amount },
          ...(outageId ? { outageId } : {}),
        },
      }),
    onSuccess: (op) => navigate(`/staff/bulk/${op.id}`),
    onError: (e) => {
      setConfirm(false);
      if (e instanceof ApiError && e.code === 'bulk_preview_changed') setShown(null);
    },
  });

  const tariffOptions = (tariffs.data?.tariffs ?? [])
    .filter((x) => !x.archived)
    .map((x) => {
      const r = regions.data?.find((g) => g.id === x.regionId);
      return { value: String(x.id), label: `${r ? `${localName(r)} · ` : ''}${localName(x)}` };
    });

  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/staff/bulk" size="sm">
        ← {t('bulk.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('bulk.new')}
      </Title>
      {fromOutage && (
        <Alert color="blue">
          <Anchor component={Link} to={`/staff/outages/${fromOutage}`}>
            {t('bulk.fromOutage', { id: fromOutage, days: suggestedDays })}
          </Anchor>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card withBorder>
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('bulk.who')}
            </Title>
            {outageId && (
              <Group gap="xs">
                <Badge size="lg" color="orange" variant="light">
                  {t('bulk.outage', { id: outageId })}
                </Badge>
                <Button size="compact-xs" variant="subtle" onClick={() => setOutageId(undefined)}>
                  {t('bulk.removeOutage')}
                </Button>
              </Group>
            )}
            <Checkbox.Group label={t('bulk.statuses')} value={statuses} onChange={(v) => setStatuses(v)}>
              <Group gap="md" mt={4}>
                {STATUSES.map((s) => (
                  <Checkbox key={s} value={s} label={t(`bulk.status.${s}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <MultiSelect
              label={t('bulk.regions')}
              placeholder={regionIds.length ? undefined : t('bulk.anyRegion')}
              data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
              value={regionIds}
              onChange={setRegionIds}
              searchable
              clearable
            />
            <MultiSelect
              label={t('bulk.tariffs')}
              placeholder={tariffIds.length ? undefined : t('bulk.anyTariff')}
              data={tariffOptions}
              value={tariffIds}
              onChange={setTariffIds}
              searchable
              clearable
            />
            <TextInput
              label={t('bulk.balanceBelow')}
              value={balanceBelow}
              onChange={(e) => setBalanceBelow(e.currentTarget.value)}
              error={balance === null ? t('bulk.badAmount') : undefined}
              inputMode="decimal"
            />
            <Group grow align="start">
              <TextInput
                label={t('bulk.street')}
                description={t('bulk.streetHint')}
                value={street}
                onChange={(e) => setStreet(e.currentTarget.value)}
              />
              <TextInput
                label={t('bulk.houses')}
                description={t('bulk.housesHint')}
                value={houses}
                disabled={!street.trim()}
                onChange={(e) => setHouses(e.currentTarget.value)}
              />
            </Group>
            {role !== 'finance' && (
              <MultiSelect
                label={t('bulk.nas')}
                data={(nas.data?.nas ?? []).map((n) => ({ value: String(n.id), label: `${n.name} (${n.address})` }))}
                value={nasIds}
                onChange={setNasIds}
                searchable
                clearable
              />
            )}
            <MultiSelect
              label={t('bulk.tags')}
              data={(tags.data?.tags ?? []).map((x) => ({ value: String(x.id), label: `${x.name} (${x.accounts})` }))}
              value={tagIds}
              onChange={setTagIds}
              searchable
              clearable
            />
          </Stack>
        </Card>
        <Card withBorder>
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('bulk.what')}
            </Title>
            <Select
              label={t('bulk.kind')}
              data={kinds.map((k) => ({ value: k, label: t(`bulk.kinds.${k}`) }))}
              value={kind}
              onChange={(v) => v && setKind(v)}
              allowDeselect={false}
            />
            {kind === 'tariff' && (
              <Select
                label={t('bulk.tariff')}
                description={t('bulk.tariffHint')}
                data={tariffOptions}
                value={tariffId}
                onChange={setTariffId}
                searchable
              />
            )}
            {kind === 'message' && (
              <>
                <Checkbox.Group
                  label={t('bulk.channels')}
                  description={t('bulk.channelsHint')}
                  value={channels}
                  onChange={setChannels}
                >
                  <Group gap="md" mt={4}>
                    {(['inbox', 'email', 'sms'] as const).map((c) => (
                      <Checkbox key={c} value={c} label={t(`bulk.channel.${c}`)} />
                    ))}
                  </Group>
                </Checkbox.Group>
                <TextInput
                  label={t('bulk.subjectRu')}
                  value={subjectRu}
                  maxLength={150}
                  onChange={(e) => setSubjectRu(e.currentTarget.value)}
                />
                <Textarea
                  label={t('bulk.textRu')}
                  value={textRu}
                  maxLength={2000}
                  autosize
                  minRows={3}
                  onChange={(e) => setTextRu(e.currentTarget.value)}
                />
                <TextInput
                  label={t('bulk.subjectEn')}
                  value={subjectEn}
                  maxLength={150}
                  onChange={(e) => setSubjectEn(e.currentTarget.value)}
                />
                <Textarea
                  label={t('bulk.textEn')}
                  value={textEn}
                  maxLength={2000}
                  autosize
                  minRows={2}
                  onChange={(e) => setTextEn(e.currentTarget.value)}
                />
              </>
            )}
            {kind === 'compensation' && (
              <NumberInput
                label={t('bulk.days')}
                description={t('bulk.daysHint')}
                min={1}
                max={COMPENSATION_MAX_DAYS}
                value={days}
                onChange={(v) => setDays(typeof v === 'number' ? v : Number(v) || 1)}
                allowDecimal={false}
              />
            )}
            {kind !== 'tariff' && kind !== 'message' && (
              <TextInput
                label={t(
                  kind === 'compensation' ? 'bulk.comment' : kind === 'block' ? 'bulk.reason' : 'bulk.commentOptional',
                )}
                value={comment}
                maxLength={200}
                onChange={(e) => setComment(e.currentTarget.value)}
              />
            )}
            <Button
              onClick={() => preview.mutate()}
              loading={preview.isPending}
              disabled={!action || statuses.length === 0 || balance === null}
            >
              {t('bulk.preview')}
            </Button>
          </Stack>
        </Card>
      </SimpleGrid>
      <ErrorAlert error={preview.error ?? run.error} />
      {run.error instanceof ApiError && run.error.code === 'bulk_preview_changed' && (
        <Alert color="yellow">{t('bulk.changed')}</Alert>
      )}
      {current && <PreviewCard kind={kind} data={current.data} onRun={() => setConfirm(true)} />}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={t(`bulk.kinds.${kind}`)} centered>
        <Stack>
          <Text>{t('bulk.runConfirm')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              {t('common.cancel')}
            </Button>
            <Button color={kind === 'block' ? 'red' : undefined} loading={run.isPending} onClick={() => run.mutate()}>
              {t('bulk.run', { count: current?.data.apply ?? 0 })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function PreviewCard({ kind, data, onRun }: { kind: BulkKindName; data: Preview; onRun: () => void }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid="bulk-preview">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('bulk.previewTitle')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t('bulk.selected')} value={String(data.accounts)} />
          <Figure label={t('bulk.apply')} value={String(data.apply)} />
          <Figure label={t('bulk.notApplied')} value={String(data.accounts - data.apply)} />
          {kind !== 'message' && (
            <Figure label={t(`bulk.money.${kind}`)} value={rub(data.amount)} testId="bulk-amount" />
          )}
        </SimpleGrid>
        {data.channels && <Text>{t('bulk.messages', data.channels)}</Text>}
        {data.notApplied.length > 0 && (
          <Stack gap={2}>
            {data.notApplied.map((r) => (
              <Text key={r.reason} size="sm">
                {r.text}: <b>{r.count}</b>
              </Text>
            ))}
          </Stack>
        )}
        <Text fw={600} size="sm">
          {t('bulk.sample')}
        </Text>
        <Table.ScrollContainer minWidth={760}>
          <Table striped fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('bulk.account')}</Table.Th>
                <Table.Th>{t('bulk.subscriber')}</Table.Th>
                <Table.Th>{t('bulk.address')}</Table.Th>
                <Table.Th ta="right">{t('bulk.balance')}</Table.Th>
                <Table.Th>{t('bulk.result')}</Table.Th>
                <Table.Th ta="right">{t('bulk.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.sample.map((s) => (
                <Table.Tr key={s.accountId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/staff/accounts/${s.accountId}`} size="sm">
                      {s.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{s.fullName}</Table.Td>
                  <Table.Td>{s.address}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {rub(s.balance)}
                  </Table.Td>
                  <Table.Td>{s.apply ? t('bulk.willApply') : s.reason}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {s.amount ? rub(s.amount) : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group>
          <Button onClick={onRun} disabled={data.apply === 0} color={kind === 'block' ? 'red' : undefined}>
            {t('bulk.run', { count: data.apply })}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="xl" data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}
