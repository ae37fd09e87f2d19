import './i18n';

import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';
import type { SuspensionList, SuspensionPreview, SuspensionStatus } from './types';

export const SUSPENSION_COLOR: Record<SuspensionStatus, string> = {
  pending: 'yellow',
  approved: 'blue',
  active: 'orange',
  finished: 'gray',
  refused: 'red',
  cancelled: 'gray',
};

/**
 * Voluntary suspension: the rules in words, the free days left, a form with a preview (free and paid
 * days, the fee, when service comes back), and the applications with their state, withdrawal and early
 * end. `accountId` is set on the staff card (`/api/staff/accounts/{id}/…`); without it, `/api/me/…`.
 */
export function SuspensionPage({ accountId, heading = true }: { accountId?: number; heading?: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const path = accountId === undefined ? undefined : { id: accountId };
  const q = useQuery({
    queryKey: ['suspensions', accountId],
    queryFn: (): Promise<SuspensionList> =>
      path === undefined
        ? api.GET('/api/me/suspensions')
        : api.GET('/api/staff/accounts/{id}/suspensions', { params: { path } }),
  });
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const preview = useMutation({
    mutationFn: (): Promise<SuspensionPreview> =>
      path === undefined
        ? api.POST('/api/me/suspensions/preview', { body: { startsOn, endsOn } })
        : api.POST('/api/staff/accounts/{id}/suspensions/preview', { params: { path }, body: { startsOn, endsOn } }),
  });
  const apply = useMutation({
    mutationFn: () => {
      const body = { startsOn, endsOn, comment: comment || undefined };
      return path === undefined
        ? api.POST('/api/me/suspensions', { body })
        : api.POST('/api/staff/accounts/{id}/suspensions', { params: { path }, body });
    },
    onSuccess: (r) => {
      setDone(r.status === 'approved' ? t('svc.appliedApproved', { date: date(startsOn) }) : t('svc.applied'));
      preview.reset();
      setStartsOn('');
      setEndsOn('');
      setComment('');
      void qc.invalidateQueries();
    },
  });
  const act = useMutation({
    mutationFn: async (x: { id: number; what: 'end' | 'cancel' }): Promise<void> => {
      if (path === undefined) {
        const mine = { params: { path: { id: x.id } } };
        await (x.what === 'end'
          ? api.POST('/api/me/suspensions/{id}/end', mine)
          : api.POST('/api/me/suspensions/{id}/cancel', mine));
        return;
      }
      const staff = { params: { path: { ...path, suspensionId: x.id } } };
      await (x.what === 'end'
        ? api.POST('/api/staff/accounts/{id}/suspensions/{suspensionId}/end', staff)
        : api.POST('/api/staff/accounts/{id}/suspensions/{suspensionId}/cancel', staff));
    },
    onSuccess: (_r, x) => {
      setDone(x.what === 'end' ? t('svc.endedEarly') : t('svc.applicationCancelled'));
      void qc.invalidateQueries();
    },
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const { rules } = q.data;
  const p = preview.data;
  const fresh = p && p.startsOn === startsOn && p.endsOn === endsOn;
  return (
    <Stack>
      {heading && (
        <Title order={1} size="h2">
          {t('svc.suspensionTitle')}
        </Title>
      )}
      <Text>
        {t('svc.suspensionLead', {
          min: rules.minDays,
          max: rules.maxDays,
          free: rules.freeDays,
          window: rules.windowDays,
          fee: rub(rules.dailyFee),
        })}
      </Text>
      <Text fw={600} data-testid="free-days-left">
        {t('svc.freeLeft', { count: q.data.freeDaysLeft })}
      </Text>
      {done && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel={t('svc.close')}
          onClose={() => setDone(null)}
        >
          {done}
        </Alert>
      )}
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (fresh) apply.mutate();
            else preview.mutate();
          }}
        >
          <Stack>
            <Group grow align="start" wrap="wrap">
              <DateField label={t('svc.startsOn')} value={startsOn} onChange={setStartsOn} required miw={160} />
              <DateField label={t('svc.endsOnLabel')} value={endsOn} onChange={setEndsOn} required miw={160} />
            </Group>
            <Textarea
              label={t('svc.comment')}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={1}
            />
            {fresh && (
              <Stack gap={4} data-testid="suspension-preview">
                <Text fw={600}>
                  {t('svc.previewSuspension', { from: date(p.startsOn), to: date(p.endsOn), days: p.days })}
                </Text>
                <Text>
                  {p.paidDays === 0
                    ? t('svc.allFree')
                    : t('svc.freePaid', {
                        free: p.freeDays,
                        paid: p.paidDays,
                        fee: rub(p.dailyFee),
                        cost: rub(p.cost),
                      })}
                </Text>
                <Text>{t('svc.resumes', { date: date(p.resumesOn) })}</Text>
                <Text size="sm" c="dimmed">
                  {p.autoApprove ? t('svc.autoApprove') : t('svc.review')}
                </Text>
              </Stack>
            )}
            <ErrorAlert error={preview.error ?? apply.error} />
            <Group>
              <Button type="submit" loading={preview.isPending || apply.isPending} disabled={!startsOn || !endsOn}>
                {fresh ? t('svc.apply') : t('svc.calculate')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <Title order={2} size="h4">
        {t('svc.myApplications')}
      </Title>
      <ErrorAlert error={act.error} />
      {q.data.suspensions.length === 0 && <Text c="dimmed">{t('svc.noApplications')}</Text>}
      {q.data.suspensions.map((s) => (
        <Card withBorder key={s.id} data-testid={`suspension-${s.id}`}>
          <Group justify="space-between" wrap="wrap">
            <Text fw={600}>{t('svc.period', { from: date(s.startsOn), to: date(s.endsOn) })}</Text>
            <Badge variant="light" color={SUSPENSION_COLOR[s.status]}>
              {t(`svc.suspensionStatus.${s.status}`)}
            </Badge>
          </Group>
          <Text size="sm">
            {s.paidDays === 0
              ? t('svc.allFree')
              : t('svc.freePaid', { free: s.freeDays, paid: s.paidDays, fee: rub(s.dailyFee), cost: rub(s.cost) })}
          </Text>
          {s.endedOn && s.endedOn < s.endsOn && <Text size="sm">{t('svc.endedOn', { date: date(s.endedOn) })}</Text>}
          {s.refuseReason && <Text size="sm">{t('svc.refusedReason', { reason: s.refuseReason })}</Text>}
          <Group mt="xs">
            {s.canEnd && (
              <Button size="compact-sm" onClick={() => act.mutate({ id: s.id, what: 'end' })} loading={act.isPending}>
                {t('svc.endEarly')}
              </Button>
            )}
            {s.canCancel && (
              <Button
                size="compact-sm"
                variant="default"
                onClick={() => act.mutate({ id: s.id, what: 'cancel' })}
                loading={act.isPending}
              >
                {t('svc.cancelApplication')}
              </Button>
            )}
          </Group>
        </Card>
      ))}
      {heading && (
        <Anchor component={Link} to="/cabinet/termination">
          {t('svc.terminateLink')}
        </Anchor>
      )}
    </Stack>
  );
}
