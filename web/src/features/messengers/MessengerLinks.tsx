import './i18n';

import { Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

type Links = ApiData<'get', '/api/me/messengers'>;

/** A linked chat: who, since when, whether the bot is blocked; an unlink button. */
function LinkRow({ link, onUnlink, busy }: { link: Links['links'][number]; onUnlink: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const title = link.title ?? t('messengers.unnamed');
  return (
    <Group justify="space-between" data-testid="messenger-link">
      <Stack gap={0}>
        <Group gap="xs">
          <Text fw={600}>{title}</Text>
          {link.blocked ? (
            <Badge color="orange" variant="light">
              {t('messengers.blocked')}
            </Badge>
          ) : (
            <Badge color="green" variant="light">
              {t('messengers.linked')}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('messengers.telegram')} · {t('messengers.since', { date: new Date(link.linkedAt).toLocaleDateString() })}
        </Text>
      </Stack>
      <Button
        variant="default"
        size="compact-sm"
        onClick={onUnlink}
        loading={busy}
        aria-label={t('messengers.unlinkFor', { title })}
      >
        {t('messengers.unlink')}
      </Button>
    </Group>
  );
}

/**
 * The cabinet's "Подключить Telegram": a one-time deep link (10 minutes, used once) to open in Telegram;
 * the page follows the linking as it happens; each linked chat can be unlinked here.
 */
export function MessengerLinks() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const issue = useMutation({
    mutationFn: () => api.POST('/api/me/messengers/{messenger}/link', { params: { path: { messenger: 'telegram' } } }),
  });
  const waiting = issue.data !== undefined && new Date(issue.data.expiresAt).getTime() > Date.now();
  const links = useQuery({
    queryKey: ['messengers'],
    queryFn: () => api.GET('/api/me/messengers'),
    // While a link is open, the page notices the chat as soon as /start comes in.
    refetchInterval: waiting ? 2000 : false,
  });
  const unlink = useMutation({
    mutationFn: (id: number) => api.DELETE('/api/me/messengers/links/{id}', { params: { path: { id } } }),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['messengers'] }),
        qc.invalidateQueries({ queryKey: ['notice-settings'] }),
      ]),
  });
  // A chat linked while the page was open: the link is spent, and the settings below now offer Telegram.
  const count = links.data?.links.length;
  const seen = useRef(count);
  useEffect(() => {
    if (count === undefined || count === seen.current) return;
    if (seen.current !== undefined && count > seen.current) issue.reset();
    seen.current = count;
    void qc.invalidateQueries({ queryKey: ['notice-settings'] });
  }, [count, issue, qc]);
  const data = links.data;
  // No bot at this provider: nothing to offer.
  if (!data || !data.telegram.available) return null;
  return (
    <Card withBorder>
      <Stack>
        <Title order={2} size="h4">
          {t('messengers.title')}
        </Title>
        <Text size="sm">{t('messengers.lead')}</Text>
        {data.links.map((l) => (
          <LinkRow
            key={l.id}
            link={l}
            busy={unlink.isPending && unlink.variables === l.id}
            onUnlink={() => unlink.mutate(l.id)}
          />
        ))}
        {issue.data && waiting ? (
          <Stack gap="xs">
            <Button
              component="a"
              href={issue.data.url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="telegram-link"
            >
              {t('messengers.open')}
            </Button>
            <Text size="sm" c="dimmed">
              {t('messengers.openHint', {
                time: new Date(issue.data.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
              })}
            </Text>
            <Anchor
              href={issue.data.url}
              size="xs"
              style={{ wordBreak: 'break-all' }}
              target="_blank"
              rel="noopener noreferrer"
            >
              {issue.data.url}
            </Anchor>
          </Stack>
        ) : (
          <Button
            variant={data.links.length ? 'default' : 'filled'}
            onClick={() => issue.mutate()}
            loading={issue.isPending}
            w="fit-content"
          >
            {data.links.length ? t('messengers.connectMore') : t('messengers.connect')}
          </Button>
        )}
        <ErrorAlert error={issue.error ?? unlink.error} />
      </Stack>
    </Card>
  );
}
