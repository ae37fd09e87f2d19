import './i18n';

import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { QrCode } from '../../components/QrCode';

type Who = 'staff' | 'subscriber';
type Setup = { secret: string; otpauthUrl: string };

const setupCall = (who: Who) =>
  who === 'staff' ? api.POST('/api/staff/me/totp/setup') : api.POST('/api/me/totp/setup');
const enableCall = (who: Who, body: { password: string; secret: string; code: string; currentCode?: string }) =>
  who === 'staff' ? api.POST('/api/staff/me/totp/enable', { body }) : api.POST('/api/me/totp/enable', { body });
const disableCall = (who: Who, body: { password: string; code: string }) =>
  who === 'staff' ? api.POST('/api/staff/me/totp/disable', { body }) : api.POST('/api/me/totp/disable', { body });

/**
 * Two-factor sign-in (TOTP) of the signed-in person: set it up from a QR code, move it to another app,
 * or turn it off. Every change asks for the current password, and a code from the app in use when it is
 * on (the server refuses otherwise). `forced`: the role requires it and it is not set up yet.
 */
export function TotpCard({
  who,
  enabled,
  required = false,
  forced = false,
  onChanged,
}: {
  who: Who;
  enabled: boolean;
  required?: boolean;
  forced?: boolean;
  onChanged: () => void | Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'idle' | 'setup' | 'disable'>('idle');
  const [setup, setSetup] = useState<Setup | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [currentCode, setCurrentCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setMode('idle');
    setSetup(null);
    setPassword('');
    setCode('');
    setCurrentCode('');
  };
  async function startSetup() {
    setError(null);
    setDone(null);
    try {
      setSetup(await setupCall(who));
      setMode('setup');
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => {
    if (forced) void startSetup();
    // Once, when the forced page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [forced]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (mode === 'setup' && setup) {
        await enableCall(who, {
          password,
          secret: setup.secret,
          code: code.trim(),
          ...(enabled ? { currentCode: currentCode.trim() } : {}),
        });
        setDone(t('security.totpEnabled'));
      } else {
        await disableCall(who, { password, code: code.trim() });
        setDone(t('security.totpDisabled'));
      }
      reset();
      await onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const codeInput = (label: string, value: string, set: (v: string) => void, name: string) => (
    <TextInput
      label={label}
      value={value}
      onChange={(e) => set(e.currentTarget.value)}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
      name={name}
    />
  );
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('security.totpTitle')}
        </Title>
        {!forced && <Text size="sm">{enabled ? t('security.totpOn') : t('security.totpOff')}</Text>}
        {required && !forced && (
          <Text size="sm" c="dimmed">
            {t('security.totpRequiredRole')}
          </Text>
        )}
        <ErrorAlert error={error} />
        {done && (
          <Alert color="green" role="status">
            {done}
          </Alert>
        )}
        {mode === 'idle' && (
          <Group>
            <Button variant={enabled ? 'default' : 'filled'} onClick={() => void startSetup()}>
              {enabled ? t('security.totpMove') : t('security.totpSetup')}
            </Button>
            {enabled && !required && (
              <Button variant="light" color="red" onClick={() => setMode('disable')}>
                {t('security.totpDisable')}
              </Button>
            )}
          </Group>
        )}
        {mode !== 'idle' && (
          <form onSubmit={(e) => void submit(e)}>
            <Stack gap="sm">
              {mode === 'setup' && setup && (
                <>
                  <Text size="sm">{t('security.totpScan')}</Text>
                  <Group align="flex-start" wrap="wrap">
                    <QrCode value={setup.otpauthUrl} label={t('security.totpQr')} size={180} />
                    <Stack gap={4}>
                      <Text size="sm" fw={600}>
                        {t('security.totpSecret')}
                      </Text>
                      <Code data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
                        {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
                      </Code>
                    </Stack>
                  </Group>
                </>
              )}
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <PasswordInput
                  label={t('security.totpPassword')}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  autoComplete="current-password"
                  required
                  name="password"
                />
                {mode === 'setup' &&
                  enabled &&
                  codeInput(t('security.totpCurrentCode'), currentCode, setCurrentCode, 'currentCode')}
                {codeInput(
                  mode === 'setup' ? t('security.totpNewCode') : t('security.totpCurrentCode'),
                  code,
                  setCode,
                  'code',
                )}
              </SimpleGrid>
              <Group>
                <Button type="submit" loading={busy} color={mode === 'disable' ? 'red' : undefined}>
                  {mode === 'disable'
                    ? t('security.totpConfirmOff')
                    : enabled
                      ? t('security.totpConfirmMove')
                      : t('security.totpConfirm')}
                </Button>
                {!forced && (
                  <Button variant="default" onClick={reset}>
                    {t('security.cancel')}
                  </Button>
                )}
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
