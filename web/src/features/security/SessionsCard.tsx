import './i18n';

import { Button, Card, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { HiddenCaption } from '../../components/HiddenCaption';
import { describeDevice } from './device';

/** The signed-in person's own sessions (devices), with "end" on every one but this (subscribers and staff alike). */
export function SessionsCard({ children }: { children?: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => api.GET('/api/auth/sessions').then((r) => r.sessions),
  });
  const end = useMutation({
    mutationFn: (id: number) => api.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sessions'] }),
  });
  const locale = i18n.language === 'en' ? 'en-GB' : 'ru-RU';
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('security.sessionsTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('security.sessionsLead')}
        </Text>
        <ErrorAlert error={sessions.error ?? end.error} />
        <Table.ScrollContainer minWidth={340} type="native">
          <Table data-testid="sessions">
            <HiddenCaption>{t('security.sessionsTitle')}</HiddenCaption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('security.device')}</Table.Th>
                <Table.Th scope="col">{t('security.address')}</Table.Th>
                <Table.Th scope="col">{t('security.lastSeen')}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t('security.end')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(sessions.data ?? []).map((s) => {
                const device = describeDevice(s.userAgent) ?? t('security.unknownDevice');
                return (
                  <Table.Tr key={s.id}>
                    <Table.Td>{device}</Table.Td>
                    <Table.Td>{s.ip}</Table.Td>
                    <Table.Td>
                      {new Date(s.lastSeenAt).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' })}
                    </Table.Td>
                    <Table.Td>
                      {s.current ? (
                        <Text size="sm" c="dimmed">
                          {t('security.current')}
                        </Text>
                      ) : (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          aria-label={t('security.endFor', { device })}
                          onClick={() => end.mutate(s.id)}
                        >
                          {t('security.end')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {children}
      </Stack>
    </Card>
  );
}
