import './account-i18n';

import { Alert, Button, Card, PasswordInput, SimpleGrid, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SessionsCard } from '../security/SessionsCard';
import { TotpCard } from '../security/TotpCard';

/** A staff member's own password change (also the forced one after an administrator set it). */
export function StaffPasswordForm({ forced = false }: { forced?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next !== repeat) return setError(new Error(t('staffAccount.mismatch')));
    try {
      await api.POST('/api/staff/me/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      await qc.invalidateQueries({ queryKey: ['me'] });
      await qc.invalidateQueries({ queryKey: ['sessions'] });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack gap="sm">
        {!forced && (
          <Title order={2} size="h4">
            {t('staffAccount.passwordTitle')}
          </Title>
        )}
        <ErrorAlert error={error} />
        {done && (
          <Alert color="green" role="status">
            {t('staffAccount.changed')}
          </Alert>
        )}
        <PasswordInput
          label={t('staffAccount.current')}
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          required
          autoComplete="current-password"
          name="currentPassword"
        />
        <SimpleGrid cols={{ base: 1, sm: forced ? 1 : 2 }}>
          <PasswordInput
            label={t('staffAccount.next')}
            description={t('staffAccount.rules')}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            required
            autoComplete="new-password"
            name="newPassword"
          />
          <PasswordInput
            label={t('staffAccount.repeat')}
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            required
            autoComplete="new-password"
            name="repeatPassword"
          />
        </SimpleGrid>
        <Button type="submit" w="fit-content">
          {t('staffAccount.save')}
        </Button>
      </Stack>
    </form>
  );
}

/** "My account" in the back office: password, two-factor sign-in, where I am signed in. */
export function StaffAccountPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  const staff = me.data?.type === 'staff' ? me.data.staff : null;
  if (!staff) return null;
  return (
    <Stack maw={860}>
      <Title order={1} size="h2">
        {t('staffAccount.title')}
      </Title>
      <Card withBorder>
        <StaffPasswordForm />
      </Card>
      <TotpCard
        who="staff"
        enabled={staff.totpEnabled}
        required={staff.totpRequired}
        onChanged={() => qc.invalidateQueries({ queryKey: ['me'] })}
      />
      <SessionsCard />
    </Stack>
  );
}
