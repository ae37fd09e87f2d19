import '../i18n';

import { todayIn } from '@common/dates';
import { parseRubles } from '@common/money';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../../api/client';
import { useMe } from '../../../app/session';
import { DateField } from '../../../components/DateField';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { date, localName } from '../../../components/format';
import { effectText } from '../PromotionsPage';
import type { PromotionEffect } from '../types';
import { useStaffRegions } from './useRegions';

/** Admins create a region's promotions (dates, effect, who may join) and end them. */
export function PromotionsAdminPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const admin = me.data?.type === 'staff' && me.data.staff.role === 'admin';
  const regions = useStaffRegions();
  const [regionId, setRegionId] = useState<string | null>(null);
  const region = regions.data?.find((r) => String(r.id) === regionId) ?? regions.data?.[0];
  const rid = region?.id;
  const list = useQuery({
    queryKey: ['admin-promotions', rid],
    enabled: !!rid,
    queryFn: () => api.GET('/api/staff/promotions', { params: { query: { regionId: rid } } }).then((r) => r.promotions),
  });
  const tariffs = useQuery({
    queryKey: ['admin-tariffs', rid],
    enabled: !!rid,
    queryFn: () => api.GET('/api/staff/tariffs', { params: { query: { regionId: rid ?? 0 } } }),
  });
  const services = useQuery({
    queryKey: ['admin-services', rid],
    enabled: !!rid,
    queryFn: () => api.GET('/api/staff/services', { params: { query: { regionId: rid ?? 0 } } }),
  });
  const blank = {
    titleRu: '',
    titleEn: '',
    descriptionRu: '',
    descriptionEn: '',
    // Empty means "the region's today", resolved at render: the regions load after the first render, and a
    // day fixed then would be the browser's (UTC) day, a day behind Moscow each evening (docs/statement.md).
    startsOn: '',
    endsOn: '',
    effect: 'discount' as PromotionEffect,
    percent: '20',
    months: '3',
    amount: '',
    serviceId: null as string | null,
    newWithinDays: '',
    tariffIds: [] as string[],
    noDebt: false,
  };
  const [f, setF] = useState(blank);
  const startsOn = f.startsOn || (region ? todayIn(region.timeZone) : '');
  const create = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/promotions', {
        body: {
          regionId: rid ?? 0,
          titleRu: f.titleRu,
          titleEn: f.titleEn || f.titleRu,
          descriptionRu: f.descriptionRu,
          descriptionEn: f.descriptionEn || f.descriptionRu,
          startsOn,
          endsOn: f.endsOn || null,
          effect: f.effect,
          percent: f.effect === 'discount' ? Number(f.percent) : null,
          months: f.effect === 'bonus' ? null : Number(f.months),
          amount: f.effect === 'bonus' ? parseRubles(f.amount) : null,
          serviceId: f.effect === 'free_addon' && f.serviceId ? Number(f.serviceId) : null,
          eligibility: {
            ...(f.newWithinDays ? { newWithinDays: Number(f.newWithinDays) } : {}),
            ...(f.tariffIds.length ? { tariffIds: f.tariffIds.map(Number) } : {}),
            ...(f.noDebt ? { noDebt: true } : {}),
          },
        },
      }),
    onSuccess: () => {
      setF(blank);
      void qc.invalidateQueries();
    },
  });
  const end = useMutation({
    mutationFn: (id: number) => api.POST('/api/staff/promotions/{id}/end', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries(),
  });
  const planName = (id: number) => {
    const p = tariffs.data?.tariffs.find((x) => x.id === id);
    return p ? localName(p) : String(id);
  };
  const serviceOf = (id: number | null) => {
    const s = services.data?.services.find((x) => x.id === id);
    return s ? { id: s.id, nameRu: s.nameRu, nameEn: s.nameEn } : null;
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staffsvc.promotions')}
      </Title>
      {regions.data && (
        <Select
          label={t('adminsvc.region')}
          data={regions.data.map((r) => ({ value: String(r.id), label: localName(r) }))}
          value={rid ? String(rid) : null}
          onChange={setRegionId}
          allowDeselect={false}
          w={320}
        />
      )}
      <ErrorAlert error={list.error ?? end.error} />
      {list.data?.length === 0 && <Text c="dimmed">{t('adminsvc.none')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {list.data?.map((p) => {
          const e = p.eligibility;
          const conds = [
            e.newWithinDays !== undefined ? t('adminsvc.condNew', { days: e.newWithinDays }) : '',
            e.tariffIds?.length ? t('adminsvc.condPlans', { plans: e.tariffIds.map(planName).join(', ') }) : '',
            e.noDebt ? t('adminsvc.condNoDebt') : '',
          ].filter(Boolean);
          return (
            <Card withBorder key={p.id} data-testid={`promotion-${p.id}`}>
              <Group justify="space-between" wrap="nowrap" align="start">
                <Text fw={700}>{i18n.language === 'en' ? p.titleEn : p.titleRu}</Text>
                {p.ended && (
                  <Badge variant="light" color="gray">
                    {t('adminsvc.ended')}
                  </Badge>
                )}
              </Group>
              <Text>{effectText(t, { ...p, service: serviceOf(p.serviceId) })}</Text>
              <Text size="sm" c="dimmed">
                {t('adminsvc.period')}: {date(p.startsOn)} — {p.endsOn ? date(p.endsOn) : '…'} ·{' '}
                {t('adminsvc.conditions')}: {conds.length ? conds.join(', ') : t('adminsvc.condNone')}
              </Text>
              <Text size="sm">{t('adminsvc.participants', { count: p.participants })}</Text>
              {admin && !p.ended && (
                <Button mt="xs" size="compact-sm" variant="default" w="fit-content" onClick={() => end.mutate(p.id)}>
                  {t('adminsvc.end', { title: i18n.language === 'en' ? p.titleEn : p.titleRu })}
                </Button>
              )}
            </Card>
          );
        })}
      </SimpleGrid>
      {admin && rid && (
        <Card withBorder>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Stack>
              <Title order={2} size="h4">
                {t('adminsvc.newPromotion')}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('adminsvc.titleRu')}
                  value={f.titleRu}
                  onChange={(e) => setF({ ...f, titleRu: e.currentTarget.value })}
                  required
                />
                <TextInput
                  label={t('adminsvc.titleEn')}
                  value={f.titleEn}
                  onChange={(e) => setF({ ...f, titleEn: e.currentTarget.value })}
                />
                <Textarea
                  label={t('adminsvc.descriptionRu')}
                  value={f.descriptionRu}
                  onChange={(e) => setF({ ...f, descriptionRu: e.currentTarget.value })}
                  autosize
                  minRows={2}
                />
                <Textarea
                  label={t('adminsvc.descriptionEn')}
                  value={f.descriptionEn}
                  onChange={(e) => setF({ ...f, descriptionEn: e.currentTarget.value })}
                  autosize
                  minRows={2}
                />
                <DateField
                  label={t('adminsvc.startsOn')}
                  value={startsOn}
                  onChange={(v) => setF({ ...f, startsOn: v })}
                  required
                />
                <DateField label={t('adminsvc.endsOn')} value={f.endsOn} onChange={(v) => setF({ ...f, endsOn: v })} />
              </SimpleGrid>
              <Select
                label={t('adminsvc.effect')}
                data={(['discount', 'bonus', 'free_addon'] as const).map((x) => ({
                  value: x,
                  label: t(`adminsvc.effects.${x}`),
                }))}
                value={f.effect}
                onChange={(v) => setF({ ...f, effect: v ?? 'discount' })}
                allowDeselect={false}
              />
              <Group grow align="start" wrap="wrap">
                {f.effect === 'discount' && (
                  <TextInput
                    label={t('adminsvc.percent')}
                    value={f.percent}
                    onChange={(e) => setF({ ...f, percent: e.currentTarget.value })}
                    required
                    inputMode="numeric"
                  />
                )}
                {f.effect === 'bonus' && (
                  <TextInput
                    label={t('adminsvc.amount')}
                    value={f.amount}
                    onChange={(e) => setF({ ...f, amount: e.currentTarget.value })}
                    required
                    inputMode="decimal"
                  />
                )}
                {f.effect === 'free_addon' && (
                  <Select
                    label={t('adminsvc.service')}
                    data={(services.data?.services ?? [])
                      .filter((s) => !s.archived && s.kind !== 'mobile')
                      .map((s) => ({ value: String(s.id), label: localName(s) }))}
                    value={f.serviceId}
                    onChange={(v) => setF({ ...f, serviceId: v })}
                    required
                  />
                )}
                {f.effect !== 'bonus' && (
                  <TextInput
                    label={t('adminsvc.months')}
                    value={f.months}
                    onChange={(e) => setF({ ...f, months: e.currentTarget.value })}
                    required
                    inputMode="numeric"
                  />
                )}
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label={t('adminsvc.newWithinDays')}
                  value={f.newWithinDays}
                  onChange={(e) => setF({ ...f, newWithinDays: e.currentTarget.value })}
                  inputMode="numeric"
                />
                <MultiSelect
                  label={t('adminsvc.plans')}
                  data={(tariffs.data?.tariffs ?? [])
                    .filter((x) => !x.archived)
                    .map((x) => ({ value: String(x.id), label: localName(x) }))}
                  value={f.tariffIds}
                  onChange={(v) => setF({ ...f, tariffIds: v })}
                />
              </SimpleGrid>
              <Checkbox
                label={t('adminsvc.noDebt')}
                checked={f.noDebt}
                onChange={(e) => setF({ ...f, noDebt: e.currentTarget.checked })}
              />
              {create.isSuccess && (
                <Alert color="green" role="status">
                  {t('adminsvc.created')}
                </Alert>
              )}
              <ErrorAlert error={create.error} />
              <Button type="submit" w="fit-content" loading={create.isPending}>
                {t('adminsvc.create')}
              </Button>
            </Stack>
          </form>
        </Card>
      )}
    </Stack>
  );
}
