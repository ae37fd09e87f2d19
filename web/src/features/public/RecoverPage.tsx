import {
  Alert,
  Anchor,
  Button,
  Card,
  Container,
  Group,
  PasswordInput,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName } from '../../components/format';
import { usePublicRegions } from '../../components/usePublicRegions';
import { PublicHeader } from './PublicHeader';

type Step = 'request' | 'code' | 'done';

/**
 * Password recovery as the seed describes: region → phone from the contract + personal account →
 * SMS or e-mail → code (or the e-mailed link, /recover?token=…) → new password.
 */
export function RecoverPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token');
  const regions = usePublicRegions();
  const [step, setStep] = useState<Step>(token ? 'code' : 'request');
  const [regionId, setRegionId] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [account, setAccount] = useState('');
  const [channel, setChannel] = useState<'sms' | 'email'>('sms');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const request = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.POST('/api/auth/recovery/start', {
        body: { regionId: Number(regionId), phone, account, channel },
      });
      setStep('code');
    });
  };
  const complete = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.POST('/api/auth/recovery/complete', {
        body: token ? { token, newPassword: password } : { account, code, newPassword: password },
      });
      setStep('done');
    });
  };

  return (
    <>
      <PublicHeader />
      <Container component="main" size={460} py="xl">
        <Card withBorder shadow="sm" p="lg">
          <Stack>
            <Title order={1} size="h2">
              {t('recover.title')}
            </Title>
            <ErrorAlert error={error} />
            {step === 'request' && (
              <form onSubmit={request}>
                <Stack>
                  <Select
                    label={t('recover.region')}
                    data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
                    value={regionId}
                    onChange={setRegionId}
                    required
                    searchable
                    name="region"
                  />
                  <TextInput
                    label={t('recover.phone')}
                    value={phone}
                    onChange={(e) => setPhone(e.currentTarget.value)}
                    required
                    type="tel"
                    autoComplete="tel"
                    placeholder="+7 921 123-45-67"
                    name="phone"
                  />
                  <TextInput
                    label={t('recover.account')}
                    value={account}
                    onChange={(e) => setAccount(e.currentTarget.value)}
                    required
                    inputMode="numeric"
                    name="account"
                  />
                  <Radio.Group label={t('recover.channel')} value={channel} onChange={(v) => setChannel(v)}>
                    <Group mt="xs">
                      <Radio value="sms" label={t('recover.sms')} />
                      <Radio value="email" label={t('recover.email')} />
                    </Group>
                  </Radio.Group>
                  <Button type="submit" loading={busy} disabled={!regionId}>
                    {t('recover.next')}
                  </Button>
                </Stack>
              </form>
            )}
            {step === 'code' && (
              <form onSubmit={complete}>
                <Stack>
                  {!token && (
                    <Alert color="blue">
                      <Text size="sm">{t('recover.sent')}</Text>
                      <Text size="sm" mt="xs">
                        {t('recover.heldNote')}
                      </Text>
                    </Alert>
                  )}
                  {!token && (
                    <TextInput
                      label={t('recover.code')}
                      value={code}
                      onChange={(e) => setCode(e.currentTarget.value)}
                      required
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      maxLength={6}
                      name="code"
                    />
                  )}
                  <PasswordInput
                    label={t('recover.newPassword')}
                    description={t('password.rules')}
                    value={password}
                    onChange={(e) => setPassword(e.currentTarget.value)}
                    required
                    autoComplete="new-password"
                    name="newPassword"
                  />
                  <Button type="submit" loading={busy}>
                    {t('common.save')}
                  </Button>
                </Stack>
              </form>
            )}
            {step === 'done' && (
              <>
                <Alert color="green" role="status">
                  {t('recover.done')}
                </Alert>
                <Text>
                  <Anchor component={Link} to="/login">
                    {t('recover.toLogin')}
                  </Anchor>
                </Text>
              </>
            )}
          </Stack>
        </Card>
      </Container>
    </>
  );
}
