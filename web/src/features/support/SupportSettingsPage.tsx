import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import { usePublicRegions } from '../../components/usePublicRegions';
import { names } from './format';

type AdminCategory = ApiData<'get', '/api/staff/support/categories'>['categories'][number];
type Canned = ApiData<'get', '/api/staff/support/canned-replies'>['replies'][number];
type CategoryForm = Omit<AdminCategory, 'id'>;
type CannedForm = Omit<Canned, 'id'>;

const NEW_CATEGORY: CategoryForm = {
  regionId: null,
  code: '',
  nameRu: '',
  nameEn: '',
  isClaim: false,
  firstResponseMinutes: 60,
  resolutionHours: 48,
  sortOrder: 100,
  active: true,
};
const NEW_CANNED: CannedForm = { regionId: null, title: '', body: '', active: true };

/** Admin: ticket topics per region with their SLA targets, and ready answers per region. */
export function SupportSettingsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const regions = usePublicRegions();
  const regionName = (id: number | null) =>
    id === null
      ? t('supportAdmin.common')
      : (regions.data?.find((r) => r.id === id) ?? { nameRu: String(id), nameEn: String(id) });
  const regionOptions = [
    { value: '', label: t('supportAdmin.common') },
    ...(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) })),
  ];
  const cats = useQuery({
    queryKey: ['support', 'categories-all'],
    queryFn: () => api.GET('/api/staff/support/categories'),
  });
  const canned = useQuery({
    queryKey: ['support', 'canned-all'],
    queryFn: () => api.GET('/api/staff/support/canned-replies'),
  });
  const [cat, setCat] = useState<{ id?: number; form: CategoryForm } | null>(null);
  const [reply, setReply] = useState<{ id?: number; form: CannedForm } | null>(null);
  const saveCat = useMutation({
    mutationFn: (c: { id?: number; form: CategoryForm }) =>
      c.id
        ? api.PUT('/api/staff/support/categories/{id}', { params: { path: { id: c.id } }, body: c.form })
        : api.POST('/api/staff/support/categories', { body: c.form }),
    onSuccess: async () => {
      setCat(null);
      await qc.invalidateQueries({ queryKey: ['support'] });
    },
  });
  const saveReply = useMutation({
    mutationFn: (c: { id?: number; form: CannedForm }) =>
      c.id
        ? api.PUT('/api/staff/support/canned-replies/{id}', { params: { path: { id: c.id } }, body: c.form })
        : api.POST('/api/staff/support/canned-replies', { body: c.form }),
    onSuccess: async () => {
      setReply(null);
      await qc.invalidateQueries({ queryKey: ['support'] });
    },
  });
  const show = (x: string | { nameRu: string; nameEn: string }) => (typeof x === 'string' ? x : names(x));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('supportAdmin.categories')}
        </Title>
        <Button onClick={() => setCat({ form: NEW_CATEGORY })}>{t('supportAdmin.add')}</Button>
      </Group>
      <ErrorAlert error={cats.error} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supportStaff.region')}</Table.Th>
              <Table.Th>{t('supportStaff.category')}</Table.Th>
              <Table.Th ta="right">{t('supportAdmin.firstMinutes')}</Table.Th>
              <Table.Th ta="right">{t('supportAdmin.resolutionHours')}</Table.Th>
              <Table.Th>{t('supportAdmin.isClaim')}</Table.Th>
              <Table.Th>{t('supportAdmin.active')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cats.data?.categories.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{show(regionName(c.regionId))}</Table.Td>
                <Table.Td>{names(c)}</Table.Td>
                <Table.Td ta="right">{c.firstResponseMinutes}</Table.Td>
                <Table.Td ta="right">{c.resolutionHours}</Table.Td>
                <Table.Td>{c.isClaim ? t('supportAdmin.yes') : t('supportAdmin.no')}</Table.Td>
                <Table.Td>
                  <Badge color={c.active ? 'green' : 'gray'} variant="light">
                    {c.active ? t('supportAdmin.yes') : t('supportAdmin.no')}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="default"
                    aria-label={t('supportAdmin.editCategory', { name: names(c) })}
                    onClick={() => {
                      const { id, ...form } = c;
                      setCat({ id, form });
                    }}
                  >
                    {t('supportAdmin.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('supportAdmin.canned')}
        </Title>
        <Button variant="default" onClick={() => setReply({ form: NEW_CANNED })}>
          {t('supportAdmin.add')}
        </Button>
      </Group>
      <ErrorAlert error={canned.error} />
      <Table.ScrollContainer minWidth={600}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('supportStaff.region')}</Table.Th>
              <Table.Th>{t('supportAdmin.title')}</Table.Th>
              <Table.Th>{t('supportAdmin.active')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {canned.data?.replies.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{show(regionName(r.regionId))}</Table.Td>
                <Table.Td>{r.title}</Table.Td>
                <Table.Td>{r.active ? t('supportAdmin.yes') : t('supportAdmin.no')}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="default"
                    aria-label={t('supportAdmin.editCanned', { name: r.title })}
                    onClick={() => {
                      const { id, ...form } = r;
                      setReply({ id, form });
                    }}
                  >
                    {t('supportAdmin.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Modal opened={cat !== null} onClose={() => setCat(null)} title={t('supportAdmin.categories')}>
        {cat && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              saveCat.mutate(cat);
            }}
          >
            <Stack>
              <Select
                label={t('supportStaff.region')}
                data={regionOptions}
                value={cat.form.regionId === null ? '' : String(cat.form.regionId)}
                onChange={(v) => setCat({ ...cat, form: { ...cat.form, regionId: v ? Number(v) : null } })}
              />
              <TextInput
                label={t('supportAdmin.code')}
                value={cat.form.code}
                required
                onChange={(e) => setCat({ ...cat, form: { ...cat.form, code: e.currentTarget.value } })}
              />
              <TextInput
                label={t('supportAdmin.nameRu')}
                value={cat.form.nameRu}
                required
                onChange={(e) => setCat({ ...cat, form: { ...cat.form, nameRu: e.currentTarget.value } })}
              />
              <TextInput
                label={t('supportAdmin.nameEn')}
                value={cat.form.nameEn}
                required
                onChange={(e) => setCat({ ...cat, form: { ...cat.form, nameEn: e.currentTarget.value } })}
              />
              <NumberInput
                label={t('supportAdmin.firstMinutes')}
                value={cat.form.firstResponseMinutes}
                min={1}
                allowDecimal={false}
                onChange={(v) => setCat({ ...cat, form: { ...cat.form, firstResponseMinutes: Number(v) || 1 } })}
              />
              <NumberInput
                label={t('supportAdmin.resolutionHours')}
                value={cat.form.resolutionHours}
                min={1}
                allowDecimal={false}
                onChange={(v) => setCat({ ...cat, form: { ...cat.form, resolutionHours: Number(v) || 1 } })}
              />
              <NumberInput
                label={t('supportAdmin.order')}
                value={cat.form.sortOrder}
                min={0}
                allowDecimal={false}
                onChange={(v) => setCat({ ...cat, form: { ...cat.form, sortOrder: Number(v) || 0 } })}
              />
              <Checkbox
                label={t('supportAdmin.isClaim')}
                checked={cat.form.isClaim}
                onChange={(e) => setCat({ ...cat, form: { ...cat.form, isClaim: e.currentTarget.checked } })}
              />
              <Checkbox
                label={t('supportAdmin.active')}
                checked={cat.form.active}
                onChange={(e) => setCat({ ...cat, form: { ...cat.form, active: e.currentTarget.checked } })}
              />
              <ErrorAlert error={saveCat.error} />
              <Group>
                <Button type="submit" loading={saveCat.isPending}>
                  {t('supportAdmin.save')}
                </Button>
                <Button variant="default" onClick={() => setCat(null)}>
                  {t('supportAdmin.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
      <Modal opened={reply !== null} onClose={() => setReply(null)} title={t('supportAdmin.canned')}>
        {reply && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              saveReply.mutate(reply);
            }}
          >
            <Stack>
              <Select
                label={t('supportStaff.region')}
                data={regionOptions}
                value={reply.form.regionId === null ? '' : String(reply.form.regionId)}
                onChange={(v) => setReply({ ...reply, form: { ...reply.form, regionId: v ? Number(v) : null } })}
              />
              <TextInput
                label={t('supportAdmin.title')}
                value={reply.form.title}
                required
                onChange={(e) => setReply({ ...reply, form: { ...reply.form, title: e.currentTarget.value } })}
              />
              <Textarea
                label={t('supportAdmin.body')}
                value={reply.form.body}
                required
                autosize
                minRows={4}
                onChange={(e) => setReply({ ...reply, form: { ...reply.form, body: e.currentTarget.value } })}
              />
              <Checkbox
                label={t('supportAdmin.active')}
                checked={reply.form.active}
                onChange={(e) => setReply({ ...reply, form: { ...reply.form, active: e.currentTarget.checked } })}
              />
              <ErrorAlert error={saveReply.error} />
              <Group>
                <Button type="submit" loading={saveReply.isPending}>
                  {t('supportAdmin.save')}
                </Button>
                <Button variant="default" onClick={() => setReply(null)}>
                  {t('supportAdmin.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </Stack>
  );
}
