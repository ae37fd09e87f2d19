import { SUPPORT_LIMITS } from '@common/support';
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date } from '../../components/format';
import { OutageBanner } from '../outages/OutageBanner';
import type { Attachment, MyTicket } from './api';
import { FilePicker } from './FilePicker';
import { names, STATUS_COLORS } from './format';
import { Thread } from './Thread';
import { WaitBox } from './WaitBox';

/** One of the subscriber's tickets: the thread, the expected wait until answered, reply, close or reopen. */
export function TicketPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const ticket = useQuery({
    queryKey: ['support', 'ticket', id],
    queryFn: () => api.GET('/api/me/support/tickets/{id}', { params: { path: { id } } }),
    refetchInterval: 60_000,
  });
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const done = async (data: MyTicket) => {
    qc.setQueryData(['support', 'ticket', id], data);
    await qc.invalidateQueries({ queryKey: ['support'] });
  };
  const reply = useMutation({
    mutationFn: () =>
      api.POST('/api/me/support/tickets/{id}/messages', {
        params: { path: { id } },
        body: { text, attachmentIds: files.map((f) => f.id) },
      }),
    onSuccess: async (data) => {
      setText('');
      setFiles([]);
      await done(data);
    },
  });
  const status = useMutation({
    mutationFn: (action: 'close' | 'reopen') =>
      api.POST('/api/me/support/tickets/{id}/status', { params: { path: { id } }, body: { action } }),
    onSuccess: done,
  });
  const x = ticket.data;
  return (
    <Stack>
      <Anchor component={Link} to="/cabinet/feedback" size="sm">
        ← {t('support.back')}
      </Anchor>
      <ErrorAlert error={ticket.error} />
      <OutageBanner />
      {x && (
        <>
          <Group justify="space-between" align="start">
            <Stack gap={2}>
              <Title order={1} size="h2">
                {t('support.ticket', { id: x.id })}
              </Title>
              <Text fw={600}>{x.subject}</Text>
              <Text size="sm" c="dimmed">
                {names(x.category)}
              </Text>
              {x.claimNumber && x.claimDueOn && (
                <Text size="sm">{t('support.claimNumber', { number: x.claimNumber, date: date(x.claimDueOn) })}</Text>
              )}
            </Stack>
            <Badge color={STATUS_COLORS[x.status]} variant="light" size="lg" data-testid="ticket-status">
              {t(`support.status.${x.status}`)}
            </Badge>
          </Group>
          {x.expectedWait && <WaitBox wait={x.expectedWait} hotline={x.hotline} />}
          <Thread messages={x.messages} filesBase="/api/me/support/attachments" />
          <ErrorAlert error={status.error} />
          {x.status === 'closed' ? (
            <Alert color="gray">
              <Stack gap="xs">
                <Text size="sm">{t('support.closedNote')}</Text>
                {x.canReopen && (
                  <Group>
                    <Button variant="default" onClick={() => status.mutate('reopen')} loading={status.isPending}>
                      {t('support.reopen')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Alert>
          ) : (
            <Card withBorder>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  reply.mutate();
                }}
              >
                <Stack>
                  <Textarea
                    label={t('support.reply')}
                    value={text}
                    onChange={(e) => setText(e.currentTarget.value)}
                    maxLength={SUPPORT_LIMITS.messageChars}
                    autosize
                    minRows={3}
                  />
                  <FilePicker uploadUrl="/api/me/support/attachments" files={files} onChange={setFiles} />
                  <ErrorAlert error={reply.error} />
                  <Group justify="space-between">
                    <Button type="submit" loading={reply.isPending} disabled={!text.trim() && files.length === 0}>
                      {t('support.sendReply')}
                    </Button>
                    <Button
                      variant="default"
                      color="red"
                      onClick={() => status.mutate('close')}
                      loading={status.isPending}
                    >
                      {t('support.close')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            </Card>
          )}
        </>
      )}
    </Stack>
  );
}
