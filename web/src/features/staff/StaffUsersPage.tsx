import './users-i18n';
import './account-i18n';

import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
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
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';

type StaffUser = ApiData<'get', '/api/staff/users'>['users'][number];

/** Staff accounts (admin): who works in the back office, in which role; new accounts; deactivation ends their sessions. */
export function StaffUsersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const who = useMe();
  const me = who.data?.type === 'staff' ? who.data.staff.id : null;
  const q = useQuery({ queryKey: ['staff-users'], queryFn: () => api.GET('/api/staff/users') });
  const update = useMutation({
    mutationFn: (x: { id: number; role?: StaffRole; active?: boolean }) =>
      api.PATCH('/api/staff/users/{id}', { params: { path: { id: x.id } }, body: { role: x.role, active: x.active } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['staff-users'] }),
  });
  const passwordLink = useMutation({
    mutationFn: (id: number) => api.POST('/api/staff/users/{id}/password-link', { params: { path: { id } } }),
  });
  const totpReset = useMutation({
    mutationFn: (u: StaffUser) =>
      api.POST('/api/staff/users/{id}/totp/reset', { params: { path: { id: u.id } } }).then(() => u.email),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['staff-users'] }),
  });
  const roles = staffRoleValues.map((r) => ({ value: r, label: t(`staff.role.${r}`) }));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('users.title')}
      </Title>
      <NewStaffUser roles={roles} />
      {q.isLoading && <Loader />}
      <ErrorAlert error={q.error ?? update.error ?? passwordLink.error ?? totpReset.error} />
      {passwordLink.data && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => passwordLink.reset()}
        >
          {t('users.passwordLinkSent', { email: passwordLink.data.sentTo })}
        </Alert>
      )}
      {totpReset.data && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => totpReset.reset()}
        >
          {t('users.totpResetDone', { email: totpReset.data })}
        </Alert>
      )}
      {q.data && (
        <Table.ScrollContainer minWidth={720} type="native" tabIndex={0}>
          <Table striped data-testid="staff-users">
            <HiddenCaption>{t('users.title')}</HiddenCaption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('users.fullName')}</Table.Th>
                <Table.Th scope="col">{t('users.email')}</Table.Th>
                <Table.Th scope="col">{t('users.role')}</Table.Th>
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
                    <Badge variant="light" color={u.active ? 'green' : 'gray'}>
                      {u.active ? t('users.active') : t('users.inactive')}
                    </Badge>
                    {u.totpEnabled && (
                      <Badge variant="light" ml="xs">
                        {t('users.totp')}
                      </Badge>
                    )}
                    {u.mustChangePassword && (
                      <Badge variant="light" color="orange" ml="xs">
                        {t('users.mustChange')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t(u.active ? 'users.deactivateFor' : 'users.activateFor', { name: u.fullName })}
                        onClick={() => update.mutate({ id: u.id, active: !u.active })}
                      >
                        {u.active ? t('users.deactivate') : t('users.activate')}
                      </Button>
                      {u.active && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          aria-label={t('users.passwordLinkFor', { name: u.fullName })}
                          loading={passwordLink.isPending && passwordLink.variables === u.id}
                          onClick={() => passwordLink.mutate(u.id)}
                        >
                          {t('users.passwordLink')}
                        </Button>
                      )}
                      {u.totpEnabled && u.id !== me && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          aria-label={t('users.totpResetFor', { name: u.fullName })}
                          onClick={() =>
                            window.confirm(t('users.totpResetFor', { name: u.fullName })) && totpReset.mutate(u)
                          }
                        >
                          {t('users.totpReset')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <RoleTotpSettings />
    </Stack>
  );
}

/** Which roles must sign in with a TOTP code: admin and finance always; operator and support as the admin sets. */
function RoleTotpSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['role-totp'], queryFn: () => api.GET('/api/staff/security/roles') });
  const set = useMutation({
    mutationFn: (x: { role: StaffRole; totpRequired: boolean }) =>
      api.PUT('/api/staff/security/roles/{role}', {
        params: { path: { role: x.role } },
        body: { totpRequired: x.totpRequired },
      }),
    onSuccess: (r) => qc.setQueryData(['role-totp'], r),
  });
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('users.rolesTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('users.rolesLead')}
        </Text>
        <ErrorAlert error={q.error ?? set.error} />
        {(q.data?.roles ?? []).map((r) => (
          <Switch
            key={r.role}
            label={`${t(`staff.role.${r.role}`)}${r.fixed ? ` — ${t('users.always')}` : ''}`}
            aria-label={t('users.roleRequired', { role: t(`staff.role.${r.role}`) })}
            checked={r.totpRequired}
            disabled={r.fixed || set.isPending}
            onChange={(e) => set.mutate({ role: r.role, totpRequired: e.currentTarget.checked })}
          />
        ))}
      </Stack>
    </Card>
  );
}

function NewStaffUser({ roles }: { roles: { value: StaffRole; label: string }[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const empty = { fullName: '', email: '', role: 'operator' as StaffRole, password: '' };
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
            <PasswordInput
              label={t('users.password')}
              description={t('users.passwordHintLink')}
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
