import './i18n';

import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localDescription, localName, phone, rub } from '../../components/format';
import type { MobileStatus } from './types';

const COLOR: Record<MobileStatus, string> = {
  new: 'blue',
  in_progress: 'yellow',
  connected: 'green',
  refused: 'red',
  cancelled: 'gray',
};

/** Mobile internet in the subscriber's region: what it is, the packages, and a request to connect. */
export function MobilePage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['mobile'], queryFn: () => api.GET('/api/me/mobile') });
  const [pkg, setPkg] = useState<string | null>('any');
  const [contact, setContact] = useState<string | null>(null);
  const [when, setWhen] = useState('');
  const [comment, setComment] = useState('');
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: () =>
      api.POST('/api/me/mobile/requests', {
        body: {
          serviceId: pkg && pkg !== 'any' ? Number(pkg) : null,
          phone: contact ?? q.data?.contactPhone ?? '',
          convenientTime: when,
          comment: comment || undefined,
        },
      }),
    onSuccess: () => {
      setSent(true);
      setWhen('');
      setComment('');
      void qc.invalidateQueries({ queryKey: ['mobile'] });
    },
  });
  const cancel = useMutation({
    mutationFn: (id: number) => api.POST('/api/me/mobile/requests/{id}/cancel', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['mobile'] }),
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const d = q.data;
  const lead = (i18n.language === 'en' ? d.lead.en : d.lead.ru) ?? t('mobile.lead');
  const open = d.requests.some((r) => r.canCancel);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('mobile.title')}
      </Title>
      <Text>{lead}</Text>
      <Card withBorder>
        <List type="ordered" spacing="xs">
          {(t('mobile.steps', { returnObjects: true }) as string[]).map((s) => (
            <List.Item key={s}>{s}</List.Item>
          ))}
        </List>
      </Card>
      <Title order={2} size="h4">
        {t('svc.packages')}
      </Title>
      {d.packages.length === 0 ? (
        <Text c="dimmed">{t('svc.noPackages')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {d.packages.map((p) => (
            <Card withBorder key={p.id}>
              <Text fw={700}>{localName(p)}</Text>
              <Text size="sm" c="dimmed">
                {localDescription(p)}
              </Text>
              <Text fw={600}>{t('svc.perMonth', { amount: rub(p.monthlyFee) })}</Text>
            </Card>
          ))}
        </SimpleGrid>
      )}
      {sent && (
        <Alert color="green" role="status">
          {t('svc.requestSent')}
        </Alert>
      )}
      {!open && (
        <Card withBorder>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              send.mutate();
            }}
          >
            <Stack>
              <Title order={2} size="h4">
                {t('svc.mobileRequest')}
              </Title>
              {d.packages.length > 0 && (
                <Select
                  label={t('svc.package')}
                  data={[
                    { value: 'any', label: t('svc.anyPackage') },
                    ...d.packages.map((p) => ({ value: String(p.id), label: localName(p) })),
                  ]}
                  value={pkg}
                  onChange={setPkg}
                  allowDeselect={false}
                />
              )}
              <TextInput
                label={t('svc.phone')}
                type="tel"
                autoComplete="tel"
                value={contact ?? (d.contactPhone ? phone(d.contactPhone) : '')}
                onChange={(e) => setContact(e.currentTarget.value)}
                required
              />
              <TextInput
                label={t('svc.convenientTime')}
                placeholder={t('svc.convenientHint')}
                value={when}
                onChange={(e) => setWhen(e.currentTarget.value)}
                required
                maxLength={100}
              />
              <Textarea
                label={t('svc.comment')}
                value={comment}
                onChange={(e) => setComment(e.currentTarget.value)}
                maxLength={500}
                autosize
                minRows={1}
              />
              <ErrorAlert error={send.error} />
              <Button type="submit" w="fit-content" loading={send.isPending} disabled={!when.trim()}>
                {t('svc.send')}
              </Button>
            </Stack>
          </form>
        </Card>
      )}
      {d.requests.length > 0 && (
        <>
          <Title order={2} size="h4">
            {t('svc.myRequests')}
          </Title>
          <ErrorAlert error={cancel.error} />
          {d.requests.map((r) => (
            <Card withBorder key={r.id}>
              <Group justify="space-between">
                <Text>{date(r.createdAt.slice(0, 10))}</Text>
                <Badge variant="light" color={COLOR[r.status]}>
                  {t(`svc.requestStatus.${r.status}`)}
                </Badge>
              </Group>
              <Text size="sm">
                {phone(r.phone)} · {r.convenientTime}
              </Text>
              {r.staffNote && <Text size="sm">{t('svc.staffNote', { note: r.staffNote })}</Text>}
              {r.canCancel && (
                <Button
                  mt="xs"
                  size="compact-sm"
                  variant="default"
                  w="fit-content"
                  onClick={() => cancel.mutate(r.id)}
                  loading={cancel.isPending}
                >
                  {t('svc.cancelRequest')}
                </Button>
              )}
            </Card>
          ))}
        </>
      )}
    </Stack>
  );
}
