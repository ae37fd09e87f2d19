import './i18n';

import { Alert, Anchor, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localDescription, localName, rub } from '../../components/format';
import { Line, PreviewModal } from './PreviewModal';
import type { Addon, AddonPreview, Plan, TariffOptions, TariffPreview } from './types';

const mbit = (kbps: number) => Math.round(kbps / 1000);

/**
 * Tariff change and add-ons in the cabinet. Every change opens a preview first (what changes, from which
 * day, tomorrow's charge, the days the money lasts); a refusal shows the server's reason in words.
 * `accountId` is set on the staff card (the `/api/staff/accounts/{id}/…` routes); without it, the
 * subscriber's own account (`/api/me/…`).
 */
export function ServicesPage({ accountId, heading = true }: { accountId?: number; heading?: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack>
      {heading && (
        <Title order={1} size="h2">
          {t('svc.tariffTitle')}
        </Title>
      )}
      <TariffSection accountId={accountId} />
      <AddonsSection accountId={accountId} />
    </Stack>
  );
}

function TariffSection({ accountId }: { accountId?: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['tariffs', accountId],
    queryFn: (): Promise<TariffOptions> =>
      accountId === undefined
        ? api.GET('/api/me/tariffs')
        : api.GET('/api/staff/accounts/{id}/tariffs', { params: { path: { id: accountId } } }),
  });
  const [target, setTarget] = useState<Plan | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const preview = useMutation({
    mutationFn: (p: Plan): Promise<TariffPreview> =>
      accountId === undefined
        ? api.POST('/api/me/tariff-change/preview', { body: { tariffId: p.id } })
        : api.POST('/api/staff/accounts/{id}/tariff-change/preview', {
            params: { path: { id: accountId } },
            body: { tariffId: p.id },
          }),
  });
  const change = useMutation({
    mutationFn: (p: Plan) =>
      accountId === undefined
        ? api.POST('/api/me/tariff-change', { body: { tariffId: p.id } })
        : api.POST('/api/staff/accounts/{id}/tariff-change', {
            params: { path: { id: accountId } },
            body: { tariffId: p.id },
          }),
    onSuccess: (r, p) => {
      setTarget(null);
      setDone(t('svc.tariffChanged', { date: date(r.from), name: localName(p) }));
      void qc.invalidateQueries();
    },
  });
  const cancel = useMutation({
    mutationFn: () =>
      accountId === undefined
        ? api.DELETE('/api/me/tariff-change')
        : api.DELETE('/api/staff/accounts/{id}/tariff-change', { params: { path: { id: accountId } } }),
    onSuccess: () => {
      setDone(t('svc.pendingCancelled'));
      void qc.invalidateQueries();
    },
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const d = q.data;
  const p = preview.data;
  return (
    <Stack>
      {d.current && (
        <Card withBorder>
          <Text c="dimmed" size="sm">
            {t('svc.yourTariff')}
          </Text>
          <Group justify="space-between">
            <Text fw={700} size="lg" data-testid="current-tariff">
              {localName(d.current)}
            </Text>
            <Text fw={600}>{t('svc.perMonth', { amount: rub(d.current.monthlyFee) })}</Text>
          </Group>
          <Text size="sm">{t('svc.speed', { speed: mbit(d.current.speedDownKbps) })}</Text>
          {d.current.archived && (
            <Text size="sm" c="dimmed">
              {t('svc.archivedNote')}
            </Text>
          )}
          {d.pending && (
            <Alert color="blue" mt="sm" data-testid="pending-tariff">
              <Stack gap="xs">
                <span>{t('svc.pending', { date: date(d.pending.from), name: localName(d.pending) })}</span>
                <Button
                  variant="white"
                  size="compact-sm"
                  w="fit-content"
                  onClick={() => cancel.mutate()}
                  loading={cancel.isPending}
                >
                  {t('svc.cancelPending')}
                </Button>
              </Stack>
            </Alert>
          )}
        </Card>
      )}
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
      {d.status === 'blocked' && accountId === undefined && <Alert color="yellow">{t('svc.blockedNote')}</Alert>}
      <ErrorAlert error={preview.error ?? cancel.error} />
      <Title order={2} size="h4">
        {t('svc.plans')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {d.plans.map((plan) => {
          const pendingHere = d.pending?.id === plan.id;
          return (
            <Card withBorder key={plan.id} data-testid={`plan-${plan.id}`}>
              <Stack gap={4} h="100%">
                <Group justify="space-between" wrap="nowrap" align="start">
                  <Text fw={700}>{localName(plan)}</Text>
                  {plan.current && (
                    <Badge variant="light" color="green">
                      {t('svc.current')}
                    </Badge>
                  )}
                  {pendingHere && (
                    <Badge variant="light" color="blue" style={{ flexShrink: 0 }}>
                      {t('svc.pendingBadge', { date: date(d.pending!.from) })}
                    </Badge>
                  )}
                </Group>
                <Text size="sm">{t('svc.speed', { speed: mbit(plan.speedDownKbps) })}</Text>
                <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>
                  {localDescription(plan)}
                </Text>
                <Text fw={600}>{t('svc.perMonth', { amount: rub(plan.monthlyFee) })}</Text>
                {/* A plan a pending change already targets is not offered again (cancel the change instead). */}
                {!plan.current && !pendingHere && (
                  <Button
                    mt="xs"
                    variant="light"
                    onClick={() => {
                      setTarget(plan);
                      preview.mutate(plan);
                    }}
                    loading={preview.isPending && target?.id === plan.id}
                  >
                    {t('svc.choose', { name: localName(plan) })}
                  </Button>
                )}
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
      <PreviewModal
        opened={!!target && !!p && p.next.id === target.id}
        title={target ? t('svc.previewTariff', { name: localName(target) }) : ''}
        confirm={t('svc.confirmTariff')}
        busy={change.isPending}
        error={change.error}
        onConfirm={() => target && change.mutate(target)}
        onClose={() => {
          setTarget(null);
          preview.reset();
          change.reset();
        }}
      >
        {p && (
          <>
            <Text data-testid="tariff-from">{t('svc.fromDay', { date: date(p.from) })}</Text>
            <Line label={t('svc.monthly')}>
              {rub(p.monthlyFeeBefore)} → {rub(p.monthlyFeeAfter)}
            </Line>
            <Line label={t('svc.nextChargeOn', { date: date(p.nextCharge.on) })}>{rub(p.nextCharge.amount)}</Line>
            {p.current && (
              <Line label={t('svc.change')}>
                {t('svc.speed', { speed: mbit(p.current.speedDownKbps) })} →{' '}
                {t('svc.speed', { speed: mbit(p.next.speedDownKbps) })}
              </Line>
            )}
            {p.daysLeft !== null && <Text>{t('svc.daysLeft', { count: p.daysLeft })}</Text>}
            {p.discountPercent && <Text size="sm">{t('svc.discountKept', { percent: p.discountPercent })}</Text>}
          </>
        )}
      </PreviewModal>
    </Stack>
  );
}

function AddonsSection({ accountId }: { accountId?: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['addons', accountId],
    queryFn: () =>
      accountId === undefined
        ? api.GET('/api/me/addons')
        : api.GET('/api/staff/accounts/{id}/addons', { params: { path: { id: accountId } } }),
  });
  const [target, setTarget] = useState<{ addon: Addon; action: 'connect' | 'disconnect' } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const preview = useMutation({
    mutationFn: (x: { addon: Addon; action: 'connect' | 'disconnect' }): Promise<AddonPreview> => {
      const body = { serviceId: x.addon.serviceId, action: x.action };
      return accountId === undefined
        ? api.POST('/api/me/addons/preview', { body })
        : api.POST('/api/staff/accounts/{id}/addons/preview', { params: { path: { id: accountId } }, body });
    },
  });
  const apply = useMutation({
    mutationFn: async (x: { addon: Addon; action: 'connect' | 'disconnect' }): Promise<{ address: string | null }> => {
      const serviceId = x.addon.serviceId;
      if (x.action === 'connect') {
        return accountId === undefined
          ? api.POST('/api/me/addons', { body: { serviceId } })
          : api.POST('/api/staff/accounts/{id}/addons', { params: { path: { id: accountId } }, body: { serviceId } });
      }
      await (accountId === undefined
        ? api.DELETE('/api/me/addons/{serviceId}', { params: { path: { serviceId } } })
        : api.DELETE('/api/staff/accounts/{id}/addons/{serviceId}', {
            params: { path: { id: accountId, serviceId } },
          }));
      return { address: null };
    },
    onSuccess: (r, x) => {
      setTarget(null);
      setDone(
        x.action === 'disconnect'
          ? t('svc.disconnected')
          : r.address
            ? t('svc.connectedIp', { address: r.address })
            : t('svc.connected'),
      );
      void qc.invalidateQueries();
    },
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const p = preview.data;
  const open = (addon: Addon, action: 'connect' | 'disconnect') => {
    setTarget({ addon, action });
    preview.mutate({ addon, action });
  };
  return (
    <Stack>
      <Title order={2} size="h4">
        {t('svc.addons')}
      </Title>
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
      <ErrorAlert error={preview.error} />
      {q.data.addons.length === 0 && <Text c="dimmed">{t('svc.noAddons')}</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {q.data.addons.map((a) => (
          <Card withBorder key={a.serviceId} data-testid={`addon-${a.serviceId}`}>
            <Stack gap={4} h="100%">
              <Text size="xs" c="dimmed" tt="uppercase">
                {t(`svc.kinds.${a.kind}`)}
              </Text>
              <Text fw={700}>{localName(a)}</Text>
              <Text size="sm" c="dimmed" style={{ flexGrow: 1 }}>
                {localDescription(a)}
              </Text>
              <Text fw={600}>{t('svc.perMonth', { amount: rub(a.subscription?.monthlyFee ?? a.monthlyFee) })}</Text>
              {a.subscription && (
                <Text size="sm" data-testid={`addon-${a.serviceId}-state`}>
                  {t('svc.connectedSince', { date: date(a.subscription.startsOn) })}
                  {a.subscription.endsOn ? `, ${t('svc.endsOn', { date: date(a.subscription.endsOn) })}` : ''}
                  {a.subscription.address ? `. ${t('svc.address', { address: a.subscription.address })}` : ''}
                </Text>
              )}
              {a.unavailable && a.unavailable !== 'by_request' && !a.connected && (
                <Text size="sm" c="dimmed">
                  {a.unavailable === 'pool_empty' ? t('svc.poolEmpty') : t('svc.oneStaticIp')}
                </Text>
              )}
              {a.unavailable === 'by_request' && !a.connected ? (
                // Mobile internet needs a SIM and a call: it is asked for on its own page (staff: the queue).
                <>
                  <Text size="sm" c="dimmed">
                    {accountId === undefined ? t('svc.byRequest') : t('svc.byRequestStaff')}
                  </Text>
                  {accountId === undefined && (
                    <Anchor component={Link} to="/cabinet/mobile" size="sm" mt="xs">
                      {t('svc.requestMobile')}
                    </Anchor>
                  )}
                </>
              ) : a.connected ? (
                <Button
                  mt="xs"
                  variant="default"
                  onClick={() => open(a, 'disconnect')}
                  loading={preview.isPending && target?.addon.serviceId === a.serviceId}
                >
                  {t('svc.disconnect', { name: localName(a) })}
                </Button>
              ) : (
                <Button
                  mt="xs"
                  variant="light"
                  disabled={a.unavailable !== null}
                  onClick={() => open(a, 'connect')}
                  loading={preview.isPending && target?.addon.serviceId === a.serviceId}
                >
                  {t('svc.connect', { name: localName(a) })}
                </Button>
              )}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      <PreviewModal
        opened={!!target && !!p && p.service.id === target.addon.serviceId && p.action === target.action}
        title={
          target
            ? t(target.action === 'connect' ? 'svc.previewConnect' : 'svc.previewDisconnect', {
                name: localName(target.addon),
              })
            : ''
        }
        confirm={target?.action === 'disconnect' ? t('svc.confirmDisconnect') : t('svc.confirmConnect')}
        busy={apply.isPending}
        error={apply.error}
        onConfirm={() => target && apply.mutate(target)}
        onClose={() => {
          setTarget(null);
          preview.reset();
          apply.reset();
        }}
      >
        {p && (
          <>
            <Text>{p.action === 'connect' ? t('svc.chargedFrom', { date: date(p.day) }) : t('svc.lastDay')}</Text>
            <Line label={t('svc.monthly')}>
              {rub(p.monthlyFeeBefore)} → {rub(p.monthlyFeeAfter)}
            </Line>
            <Line label={t('svc.nextChargeOn', { date: date(p.nextCharge.on) })}>{rub(p.nextCharge.amount)}</Line>
            {p.daysLeft !== null && <Text>{t('svc.daysLeft', { count: p.daysLeft })}</Text>}
          </>
        )}
      </PreviewModal>
    </Stack>
  );
}
