import './i18n';

import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The subscriber card's linked messenger chats; staff can unlink one (audited on the server). */
export function StaffMessengerLinks({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['staff-messengers', accountId];
  const links = useQuery({
    queryKey: key,
    queryFn: () => api.GET('/api/staff/accounts/{id}/messenger-links', { params: { path: { id: accountId } } }),
  });
  const unlink = useMutation({
    mutationFn: (linkId: number) =>
      api.DELETE('/api/staff/accounts/{id}/messenger-links/{linkId}', { params: { path: { id: accountId, linkId } } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  if (!links.data || !links.data.telegram.available) return null;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('messengers.cardTitle')}
        </Title>
        {links.data.links.length === 0 && <Text c="dimmed">{t('messengers.none')}</Text>}
        {links.data.links.map((l) => {
          const title = l.title ?? t('messengers.unnamed');
          return (
            <Group key={l.id} justify="space-between" data-testid="staff-messenger-link">
              <Group gap="xs">
                <Text>
                  {t('messengers.telegram')}: {title}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('messengers.since', { date: new Date(l.linkedAt).toLocaleDateString() })}
                </Text>
                {l.blocked && (
                  <Badge color="orange" variant="light">
                    {t('messengers.blocked')}
                  </Badge>
                )}
              </Group>
              <Button
                variant="default"
                size="compact-sm"
                onClick={() => unlink.mutate(l.id)}
                loading={unlink.isPending && unlink.variables === l.id}
                aria-label={t('messengers.unlinkFor', { title })}
              >
                {t('messengers.unlink')}
              </Button>
            </Group>
          );
        })}
        <ErrorAlert error={unlink.error} />
      </Stack>
    </Card>
  );
}
