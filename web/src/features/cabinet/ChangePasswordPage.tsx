import { PASSWORD_PROBLEM_TEXT } from '@common/password-messages';
import { passwordProblems } from '@common/password-rules';
import { Alert, Button, Card, Container, List, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api } from '../../api/client';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Set a new password: forced after the first sign-in with the contract's password, or by choice. */
export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const lang = i18n.language === 'en' ? 'en' : 'ru';
  const login = me.data?.type === 'subscriber' ? me.data.contract : undefined;
  const problems = next ? passwordProblems(next, { login }) : [];

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== repeat) return setError(new Error(t('password.mismatch')));
    try {
      await api.POST('/api/auth/password', { body: { currentPassword: current, newPassword: next } });
      await qc.invalidateQueries({ queryKey: ['me'] });
      setDone(true);
      if (forced) void navigate('/cabinet');
    } catch (err) {
      setError(err);
    }
  }

  const form = (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Title order={1} size="h2">
          {forced ? t('password.forcedTitle') : t('profile.password')}
        </Title>
        {forced && <Text>{t('password.forcedLead')}</Text>}
        <ErrorAlert error={error} />
        {done && (
          <Alert color="green" role="status">
            {t('password.changed')}
          </Alert>
        )}
        <PasswordInput
          label={t('password.current')}
          value={current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
          required
          autoComplete="current-password"
          name="currentPassword"
        />
        <PasswordInput
          label={t('password.next')}
          description={t('password.rules')}
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          required
          autoComplete="new-password"
          name="newPassword"
        />
        {problems.length > 0 && (
          <List size="sm" c="orange.9" aria-live="polite">
            {problems.map((p) => (
              <List.Item key={p}>{PASSWORD_PROBLEM_TEXT[p][lang]}</List.Item>
            ))}
          </List>
        )}
        <PasswordInput
          label={t('password.repeat')}
          value={repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
          required
          autoComplete="new-password"
          name="repeatPassword"
        />
        <Button type="submit" disabled={problems.length > 0}>
          {t('common.save')}
        </Button>
      </Stack>
    </form>
  );
  return forced ? (
    <Container component="main" size={460} py="xl">
      <Card withBorder shadow="sm" p="lg">
        {form}
      </Card>
    </Container>
  ) : (
    <Card withBorder maw={480}>
      {form}
    </Card>
  );
}
