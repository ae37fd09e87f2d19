import { Anchor, Button, Card, Container, Group, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { api, ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PublicHeader } from './PublicHeader';

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [contract, setContract] = useState('');
  const [password, setPassword] = useState('');
  // Asked for only after the server said the password is right and a code is on (`totp_required`).
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.POST('/api/auth/login', {
        body: { contract, password, ...(askCode && code ? { totp: code.trim() } : {}) },
      });
      // Reset, not invalidate: a signed-out visit may have cached "nobody" in an inactive query, and
      // the next page must wait for the fresh answer instead of redirecting back here on the old one.
      await qc.resetQueries({ queryKey: ['me'] });
      void navigate(r.mustChangePassword ? '/cabinet/password' : '/cabinet');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        setAskCode(true);
        setError(null);
      } else setError(err);
      if (err instanceof ApiError && err.code === 'totp_invalid') setCode('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PublicHeader />
      <Container component="main" size={420} py="xl">
        <Card withBorder shadow="sm" p="lg">
          <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
            <Stack>
              <Title order={1} size="h2" id="login-title">
                {t('login.title')}
              </Title>
              <ErrorAlert error={error} />
              <TextInput
                label={t('login.contract')}
                description={t('login.contractHint')}
                value={contract}
                onChange={(e) => setContract(e.currentTarget.value)}
                required
                autoComplete="username"
                inputMode="numeric"
                name="contract"
              />
              <PasswordInput
                label={t('login.password')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                autoComplete="current-password"
                name="password"
              />
              {askCode && (
                <TextInput
                  label={t('login.code')}
                  description={t('login.codeHint')}
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                  inputMode="numeric"
                  maxLength={6}
                  required
                  autoFocus
                  autoComplete="one-time-code"
                  name="totp"
                />
              )}
              <Button type="submit" loading={busy} fullWidth>
                {t('login.submit')}
              </Button>
              <Group justify="space-between">
                <Anchor component={Link} to="/recover" size="sm">
                  {t('login.forgot')}
                </Anchor>
                <Anchor component={Link} to="/staff/login" size="sm" c="dimmed">
                  {t('login.staff')}
                </Anchor>
              </Group>
            </Stack>
          </form>
        </Card>
      </Container>
    </>
  );
}
