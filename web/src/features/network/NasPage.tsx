import './i18n';

import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { nasVendorValues } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';
import { usePublicRegions } from '../../components/usePublicRegions';

type Nas = ApiData<'get', '/api/staff/nas'>['nas'][number];

/** The NAS registry (admin): list with sessions online, add, edit; the shared secret is write-only. */
export function NasPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['staff-nas'], queryFn: () => api.GET('/api/staff/nas') });
  const [editing, setEditing] = useState<Nas | 'new' | null>(null);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('net.nasPage.title')}
        </Title>
        <Button onClick={() => setEditing('new')}>{t('net.nasPage.add')}</Button>
      </Group>
      {q.isLoading && <Loader />}
      <ErrorAlert error={q.error} />
      {q.data &&
        (q.data.nas.length === 0 ? (
          <Text c="dimmed">{t('net.nasPage.empty')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native" tabIndex={0}>
            <Table striped data-testid="nas-list">
              <HiddenCaption>{t('net.nasPage.title')}</HiddenCaption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('net.nasPage.name')}</Table.Th>
                  <Table.Th scope="col">{t('net.nasPage.region')}</Table.Th>
                  <Table.Th scope="col">{t('net.nasPage.address')}</Table.Th>
                  <Table.Th scope="col">{t('net.nasPage.vendor')}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t('net.nasPage.online')}
                  </Table.Th>
                  <Table.Th scope="col">{t('staff.status')}</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t('net.nasPage.edit')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.nas.map((n) => (
                  <Table.Tr key={n.id}>
                    <Table.Td>
                      {n.name}
                      {n.description && (
                        <Text size="xs" c="dimmed">
                          {n.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{n.region}</Table.Td>
                    <Table.Td>
                      {n.address}:{n.coaPort}
                    </Table.Td>
                    <Table.Td>{t(`net.nasPage.vendors.${n.vendor}`)}</Table.Td>
                    <Table.Td ta="right">{n.online}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge variant="light" color={n.active ? 'green' : 'gray'}>
                          {n.active ? t('net.nasPage.active') : t('net.nasPage.inactive')}
                        </Badge>
                        {!n.requireMessageAuthenticator && (
                          <Badge variant="light" color="orange">
                            {t('net.nasPage.noMa')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setEditing(n)}
                        aria-label={`${t('net.nasPage.edit')}: ${n.name}`}
                      >
                        {t('net.nasPage.edit')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('net.nasPage.add') : t('net.nasPage.edit')}
      >
        {editing !== null && (
          <NasForm
            key={editing === 'new' ? 'new' : editing.id}
            nas={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}

function NasForm({ nas, onDone }: { nas: Nas | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const regions = usePublicRegions();
  const [regionId, setRegionId] = useState<string | null>(nas ? String(nas.regionId) : null);
  const [name, setName] = useState(nas?.name ?? '');
  const [address, setAddress] = useState(nas?.address ?? '');
  const [vendor, setVendor] = useState<Nas['vendor']>(nas?.vendor ?? 'mikrotik');
  const [coaPort, setCoaPort] = useState<number>(nas?.coaPort ?? 3799);
  const [active, setActive] = useState(nas?.active ?? true);
  const [requireMa, setRequireMa] = useState(nas?.requireMessageAuthenticator ?? true);
  const [description, setDescription] = useState(nas?.description ?? '');
  const [secret, setSecret] = useState('');
  const save = useMutation({
    mutationFn: async () => {
      const common = {
        regionId: Number(regionId),
        name: name.trim(),
        address: address.trim(),
        vendor,
        coaPort,
        requireMessageAuthenticator: requireMa,
        active,
        description,
      };
      if (nas) {
        await api.PATCH('/api/staff/nas/{id}', {
          params: { path: { id: nas.id } },
          body: secret ? { ...common, secret } : common,
        });
      } else {
        await api.POST('/api/staff/nas', { body: { ...common, secret } });
      }
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['staff-nas'] });
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
        <TextInput
          label={t('net.nasPage.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          label={t('net.nasPage.region')}
          required
          data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
          value={regionId}
          onChange={setRegionId}
        />
        <TextInput
          label={t('net.nasPage.address')}
          required
          placeholder="10.0.0.1"
          value={address}
          onChange={(e) => setAddress(e.currentTarget.value)}
        />
        <Select
          label={t('net.nasPage.vendor')}
          required
          allowDeselect={false}
          data={nasVendorValues.map((v) => ({ value: v, label: t(`net.nasPage.vendors.${v}`) }))}
          value={vendor}
          onChange={(v) => v && setVendor(v)}
        />
        <NumberInput
          label={t('net.nasPage.coaPort')}
          min={1}
          max={65535}
          allowDecimal={false}
          value={coaPort}
          onChange={(v) => setCoaPort(Number(v) || 3799)}
        />
        <PasswordInput
          label={nas ? t('net.nasPage.newSecret') : t('net.nasPage.secret')}
          description={t('net.nasPage.secretHint')}
          required={!nas}
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.currentTarget.value)}
        />
        <TextInput
          label={t('net.nasPage.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Checkbox
          label={t('net.nasPage.requireMa')}
          description={t('net.nasPage.requireMaHint')}
          checked={requireMa}
          onChange={(e) => setRequireMa(e.currentTarget.checked)}
        />
        <Checkbox
          label={t('net.nasPage.active')}
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        <Group justify="end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
