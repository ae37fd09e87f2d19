import { Button, Card, Group, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import type { AutopayMode } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';
import { declineWords } from './declines';

/** Saved cards and autopay settings (the 376-ФЗ notice's cancel link lands here: #autopay). */
export function AutopayCard() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const cards = useQuery({
    queryKey: ['payments', 'cards'],
    queryFn: () => api.GET('/api/me/cards'),
  });
  const auto = useQuery({
    queryKey: ['payments', 'autopay'],
    queryFn: () => api.GET('/api/me/autopay'),
  });
  const [methodId, setMethodId] = useState<string | null>(null);
  const [mode, setMode] = useState<AutopayMode>('threshold');
  const [threshold, setThreshold] = useState('100');
  const [day, setDay] = useState('1');
  const [amount, setAmount] = useState('750');
  const [limit, setLimit] = useState('3000');
  const refresh = () => qc.invalidateQueries({ queryKey: ['payments'] });
  const save = useMutation({
    mutationFn: () =>
      api.PUT('/api/me/autopay', {
        body: {
          methodId: Number(methodId ?? cards.data?.cards[0]?.id),
          mode,
          amount,
          monthlyLimit: limit,
          ...(mode === 'threshold' ? { threshold } : { dayOfMonth: Number(day) }),
        },
      }),
    onSuccess: refresh,
  });
  const off = useMutation({ mutationFn: () => api.DELETE('/api/me/autopay'), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (id: number) => api.DELETE('/api/me/cards/{id}', { params: { path: { id } } }),
    onSuccess: refresh,
  });
  const list = cards.data?.cards ?? [];
  const a = auto.data?.autopay;
  return (
    <Card withBorder id="autopay">
      <Stack>
        <Title order={2} size="h4">
          {t('pay.cards')}
        </Title>
        {list.length === 0 ? (
          <Text c="dimmed">{t('pay.noCards')}</Text>
        ) : (
          list.map((c) => (
            <Group key={c.id} justify="space-between">
              <Text>{c.title}</Text>
              <Button variant="subtle" color="red" size="xs" onClick={() => remove.mutate(c.id)}>
                {t('pay.removeCard')}
              </Button>
            </Group>
          ))
        )}
        <Title order={2} size="h4">
          {t('pay.autopay')}
        </Title>
        <Text data-testid="autopay-state">
          {a?.enabled
            ? t('pay.autopayOn', {
                what:
                  a.mode === 'threshold'
                    ? `${t('pay.threshold')} ${rub(a.threshold ?? 0)}`
                    : `${t('pay.monthly')}, ${a.dayOfMonth}`,
                amount: rub(a.amount),
                limit: rub(a.monthlyLimit),
              })
            : a?.disabledReason
              ? t('pay.autopayDisabled', {
                  reason:
                    a.declineReason && a.disabledReason !== 'canceled_by_subscriber'
                      ? declineWords(a.declineReason, i18n.language)
                      : t(`pay.disabled.${a.disabledReason}`, { defaultValue: a.disabledReason }),
                })
              : t('pay.autopayOff')}
        </Text>
        {a && !a.enabled && a.disabledReason === 'card_unusable' && (
          <Text size="sm" data-testid="autopay-relink">
            {t('pay.autopayRelink')}
          </Text>
        )}
        {a && !a.enabled && a.disabledReason === 'declined_by_bank' && (
          <Text size="sm">{t('pay.autopayCallBank')}</Text>
        )}
        {a?.enabled && a.nextChargeAt && (
          <Text size="sm">
            {t('pay.autopayNext', {
              date: new Date(a.nextChargeAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'ru-RU'),
            })}
          </Text>
        )}
        {list.length > 0 && (
          <>
            <Select
              label={t('pay.card')}
              data={list.map((c) => ({ value: String(c.id), label: c.title }))}
              value={methodId ?? String(list[0]!.id)}
              onChange={setMethodId}
              allowDeselect={false}
            />
            <Radio.Group label={t('pay.mode')} value={mode} onChange={(v) => setMode(v)}>
              <Group mt={4}>
                <Radio value="threshold" label={t('pay.threshold')} />
                <Radio value="monthly" label={t('pay.monthly')} />
              </Group>
            </Radio.Group>
            {mode === 'threshold' ? (
              <TextInput
                label={t('pay.thresholdLabel')}
                value={threshold}
                onChange={(e) => setThreshold(e.currentTarget.value)}
              />
            ) : (
              <TextInput
                label={t('pay.dayLabel')}
                value={day}
                onChange={(e) => setDay(e.currentTarget.value)}
                inputMode="numeric"
              />
            )}
            <TextInput
              label={t('pay.amountLabel')}
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              inputMode="decimal"
            />
            <TextInput
              label={t('pay.limitLabel')}
              value={limit}
              onChange={(e) => setLimit(e.currentTarget.value)}
              inputMode="decimal"
            />
            <ErrorAlert error={save.error ?? off.error ?? remove.error} />
            <Group>
              <Button onClick={() => save.mutate()} loading={save.isPending}>
                {t('pay.save')}
              </Button>
              {a?.enabled && (
                <Button variant="outline" color="red" onClick={() => off.mutate()}>
                  {t('pay.turnOff')}
                </Button>
              )}
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}
