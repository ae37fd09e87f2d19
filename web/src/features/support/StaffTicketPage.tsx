import '../outages/i18n';

import { SUPPORT_LIMITS } from '@common/support';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Grid,
  Group,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api } from '../../api/client';
import { pathsApiStaffSupportTicketsIdStatusPostRequestBodyContentApplicationJsonStatusValues as SETTABLE } from '../../api/schema';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, phone } from '../../components/format';
import type { Attachment, StaffTicket } from './api';
import { FilePicker } from './FilePicker';
import { dateTime, names, STATUS_COLORS } from './format';
import { Thread } from './Thread';

type Settable = (typeof SETTABLE)[number];

/** A ticket in the back office: thread with notes, take/assign, status, answer with templates, claim PDF. */
export function StaffTicketPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const me = useMe();
  const qc = useQueryClient();
  const key = ['support', 'staff-ticket', id];
  const ticket = useQuery({
    queryKey: key,
    queryFn: () => api.GET('/api/staff/support/tickets/{id}', { params: { path: { id } } }),
    refetchInterval: 60_000,
  });
  const staff = useQuery({
    queryKey: ['support', 'staff'],
    queryFn: () => api.GET('/api/staff/support/staff'),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['support'] });
  const assign = useMutation({
    mutationFn: (assigneeId: number | null) =>
      api.POST('/api/staff/support/tickets/{id}/assign', { params: { path: { id } }, body: { assigneeId } }),
    onSuccess: refresh,
  });
  const [nextStatus, setNextStatus] = useState<Settable | null>(null);
  const setStatus = useMutation({
    mutationFn: (status: Settable) =>
      api.POST('/api/staff/support/tickets/{id}/status', { params: { path: { id } }, body: { status } }),
    onSuccess: refresh,
  });
  const x = ticket.data;
  const myId = me.data?.type === 'staff' ? me.data.staff.id : undefined;
  return (
    <Stack>
      <Anchor component={Link} to="/staff/support" size="sm">
        ← {t('supportStaff.queue')}
      </Anchor>
      <ErrorAlert error={ticket.error} />
      {x && (
        <Grid>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack>
              <Group justify="space-between" align="start">
                <Stack gap={2}>
                  <Title order={1} size="h2">
                    {t('support.ticket', { id: x.id })}: {x.subject}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {names(x.category)} · {names(x.region)} · {dateTime(x.createdAt)}
                  </Text>
                </Stack>
                <Badge color={STATUS_COLORS[x.status]} variant="light" size="lg" data-testid="staff-ticket-status">
                  {t(`supportStaff.statuses.${x.status}`)}
                </Badge>
              </Group>
              {x.outage && (
                <Alert color="orange" variant="light" data-testid="ticket-outage">
                  <Anchor component={Link} to={`/staff/outages/${x.outage.id}`} fw={600}>
                    {t('supportOutage.ticket', { id: x.outage.id, title: x.outage.title })}
                  </Anchor>
                  {' — '}
                  {x.outage.endedAt
                    ? t('supportOutage.ended', { when: dateTime(x.outage.endedAt) })
                    : t('supportOutage.until', { when: dateTime(x.outage.expectedEndAt) })}
                </Alert>
              )}
              <SlaBox ticket={x} />
              <Thread messages={x.messages} filesBase="/api/staff/support/attachments" staffView />
              {x.category.isClaim && <ClaimAnswer id={id} onDone={refresh} />}
              <ReplyForm ticket={x} onDone={refresh} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              <Card withBorder>
                <Stack gap="xs">
                  <Text fw={600}>
                    {t('supportStaff.assignee')}: {x.assignee?.fullName ?? '—'}
                  </Text>
                  {myId !== undefined && x.assignee?.id !== myId && (
                    <Button onClick={() => assign.mutate(myId)} loading={assign.isPending}>
                      {t('supportStaff.take')}
                    </Button>
                  )}
                  <Select
                    label={t('supportStaff.assignTo')}
                    data={[
                      { value: '', label: t('supportStaff.nobody') },
                      ...(staff.data?.staff ?? []).map((s) => ({ value: String(s.id), label: s.fullName })),
                    ]}
                    value={x.assignee ? String(x.assignee.id) : ''}
                    onChange={(v) => assign.mutate(v ? Number(v) : null)}
                  />
                  <Group align="end" gap="xs">
                    <Select
                      label={t('supportStaff.setStatus')}
                      data={SETTABLE.map((s) => ({
                        value: s,
                        label: t(`supportStaff.statuses.${s}`),
                      }))}
                      value={nextStatus}
                      onChange={(v) => setNextStatus(v)}
                      style={{ flex: 1 }}
                    />
                    <Button
                      variant="default"
                      disabled={!nextStatus}
                      onClick={() => nextStatus && setStatus.mutate(nextStatus)}
                    >
                      {t('supportStaff.apply')}
                    </Button>
                  </Group>
                  <ErrorAlert error={assign.error ?? setStatus.error} />
                </Stack>
              </Card>
              <Card withBorder>
                <Stack gap={4}>
                  <Text fw={600}>{x.subscriber.fullName}</Text>
                  <Text size="sm">
                    {x.subscriber.account} · {x.subscriber.contract}
                  </Text>
                  <Anchor href={`tel:+${x.subscriber.phone}`} size="sm">
                    {phone(x.subscriber.phone)}
                  </Anchor>
                  {x.subscriber.email && <Text size="sm">{x.subscriber.email}</Text>}
                  <Anchor component={Link} to={`/staff/accounts/${x.subscriber.accountId}`} size="sm">
                    {t('supportStaff.card')}
                  </Anchor>
                </Stack>
              </Card>
              <Card withBorder>
                <Title order={2} size="h5" mb="xs">
                  {t('supportStaff.recent')}
                </Title>
                {x.recentTickets.length === 0 && <Text size="sm">{t('supportStaff.noRecent')}</Text>}
                {x.recentTickets.map((r) => (
                  <Group key={r.id} justify="space-between" gap="xs" wrap="nowrap">
                    <Anchor component={Link} to={`/staff/support/${r.id}`} size="sm" truncate>
                      № {r.id} · {r.subject}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {t(`supportStaff.statuses.${r.status}`)}
                    </Text>
                  </Group>
                ))}
              </Card>
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function SlaBox({ ticket: x }: { ticket: StaffTicket }) {
  const { t } = useTranslation();
  const late = x.firstResponseBreached || x.resolutionBreached;
  const claimLeft = x.claimDueOn ? Math.ceil((Date.parse(x.claimDueOn) - Date.now()) / 86_400_000) : null;
  return (
    <Alert color={late ? 'red' : 'gray'} variant="light">
      <Stack gap={2}>
        {x.claimNumber && x.claimDueOn && (
          <Text fw={700} c="grape.8" data-testid="claim-deadline">
            {x.claimNumber} · {t('supportStaff.claimDue', { date: date(x.claimDueOn) })} ·{' '}
            {x.claimAnsweredAt
              ? t('supportStaff.claimAnswered', { date: dateTime(x.claimAnsweredAt) })
              : claimLeft !== null && claimLeft >= 0
                ? t('supportStaff.claimLeft', { count: claimLeft })
                : t('supportStaff.claimOverdue')}
          </Text>
        )}
        <Text size="sm" fw={x.firstResponseBreached ? 700 : 400}>
          {x.firstResponseBreached ? `${t('supportStaff.firstLate')} · ` : ''}
          {t('supportStaff.firstDue', { time: dateTime(x.firstResponseDueAt) })}
        </Text>
        <Text size="sm" fw={x.resolutionBreached ? 700 : 400}>
          {x.resolutionBreached ? `${t('supportStaff.resolveLate')} · ` : ''}
          {t('supportStaff.resolveDue', { time: dateTime(x.resolutionDueAt) })}
        </Text>
      </Stack>
    </Alert>
  );
}

function ReplyForm({ ticket: x, onDone }: { ticket: StaffTicket; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [status, setStatus] = useState<Settable | ''>('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const send = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/support/tickets/{id}/messages', {
        params: { path: { id: x.id } },
        body: {
          text,
          internal,
          attachmentIds: files.map((f) => f.id),
          ...(status && !internal ? { status } : {}),
        },
      }),
    onSuccess: async () => {
      setText('');
      setFiles([]);
      setStatus('');
      await onDone();
    },
  });
  return (
    <Card withBorder bg={internal ? 'yellow.0' : undefined}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {internal ? t('supportStaff.noteTitle') : t('supportStaff.replyTitle')}
          </Title>
          {x.cannedReplies.length > 0 && (
            <Select
              label={t('supportStaff.canned')}
              data={x.cannedReplies.map((r) => ({ value: String(r.id), label: r.title }))}
              value={null}
              onChange={(v) => {
                const r = x.cannedReplies.find((c) => String(c.id) === v);
                if (r) setText((prev) => (prev ? `${prev}\n${r.body}` : r.body));
              }}
              clearable
            />
          )}
          <Textarea
            label={t('supportStaff.textLabel')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            maxLength={SUPPORT_LIMITS.messageChars}
            autosize
            minRows={3}
          />
          <FilePicker uploadUrl="/api/staff/support/attachments" files={files} onChange={setFiles} />
          <Checkbox
            label={t('supportStaff.internal')}
            checked={internal}
            onChange={(e) => setInternal(e.currentTarget.checked)}
          />
          {!internal && (
            <Select
              label={t('supportStaff.statusAfter')}
              data={[
                { value: '', label: t('supportStaff.keep') },
                ...(['in_progress', 'waiting', 'closed'] as const).map((s) => ({
                  value: s,
                  label: t(`supportStaff.statuses.${s}`),
                })),
              ]}
              value={status}
              onChange={(v) => setStatus(v ?? '')}
            />
          )}
          <ErrorAlert error={send.error} />
          <Group>
            <Button type="submit" loading={send.isPending} disabled={!text.trim() && files.length === 0}>
              {internal ? t('supportStaff.note') : t('supportStaff.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function ClaimAnswer({ id, onDone }: { id: number; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState('');
  const [close, setClose] = useState(false);
  const send = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/support/tickets/{id}/claim-answer', { params: { path: { id } }, body: { answer, close } }),
    onSuccess: async () => {
      setAnswer('');
      await onDone();
    },
  });
  return (
    <Card withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {t('supportStaff.claimAnswer')}
          </Title>
          <Textarea
            label={t('supportStaff.claimAnswerText')}
            value={answer}
            onChange={(e) => setAnswer(e.currentTarget.value)}
            autosize
            minRows={4}
            maxLength={SUPPORT_LIMITS.messageChars}
          />
          <Checkbox
            label={t('supportStaff.claimClose')}
            checked={close}
            onChange={(e) => setClose(e.currentTarget.checked)}
          />
          <ErrorAlert error={send.error} />
          <Group>
            <Button type="submit" loading={send.isPending} disabled={!answer.trim()}>
              {t('supportStaff.claimSend')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
