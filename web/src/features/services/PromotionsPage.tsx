import './i18n';

import { Alert, Badge, Button, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, localDescription, localName, rub } from '../../components/format';
import type { Offer } from './types';

const title = (o: Offer, lang: string) => (lang === 'en' ? o.titleEn : o.titleRu);

/** What an offer gives, in words. */
export function effectText(
  t: (k: string, o?: Record<string, unknown>) => string,
  o: Pick<Offer, 'effect' | 'percent' | 'months' | 'amount' | 'service'>,
) {
  if (o.effect === 'discount') return t('svc.effect.discount', { percent: o.percent, months: o.months });
  if (o.effect === 'bonus') return t('svc.effect.bonus', { amount: rub(o.amount ?? 0) });
  return t('svc.effect.free_addon', { service: o.service ? localName(o.service) : '', months: o.months });
}

/**
 * Who may join an offer: each condition it sets, and — for an offer not joined yet — whether the
 * subscriber meets it now (the server's own eligibility check, so the page and joining agree).
 */
function Conditions({ offer }: { offer: Offer }) {
  const { t } = useTranslation();
  const text = (c: Offer['conditions'][number]) =>
    c.kind === 'new_within_days'
      ? t('svc.condNew', { days: c.days })
      : c.kind === 'tariffs'
        ? t('svc.condTariffs', { plans: (c.tariffs ?? []).map((x) => `«${localName(x)}»`).join(t('svc.condOr')) })
        : t('svc.condNoDebt');
  return (
    <div data-testid="offer-conditions">
      <Text size="sm" fw={600}>
        {t('svc.whoMayJoin')}
        {offer.conditions.length === 0 ? `: ${t('svc.condEveryone')}` : ':'}
      </Text>
      {offer.conditions.length > 0 && (
        <List size="sm" spacing={2}>
          {offer.conditions.map((c) => (
            <List.Item key={c.kind}>
              {text(c)}
              {!offer.joined && (
                <Text span size="sm" c={c.met ? 'green.9' : 'red.9'} fw={600}>
                  {` — ${c.met ? '✓' : '✗'} ${c.met ? t('svc.condMet') : t('svc.condUnmet')}`}
                  {c.kind === 'new_within_days' && c.contractAgeDays !== null
                    ? `: ${t('svc.contractAge', { days: c.contractAgeDays })}`
                    : ''}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </div>
  );
}

/** The region's current offers: join where allowed, or read why not; the ones joined with their dates. */
export function PromotionsPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['promotions'], queryFn: () => api.GET('/api/me/promotions') });
  const [done, setDone] = useState(false);
  const join = useMutation({
    mutationFn: (id: number) => api.POST('/api/me/promotions/{id}/join', { params: { path: { id } } }),
    onSuccess: () => {
      setDone(true);
      void qc.invalidateQueries();
    },
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('svc.promotionsTitle')}
      </Title>
      {done && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel={t('svc.close')}
          onClose={() => setDone(false)}
        >
          {t('svc.joinedToast')}
        </Alert>
      )}
      <ErrorAlert error={join.error} />
      {q.data.offers.length === 0 && <Text c="dimmed">{t('svc.noPromotions')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {q.data.offers.map((o) => (
          <Card withBorder key={o.id} data-testid={`offer-${o.id}`}>
            <Stack gap={6} h="100%">
              <Group justify="space-between" wrap="nowrap" align="start">
                <Title order={2} size="h4">
                  {title(o, i18n.language)}
                </Title>
                {o.joined && (
                  <Badge variant="light" color="green">
                    {t('svc.reasons.already_joined')}
                  </Badge>
                )}
              </Group>
              <Text fw={600}>{effectText(t, o)}</Text>
              <Text size="sm" style={{ flexGrow: 1 }}>
                {localDescription(o)}
              </Text>
              <Text size="sm" c="dimmed">
                {o.endsOn
                  ? t('svc.runsUntil', { from: date(o.startsOn), to: date(o.endsOn) })
                  : t('svc.runs', { from: date(o.startsOn) })}
              </Text>
              <Conditions offer={o} />
              {o.joined && (
                <Text size="sm">
                  {t('svc.joinedOn', { date: date(o.joined.on) })}
                  {o.joined.from && o.joined.to
                    ? `, ${t('svc.effectPeriod', { from: date(o.joined.from), to: date(o.joined.to) })}`
                    : ''}
                </Text>
              )}
              {!o.joined && o.canJoin && (
                <Button
                  w="fit-content"
                  onClick={() => join.mutate(o.id)}
                  loading={join.isPending}
                  aria-label={t('svc.joinIn', { title: title(o, i18n.language) })}
                >
                  {t('svc.join')}
                </Button>
              )}
              {!o.joined && !o.canJoin && o.reason && (
                <Text size="sm" c="dimmed" data-testid={`offer-${o.id}-reason`}>
                  {t(`svc.reasons.${o.reason}`)}
                </Text>
              )}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
