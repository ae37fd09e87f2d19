import './account-i18n';

import { Alert, Anchor, Button, Card, Container, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PublicHeader } from '../public/PublicHeader';

/** /staff/reset?token=…: a new password from the one-time link an administrator had e-mailed. */
export function StaffResetPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== repeat) return setError(new Error(t('staffAccount.mismatch')));
    try {
      await api.POST('/api/auth/staff/reset', { body: { token, newPassword: next } });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <PublicHeader />
      <Container component="main" size={460} py="xl">
        <Card withBorder shadow="sm" p="lg">
          <form onSubmit={(e) => void submit(e)}>
            <Stack>
              <Title order={1} size="h2">
                {t('staffAccount.resetTitle')}
              </Title>
              {done ? (
                <>
                  <Alert color="green" role="status">
                    {t('staffAccount.resetDone')}
                  </Alert>
                  <Anchor component={Link} to="/staff/login">
                    {t('staffAccount.toLogin')}
                  </Anchor>
                </>
              ) : (
                <>
                  <Text size="sm">{t('staffAccount.resetLead')}</Text>
                  <ErrorAlert error={error} />
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
                  <Button type="submit">{t('staffAccount.save')}</Button>
                </>
              )}
            </Stack>
          </form>
        </Card>
      </Container>
    </>
  );
}
