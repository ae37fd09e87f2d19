import { Button, Card, Container, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api, ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PublicHeader } from '../public/PublicHeader';

export function StaffLogin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<unknown>(null);
  const totpRef = useRef<HTMLInputElement>(null);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.POST('/api/auth/staff/login', { body: { email, password, ...(totp ? { totp } : {}) } });
      // Reset, not invalidate: a signed-out visit may have cached "nobody" in an inactive query, and
      // the next page must wait for the fresh answer instead of redirecting back here on the old one.
      await qc.resetQueries({ queryKey: ['me'] });
      void navigate('/staff');
    } catch (err) {
      setError(err);
      // The password was right and a code is needed (or was wrong): straight to the code field.
      if (err instanceof ApiError && (err.code === 'totp_required' || err.code === 'totp_invalid')) {
        setTotp('');
        totpRef.current?.focus();
      }
    }
  }
  return (
    <>
      <PublicHeader />
      <Container component="main" size={420} py="xl">
        <Card withBorder shadow="sm" p="lg">
          <form onSubmit={(e) => void submit(e)}>
            <Stack>
              <Title order={1} size="h2">
                {t('staff.login')}
              </Title>
              <ErrorAlert error={error} />
              <TextInput
                label={t('staff.email')}
                type="email"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                required
                autoComplete="username"
                name="email"
              />
              <PasswordInput
                label={t('login.password')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                autoComplete="current-password"
                name="password"
              />
              <TextInput
                ref={totpRef}
                label={t('staff.totp')}
                value={totp}
                onChange={(e) => setTotp(e.currentTarget.value)}
                inputMode="numeric"
                maxLength={6}
                autoComplete="one-time-code"
                name="totp"
              />
              <Button type="submit">{t('login.submit')}</Button>
            </Stack>
          </form>
        </Card>
      </Container>
    </>
  );
}
