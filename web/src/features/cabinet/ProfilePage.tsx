import '../security/i18n';

import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  PasswordInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiData } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { phone } from '../../components/format';
import { SessionsCard } from '../security/SessionsCard';
import { TotpCard } from '../security/TotpCard';
import { ConsentCard } from './ConsentCard';

function ContactEditor({ kind }: { kind: 'phone' | 'email' }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [value, setValue] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.POST('/api/me/contacts/start', { body: { kind, value, password } });
      setPassword('');
      setSent(true);
      setMsg(t('profile.codeSent'));
    } catch (err) {
      setError(err);
    }
  };
  const confirm = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.POST('/api/me/contacts/confirm', { body: { kind, code } });
      await qc.invalidateQueries({ queryKey: ['profile'] });
      setSent(false);
      setValue('');
      setCode('');
      setMsg(t('profile.updated'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Stack gap="xs">
      <ErrorAlert error={error} />
      {msg && (
        <Alert color="green" role="status">
          {msg}
        </Alert>
      )}
      {!sent ? (
        <form onSubmit={(e) => void start(e)}>
          <Group align="end">
            <TextInput
              label={`${t(`profile.${kind}`)}: ${t('profile.newValue')}`}
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              type={kind === 'email' ? 'email' : 'tel'}
              required
              name={`new-${kind}`}
            />
            <PasswordInput
              label={t('profile.currentPassword')}
              aria-label={`${t(`profile.${kind}`)}: ${t('profile.currentPassword')}`}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
              autoComplete="current-password"
              name={`password-${kind}`}
            />
            <Button type="submit" variant="default">
              {t('profile.sendCode')}
            </Button>
          </Group>
        </form>
      ) : (
        <form onSubmit={(e) => void confirm(e)}>
          <Group align="end">
            <TextInput
              label={t('profile.code')}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              inputMode="numeric"
              maxLength={6}
              required
              autoComplete="one-time-code"
              name={`code-${kind}`}
            />
            <Button type="submit">{t('profile.confirm')}</Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}

export function ProfilePage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const profile = useQuery({ queryKey: ['profile'], queryFn: () => api.GET('/api/me/profile') });
  const prefs = useMutation({
    mutationFn: (body: Partial<ApiData<'get', '/api/me/profile'>['preferences']>) =>
      api.PATCH('/api/me/profile/preferences', { body }),
    onSuccess: (p) => qc.setQueryData(['profile'], p),
  });
  const p = profile.data;
  const when = (iso: string) =>
    new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU', { dateStyle: 'long', timeStyle: 'short' });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('profile.title')}
      </Title>
      <ErrorAlert error={profile.error ?? prefs.error} />
      {p && (
        <Card withBorder>
          <Stack gap="xs">
            <Text>
              {t('profile.account')}: <b>{p.account}</b>
            </Text>
            <Text>
              {t('profile.contract')}: <b>{p.contract}</b>
            </Text>
            <Text>
              {t('profile.phone')}: <b>{p.phone ? phone(p.phone) : t('profile.notSet')}</b>
            </Text>
            {p.recoveryHeldUntil.phone && (
              <Alert color="orange" variant="light" p="xs">
                {t('profile.heldPhone', { when: when(p.recoveryHeldUntil.phone) })}
              </Alert>
            )}
            <Text>
              {t('profile.email')}: <b>{p.email ?? t('profile.notSet')}</b>
            </Text>
            {p.recoveryHeldUntil.email && (
              <Alert color="orange" variant="light" p="xs">
                {t('profile.heldEmail', { when: when(p.recoveryHeldUntil.email) })}
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              {t('profile.contactLead')}
            </Text>
            <ContactEditor kind="phone" />
            <ContactEditor kind="email" />
          </Stack>
        </Card>
      )}
      {p && (
        <Card withBorder>
          <Title order={2} size="h4">
            {t('profile.prefs')}
          </Title>
          <Stack gap="xs" mt="xs">
            <Text size="sm" c="dimmed">
              {t('profile.prefInbox')}
            </Text>
            <Switch
              label={t('profile.prefEmail')}
              checked={p.preferences.email}
              onChange={(e) => prefs.mutate({ email: e.currentTarget.checked })}
            />
            <Switch
              label={t('profile.prefSms')}
              checked={p.preferences.sms}
              onChange={(e) => prefs.mutate({ sms: e.currentTarget.checked })}
            />
          </Stack>
        </Card>
      )}
      {p && <ConsentCard />}
      {p && (
        <TotpCard
          who="subscriber"
          enabled={p.totpEnabled}
          onChanged={() => qc.invalidateQueries({ queryKey: ['profile'] })}
        />
      )}
      <SessionsCard>
        <Anchor component={Link} to="/cabinet/password" mt="sm">
          {t('profile.password')}
        </Anchor>
      </SessionsCard>
    </Stack>
  );
}
