import './i18n';

import { SUPPORT_LIMITS } from '@common/support';
import { Anchor, Badge, Button, Card, Group, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { phone } from '../../components/format';
import { OutageBanner } from '../outages/OutageBanner';
import type { Attachment, Category } from './api';
import { FilePicker } from './FilePicker';
import { dateTime, names, STATUS_COLORS } from './format';
import { TicketPage } from './TicketPage';
import { WaitBox } from './WaitBox';

/** The cabinet's "Обратная связь": the subscriber's tickets, a new one, and one ticket's thread. */
export default function FeedbackRoutes() {
  return (
    <Routes>
      <Route index element={<FeedbackHome />} />
      <Route path=":id" element={<TicketPage />} />
    </Routes>
  );
}

function FeedbackHome() {
  const { t } = useTranslation();
  const cats = useQuery({
    queryKey: ['support', 'categories'],
    queryFn: () => api.GET('/api/me/support/categories'),
  });
  const tickets = useQuery({
    queryKey: ['support', 'tickets'],
    queryFn: () => api.GET('/api/me/support/tickets', { params: { query: { limit: 50 } } }),
    refetchInterval: 60_000,
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('support.title')}
      </Title>
      <OutageBanner />
      <Text>{t('support.lead')}</Text>
      {cats.data && (
        <Text>
          {t('support.hotline')}
          <Anchor href={`tel:${cats.data.hotline}`} fw={700}>
            {phone(cats.data.hotline)}
          </Anchor>
          {' · '}
          {t('support.email', { email: cats.data.supportEmail })}
        </Text>
      )}
      <ErrorAlert error={cats.error} />
      {cats.data && <NewTicketForm categories={cats.data.categories} hotline={cats.data.hotline} />}
      <Title order={2} size="h3">
        {t('support.myTickets')}
      </Title>
      <ErrorAlert error={tickets.error} />
      {tickets.data?.tickets.length === 0 && <Text c="dimmed">{t('support.noTickets')}</Text>}
      {tickets.data?.tickets.map((x) => (
        <Card key={x.id} withBorder padding="sm">
          <Group justify="space-between" wrap="nowrap" align="start">
            <Stack gap={2}>
              <Anchor
                component={Link}
                to={`/cabinet/feedback/${x.id}`}
                fw={600}
                aria-label={t('support.open', { id: x.id })}
              >
                {t('support.ticket', { id: x.id })}: {x.subject}
              </Anchor>
              <Text size="xs" c="dimmed">
                {names(x.category)} · {dateTime(x.lastMessageAt)}
              </Text>
            </Stack>
            <Stack gap={4} align="end">
              <Badge color={STATUS_COLORS[x.status]} variant="light">
                {t(`support.status.${x.status}`)}
              </Badge>
              {x.unread > 0 && <Badge color="red">{t('support.unread', { count: x.unread })}</Badge>}
            </Stack>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}

function NewTicketForm({ categories, hotline }: { categories: Category[]; hotline: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const wait = useQuery({
    queryKey: ['support', 'wait', categoryId],
    queryFn: () => api.GET('/api/me/support/expected-wait', { params: { query: { categoryId: Number(categoryId) } } }),
    enabled: categoryId !== null,
    refetchInterval: 60_000,
  });
  const send = useMutation({
    mutationFn: () =>
      api.POST('/api/me/support/tickets', {
        body: { categoryId: Number(categoryId), subject, text, attachmentIds: files.map((f) => f.id) },
      }),
    onSuccess: async (ticket) => {
      await qc.invalidateQueries({ queryKey: ['support'] });
      void navigate(`/cabinet/feedback/${ticket.id}`);
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
          <Title order={2} size="h3">
            {t('support.newTicket')}
          </Title>
          <Select
            label={t('support.category')}
            data={categories.map((c) => ({ value: String(c.id), label: names(c) }))}
            value={categoryId}
            onChange={setCategoryId}
            required
            allowDeselect={false}
          />
          {categoryId !== null && <WaitBox wait={wait.data} hotline={wait.data?.hotline ?? hotline} />}
          <TextInput
            label={t('support.subject')}
            value={subject}
            maxLength={SUPPORT_LIMITS.subjectChars}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <Textarea
            label={t('support.text')}
            description={t('support.textHint')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            maxLength={SUPPORT_LIMITS.messageChars}
            autosize
            minRows={4}
            required
          />
          <FilePicker uploadUrl="/api/me/support/attachments" files={files} onChange={setFiles} />
          <ErrorAlert error={send.error} />
          <Group>
            <Button type="submit" loading={send.isPending} disabled={categoryId === null || !text.trim()}>
              {t('support.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
