import { Alert, Button, Card, Group, List, Modal, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * The subscriber's consent to the processing of personal data: its state and history, and its withdrawal
 * (152-ФЗ art. 9 §2) after reading what changes (docs/personal-data.md, "Withdrawal").
 */
export function ConsentCard() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const q = useQuery({ queryKey: ['my-consents'], queryFn: () => api.GET('/api/me/privacy/consents') });
  const withdraw = useMutation({
    mutationFn: () => api.POST('/api/me/privacy/consents/withdrawal', { body: { confirm: true } }),
    onSuccess: async () => {
      setAsking(false);
      await qc.invalidateQueries({ queryKey: ['my-consents'] });
    },
  });
  const day = (iso: string) => new Date(iso).toLocaleDateString(i18n.language);
  const d = q.data;
  if (!d) return <ErrorAlert error={q.error} />;
  const current = d.consents.at(-1);
  return (
    <Card withBorder data-testid="consent-card">
      <Title order={2} size="h4">
        {t('consent.title')}
      </Title>
      <Stack gap="xs" mt="xs">
        {d.state === 'not_recorded' && <Text size="sm">{t('consent.notRecorded')}</Text>}
        {d.state === 'in_force' && current && (
          <Text>{t('consent.inForce', { date: day(current.acceptedAt), version: current.version })}</Text>
        )}
        {d.state === 'withdrawn' && current?.withdrawnAt && (
          <Alert color="gray" variant="light" p="xs">
            {t('consent.withdrawn', { date: day(current.withdrawnAt) })}
          </Alert>
        )}
        {d.consents.length > 0 && (
          <>
            <Text size="sm" fw={500}>
              {t('consent.history')}
            </Text>
            <List size="sm" spacing={2}>
              {d.consents.flatMap((c) => [
                <List.Item key={`${c.acceptedAt}-given`}>
                  {t('consent.given', { date: day(c.acceptedAt), version: c.version })}
                </List.Item>,
                ...(c.withdrawnAt
                  ? [
                      <List.Item key={`${c.acceptedAt}-withdrawn`}>
                        {t('consent.withdrawnVia', {
                          date: day(c.withdrawnAt),
                          how: t(`consent.via_${c.withdrawalChannel ?? 'cabinet'}`),
                        })}
                      </List.Item>,
                    ]
                  : []),
              ])}
            </List>
          </>
        )}
        {d.state === 'in_force' && (
          <Group>
            <Button variant="default" color="red" onClick={() => setAsking(true)}>
              {t('consent.withdraw')}
            </Button>
          </Group>
        )}
      </Stack>
      <Modal opened={asking} onClose={() => setAsking(false)} title={t('consent.confirmTitle')} centered>
        <Stack gap="sm">
          <Text size="sm">{t('consent.effectContract')}</Text>
          <Text size="sm">{t('consent.effectStops')}</Text>
          <Text size="sm">{t('consent.effectEnd')}</Text>
          <ErrorAlert error={withdraw.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={withdraw.isPending} onClick={() => withdraw.mutate()}>
              {t('consent.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
