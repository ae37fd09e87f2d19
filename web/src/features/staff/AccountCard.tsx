import '../services/i18n';

import { addDays } from '@common/dates';
import { Badge, Button, Card, Group, Loader, Modal, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';

import { api, type ApiData } from '../../api/client';
import { useMe } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { date, rub } from '../../components/format';
import { accountStatusLabel } from '../../components/labels';
import { AccountTags } from '../bulk/AccountTags';
import { EntriesTable } from '../cabinet/EntriesTable';
import { HistoryTable } from '../cabinet/HistoryTable';
import { StaffMessengerLinks } from '../messengers/StaffMessengerLinks';
import { AccountNetwork } from '../network/AccountNetwork';
import { ServicesPage } from '../services/ServicesPage';
import { OfficePaymentForm } from '../services/staff/OfficePaymentForm';
import { TerminationPanel } from '../services/staff/TerminationPanel';
import { SuspensionPage } from '../services/SuspensionPage';
import { SubscriberTickets } from '../support/SubscriberTickets';

const STATUS_COLOR: Record<string, string> = {
  active: 'green',
  blocked: 'red',
  suspended: 'yellow',
  terminated: 'gray',
};
const TABS = ['overview', 'services', 'suspension', 'termination', 'payment'] as const;

/**
 * The subscriber card: the account at a glance, its statement, and the actions by role — plan and
 * add-ons, suspension, termination (operators), office payment (finance). The server checks the roles.
 */
export function AccountCard() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const me = useMe();
  const role = me.data?.type === 'staff' ? me.data.staff.role : undefined;
  const q = useQuery({
    queryKey: ['staff-account', id],
    queryFn: () => api.GET('/api/staff/accounts/{id}', { params: { path: { id: Number(id) } } }),
  });
  if (q.isLoading) return <Loader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const a = q.data;
  const operator = role === 'admin' || role === 'operator';
  const finance = role === 'admin' || role === 'finance';
  const live = a.status !== 'terminated';
  const allowed = TABS.filter(
    (tab) =>
      tab === 'overview' ||
      (tab === 'services' && operator && live) ||
      (tab === 'suspension' && operator && live) ||
      (tab === 'termination' && (operator || finance)) ||
      (tab === 'payment' && finance && live),
  );
  const wanted = params.get('tab');
  const tab = allowed.find((x) => x === wanted) ?? 'overview';

  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staff.card')}: {a.subscriber}
      </Title>
      <Card withBorder>
        <Group gap="lg">
          <Text>
            {t('profile.account')}: <b>{a.number}</b>
          </Text>
          <Text>
            {t('profile.contract')}: <b>{a.contract}</b>
          </Text>
          <Text>{a.region}</Text>
          <Badge variant="light" color={STATUS_COLOR[a.status] ?? 'gray'} data-testid="account-status">
            {accountStatusLabel(a.status)}
          </Badge>
          <Text>
            {t('staff.balance')}: <b data-testid="account-balance">{rub(a.balance)}</b>
          </Text>
        </Group>
        <AccountTags accountId={a.id} editable={role === 'admin' || role === 'operator' || role === 'support'} />
        <Consent accountId={a.id} canWithdraw={operator} />
      </Card>
      <Tabs
        value={tab}
        onChange={(v) => setParams(v && v !== 'overview' ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {allowed.map((x) => (
            <Tabs.Tab key={x} value={x}>
              {t(`staffsvc.tabs.${x}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Overview account={a} />
        </Tabs.Panel>
        <Tabs.Panel value="services" pt="md">
          <ServicesPage accountId={a.id} heading={false} />
        </Tabs.Panel>
        <Tabs.Panel value="suspension" pt="md">
          <SuspensionPage accountId={a.id} heading={false} />
        </Tabs.Panel>
        <Tabs.Panel value="termination" pt="md">
          <TerminationPanel accountId={a.id} />
        </Tabs.Panel>
        <Tabs.Panel value="payment" pt="md">
          <OfficePaymentForm accountId={a.id} />
        </Tabs.Panel>
      </Tabs>
      {(role === 'support' || role === 'admin') && <SubscriberTickets accountId={a.id} />}
      {(role === 'support' || operator) && <StaffMessengerLinks accountId={a.id} />}
      {role !== undefined && role !== 'finance' && <AccountNetwork accountId={a.id} />}
    </Stack>
  );
}

function Overview({ account }: { account: ApiData<'get', '/api/staff/accounts/{id}'> }) {
  const { t } = useTranslation();
  const from = addDays(account.today, -92);
  const st = useQuery({
    queryKey: ['staff-statement', account.id, from],
    queryFn: () =>
      api.GET('/api/staff/accounts/{id}/statement', { params: { path: { id: account.id }, query: { from } } }),
  });
  return (
    <Stack>
      <Title order={2} size="h4">
        {t('staffsvc.subscriptions')}
      </Title>
      <Stack gap={4} data-testid="subscriptions">
        {account.subscriptions.map((s, i) => (
          <Group key={i} justify="space-between" wrap="nowrap" align="start">
            <div>
              <Text>{s.name}</Text>
              <Text size="sm" c="dimmed">
                {`${t(`svc.kinds.${s.serviceKind ?? 'tariff'}`)} · `}
                {t('staffsvc.since', { date: date(s.startsOn) })}
                {s.endsOn ? ` ${t('staffsvc.until', { date: date(s.endsOn) })}` : ''}
                {s.address ? ` · ${t('svc.address', { address: s.address })}` : ''}
              </Text>
            </div>
            <Text style={{ whiteSpace: 'nowrap' }}>{rub(s.monthlyFee)}</Text>
          </Group>
        ))}
      </Stack>
      <Title order={2} size="h4">
        {t('staffsvc.statement')}
      </Title>
      <ErrorAlert error={st.error} />
      {st.data && <EntriesTable entries={st.data.entries} caption={t('staffsvc.statement')} />}
      {st.data && <HistoryTable history={st.data.history} />}
    </Stack>
  );
}

/**
 * The consent to the processing of personal data: given at signing, withdrawn (when, how, who entered it),
 * or that the data is anonymised (docs/personal-data.md).
 */
function Consent({ accountId, canWithdraw }: { accountId: number; canWithdraw: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const withdraw = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/accounts/{accountId}/consents/withdrawal', {
        params: { path: { accountId } },
        body: { confirm: true },
      }),
    onSuccess: async () => {
      setAsking(false);
      await qc.invalidateQueries({ queryKey: ['account-consents', accountId] });
    },
  });
  const q = useQuery({
    queryKey: ['account-consents', accountId],
    queryFn: () => api.GET('/api/staff/accounts/{accountId}/consents', { params: { path: { accountId } } }),
  });
  if (!q.data) return null;
  if (q.data.anonymizedAt)
    return (
      <Text size="sm" c="dimmed" mt="xs" data-testid="account-consent">
        {t('staff.pdAnonymized', { date: new Date(q.data.anonymizedAt).toLocaleDateString() })}
      </Text>
    );
  if (!q.data.consents.length)
    return (
      <Text size="sm" c="dimmed" mt="xs" data-testid="account-consent">
        {t('staff.pdNoConsent')}
      </Text>
    );
  return (
    <Stack gap={0} mt="xs" data-testid="account-consent">
      {q.data.consents.map((c) => (
        <Text size="sm" c="dimmed" key={c.id}>
          {t('staff.pdConsent', { version: c.version, date: new Date(c.acceptedAt).toLocaleString() })}
          {c.withdrawnAt &&
            ` — ${t('staff.pdWithdrawn', {
              date: new Date(c.withdrawnAt).toLocaleString(),
              how: t(`consent.via_${c.withdrawalChannel ?? 'cabinet'}`),
            })}`}
        </Text>
      ))}
      {canWithdraw && q.data.consents.some((c) => !c.withdrawnAt) && (
        <Group mt={4}>
          <Button size="compact-xs" variant="default" onClick={() => setAsking(true)}>
            {t('staff.pdWithdraw')}
          </Button>
        </Group>
      )}
      <Modal opened={asking} onClose={() => setAsking(false)} title={t('staff.pdWithdraw')} centered>
        <Stack gap="sm">
          <Text size="sm">{t('staff.pdWithdrawLead')}</Text>
          <ErrorAlert error={withdraw.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={withdraw.isPending} onClick={() => withdraw.mutate()}>
              {t('staff.pdWithdrawConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
