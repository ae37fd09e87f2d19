import './i18n';

import {
  Button,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';
import { type StaffRegion, useStaffRegions } from '../services/staff/useRegions';

/** Russia's zones, west to east (IANA names); the server accepts any IANA zone. */
const ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Volgograd',
  'Europe/Samara',
  'Europe/Saratov',
  'Europe/Ulyanovsk',
  'Europe/Astrakhan',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Barnaul',
  'Asia/Tomsk',
  'Asia/Novokuznetsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Chita',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Sakhalin',
  'Asia/Magadan',
  'Asia/Srednekolymsk',
  'Asia/Kamchatka',
  'Asia/Anadyr',
];

/** "Europe/Moscow (GMT+3)": the offset as the browser knows it today. */
function zoneLabel(zone: string): string {
  const part = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName');
  return part ? `${zone} (${part.value})` : zone;
}

/** Regions (admin): the list, a new region, and its names, zone and support contacts edited. */
export function RegionsPage() {
  const { t } = useTranslation();
  const regions = useStaffRegions();
  const [editing, setEditing] = useState<StaffRegion | 'new' | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('regions.title')}
        </Title>
        <Button onClick={() => setEditing('new')}>{t('regions.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('regions.more')}
      </Text>
      {regions.isLoading && <Loader />}
      <ErrorAlert error={regions.error} />
      {regions.data?.length === 0 && <Text>{t('regions.empty')}</Text>}
      {regions.data && regions.data.length > 0 && (
        <Table.ScrollContainer minWidth={720} type="native" tabIndex={0}>
          <Table striped data-testid="regions-list">
            <HiddenCaption>{t('regions.title')}</HiddenCaption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('regions.nameRu')}</Table.Th>
                <Table.Th scope="col">{t('regions.code')}</Table.Th>
                <Table.Th scope="col">{t('regions.timeZone')}</Table.Th>
                <Table.Th scope="col">{t('regions.prefix')}</Table.Th>
                <Table.Th scope="col">{t('regions.phone')}</Table.Th>
                <Table.Th scope="col">{t('regions.email')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('regions.edit')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {regions.data.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{localName(r)}</Table.Td>
                  <Table.Td>{r.code}</Table.Td>
                  <Table.Td>{r.timeZone}</Table.Td>
                  <Table.Td>{r.contractPrefix}</Table.Td>
                  <Table.Td>{r.supportPhone}</Table.Td>
                  <Table.Td>{r.supportEmail}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => setEditing(r)}
                      aria-label={`${t('regions.edit')}: ${localName(r)}`}
                    >
                      {t('regions.edit')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('regions.add') : t('regions.edit')}
      >
        {editing !== null && (
          <RegionForm
            key={editing === 'new' ? 'new' : editing.id}
            region={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}

function RegionForm({ region, onDone }: { region: StaffRegion | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [f, setF] = useState({
    nameRu: region?.nameRu ?? '',
    nameEn: region?.nameEn ?? '',
    code: region?.code ?? '',
    timeZone: region?.timeZone ?? 'Europe/Moscow',
    contractPrefix: region?.contractPrefix ?? '',
    supportPhone: region?.supportPhone ?? '',
    supportEmail: region?.supportEmail ?? '',
  });
  const field = (k: keyof typeof f) => ({
    value: f[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.currentTarget.value }),
  });
  const zones = ZONES.includes(f.timeZone) ? ZONES : [f.timeZone, ...ZONES];
  const save = useMutation({
    mutationFn: async () => {
      const common = {
        nameRu: f.nameRu.trim(),
        nameEn: f.nameEn.trim() || f.nameRu.trim(),
        timeZone: f.timeZone,
        supportPhone: f.supportPhone.replace(/\D/g, ''),
        supportEmail: f.supportEmail.trim(),
      };
      if (region) await api.PATCH('/api/staff/regions/{id}', { params: { path: { id: region.id } }, body: common });
      else
        await api.POST('/api/staff/regions', {
          body: { ...common, code: f.code.trim(), contractPrefix: f.contractPrefix.trim() },
        });
    },
    onSuccess: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['staff-regions'] }),
        qc.invalidateQueries({ queryKey: ['public-regions'] }),
      ]);
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <ErrorAlert error={save.error} />
        <TextInput label={t('regions.nameRu')} required maxLength={120} {...field('nameRu')} />
        <TextInput label={t('regions.nameEn')} maxLength={120} {...field('nameEn')} />
        {!region && (
          <TextInput
            label={t('regions.code')}
            description={t('regions.codeHint')}
            required
            maxLength={20}
            {...field('code')}
          />
        )}
        <Select
          label={t('regions.timeZone')}
          description={t('regions.timeZoneHint')}
          searchable
          allowDeselect={false}
          data={zones.map((z) => ({ value: z, label: zoneLabel(z) }))}
          value={f.timeZone}
          onChange={(v) => v && setF({ ...f, timeZone: v })}
        />
        {!region && (
          <TextInput
            label={t('regions.prefix')}
            description={t('regions.prefixHint')}
            required
            inputMode="numeric"
            maxLength={2}
            {...field('contractPrefix')}
          />
        )}
        <TextInput
          label={t('regions.phone')}
          description={t('regions.phoneHint')}
          required
          inputMode="tel"
          {...field('supportPhone')}
        />
        <TextInput label={t('regions.email')} required type="email" {...field('supportEmail')} />
        <Button type="submit" loading={save.isPending}>
          {t('regions.save')}
        </Button>
      </Stack>
    </form>
  );
}
