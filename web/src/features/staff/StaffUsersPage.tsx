import './users-i18n';

import {
  Alert,
  Badge,
  Button,
  Card,
  Loader,
  MultiSelect,
  PasswordInput,
  Select,
  SimpleGrid,
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
import { type StaffRole, staffRoleValues } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';
import { type StaffRegion, useStaffRegions } from '../services/staff/useRegions';

type StaffUser = ApiData<'get', '/api/staff/users'>['users'][number];
type Regions = StaffUser['regions'];

/** The special choice "every region" in the regions picker, next to the regions themselves. */
const ALL = 'all';
const toValue = (r: Regions): string[] => (r === 'all' ? [ALL] : r.map(String));
/** Picking "every region" replaces the list; picking a region drops "every region". */
function fromValue(next: string[], before: string[]): Regions {
  if (next.includes(ALL) && !before.includes(ALL)) return 'all';
  const ids = next.filter((v) => v !== ALL).map(Number);
  return ids;
}
const sameRegions = (a: Regions, b: Regions) => JSON.stringify(a) === JSON.stringify(b);

function regionOptions(regions: StaffRegion[] | undefined, label: (r: StaffRegion) => string, allLabel: string) {
  return [{ value: ALL, label: allLabel }, ...(regions ?? []).map((r) => ({ value: String(r.id), label: label(r) }))];
}

/** Staff accounts (admin): who works in the back office, in which role; new accounts; deactivation ends their sessions. */
export function StaffUsersPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['staff-users'], queryFn: () => api.GET('/api/staff/users') });
  const update = useMutation({
    mutationFn: (x: { id: number; role?: StaffRole; active?: boolean }) =>
      api.PATCH('/api/staff/users/{id}', { params: { path: { id: x.id } }, body: { role: x.role, active: x.active } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['staff-users'] }),
  });
  const roles = staffRoleValues.map((r) => ({ value: r, label: t(`staff.role.${r}`) }));
  const regions = useStaffRegions();
  const regionData = regionOptions(
    regions.data,
    (r) => (i18n.language === 'en' ? r.nameEn : r.nameRu),
    t('users.allRegions'),
  );
  const setRegions = useMutation({
    mutationFn: (x: { id: number; regions: Regions }) =>
      api.PUT('/api/staff/users/{id}/regions', { params: { path: { id: x.id } }, body: { regions: x.regions } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['staff-users'] }),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('users.title')}
      </Title>
      <NewStaffUser roles={roles} regionData={regionData} />
      {q.isLoading && <Loader />}
      <ErrorAlert error={q.error ?? update.error ?? setRegions.error} />
      {q.data && (
        <Table.ScrollContainer minWidth={1060} type="native" tabIndex={0}>
          <Table striped data-testid="staff-users">
            <HiddenCaption>{t('users.title')}</HiddenCaption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('users.fullName')}</Table.Th>
                <Table.Th scope="col">{t('users.email')}</Table.Th>
                <Table.Th scope="col">{t('users.role')}</Table.Th>
                <Table.Th scope="col">{t('users.regions')}</Table.Th>
                <Table.Th scope="col">{t('users.status')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('users.deactivate')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.users.map((u: StaffUser) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.fullName}</Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('users.roleFor', { name: u.fullName })}
                      size="xs"
                      w={160}
                      allowDeselect={false}
                      data={roles}
                      value={u.role}
                      onChange={(role) => role && update.mutate({ id: u.id, role: role })}
                    />
                  </Table.Td>
                  <Table.Td>
                    {u.role === 'admin' ? (
                      <Text size="sm" c="dimmed">
                        {t('users.adminRegions')}
                      </Text>
                    ) : (
                      <RegionsCell
                        user={u}
                        data={regionData}
                        onSave={(r) => setRegions.mutate({ id: u.id, regions: r })}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={u.active ? 'green' : 'gray'}>
                      {u.active ? t('users.active') : t('users.inactive')}
                    </Badge>
                    {u.totpEnabled && (
                      <Badge variant="light" ml="xs">
                        {t('users.totp')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      aria-label={t(u.active ? 'users.deactivateFor' : 'users.activateFor', { name: u.fullName })}
                      onClick={() => update.mutate({ id: u.id, active: !u.active })}
                    >
                      {u.active ? t('users.deactivate') : t('users.activate')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

/**
 * A staff member's regions: picked in the list and saved when the list closes (or a region is taken
 * out), so choosing three regions is one change in the audit log, not three.
 */
function RegionsCell(props: {
  user: StaffUser;
  data: { value: string; label: string }[];
  onSave: (r: Regions) => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<Regions>(props.user.regions);
  const save = (r: Regions) => {
    if (!sameRegions(r, props.user.regions)) props.onSave(r);
  };
  return (
    <MultiSelect
      aria-label={t('users.regionsFor', { name: props.user.fullName })}
      size="xs"
      w={240}
      data={props.data}
      value={toValue(value)}
      placeholder={value !== 'all' && value.length === 0 ? t('users.noRegions') : undefined}
      error={value !== 'all' && value.length === 0}
      onChange={(next) => setValue(fromValue(next, toValue(value)))}
      onDropdownClose={() => save(value)}
      onRemove={(removed) =>
        save(
          fromValue(
            toValue(value).filter((v) => v !== removed),
            toValue(value),
          ),
        )
      }
    />
  );
}

function NewStaffUser(props: {
  roles: { value: StaffRole; label: string }[];
  regionData: { value: string; label: string }[];
}) {
  const { roles } = props;
  const { t } = useTranslation();
  const qc = useQueryClient();
  const empty = { fullName: '', email: '', role: 'operator' as StaffRole, password: '', regions: [] as Regions };
  const [f, setF] = useState(empty);
  const create = useMutation({
    mutationFn: () => api.POST('/api/staff/users', { body: f }),
    onSuccess: () => {
      setF(empty);
      void qc.invalidateQueries({ queryKey: ['staff-users'] });
    },
  });
  return (
    <Card withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {t('users.add')}
          </Title>
          <ErrorAlert error={create.error} />
          {create.data && <Alert color="green">{t('users.created', { email: create.data.email })}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('users.fullName')}
              required
              value={f.fullName}
              onChange={(e) => setF({ ...f, fullName: e.currentTarget.value })}
            />
            <TextInput
              label={t('users.email')}
              type="email"
              required
              value={f.email}
              onChange={(e) => setF({ ...f, email: e.currentTarget.value })}
            />
            <Select
              label={t('users.role')}
              allowDeselect={false}
              data={roles}
              value={f.role}
              onChange={(role) => role && setF({ ...f, role: role })}
            />
            {f.role !== 'admin' && (
              <MultiSelect
                label={t('users.regions')}
                description={t('users.regionsHint')}
                searchable
                data={props.regionData}
                value={toValue(f.regions)}
                onChange={(next) => setF({ ...f, regions: fromValue(next, toValue(f.regions)) })}
              />
            )}
            <PasswordInput
              label={t('users.password')}
              description={t('users.passwordHint')}
              required
              autoComplete="new-password"
              value={f.password}
              onChange={(e) => setF({ ...f, password: e.currentTarget.value })}
            />
          </SimpleGrid>
          <Button type="submit" loading={create.isPending} w="fit-content">
            {t('users.create')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
