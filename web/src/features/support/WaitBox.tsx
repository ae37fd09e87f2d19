import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { phone } from '../../components/format';
import type { WaitEstimate } from './api';
import { duration } from './format';

/** The expected wait for a first answer (from the live queue), always with the hotline beside it. */
export function WaitBox({ wait, hotline }: { wait: WaitEstimate | null | undefined; hotline: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="blue" variant="light" title={t('support.wait.title')} aria-live="polite" data-testid="expected-wait">
      <Stack gap={4}>
        {wait &&
          (wait.minutes !== null ? (
            <>
              <Text fw={700} size="lg">
                {t('support.wait.minutes', { text: duration(t, wait.minutes) })}
              </Text>
              <Text size="sm">{t('support.wait.ahead', { count: wait.ahead })}</Text>
              <Text size="xs" c="dimmed">
                {t('support.wait.basis')}
              </Text>
            </>
          ) : (
            <>
              <Text fw={700}>{t('support.wait.noHistory', { text: duration(t, wait.slaMinutes) })}</Text>
              <Text size="sm">{t('support.wait.ahead', { count: wait.ahead })}</Text>
            </>
          ))}
        <Text size="sm">
          {t('support.wait.call')}
          <Anchor href={`tel:${hotline}`} fw={700}>
            {phone(hotline)}
          </Anchor>
        </Text>
      </Stack>
    </Alert>
  );
}
