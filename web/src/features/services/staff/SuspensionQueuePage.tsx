import '../i18n';

import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiData } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { date, rub } from '../../../components/format';

type Row = ApiData<'get', '/api/staff/suspensions'>['suspensions'][number];
type QueueState = Row['status'] & ('pending' | 'approved' | 'active');

const STATES: QueueState[] = ['pending', 'approved', 'active'];

/** The review queue of voluntary suspension applications: approve, or refuse with a reason. */
export function SuspensionQueuePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const narrow = useMediaQuery('(max-width: 48em)');
  const [status, setStatus] = useState<QueueState>('pending');
  const [refusing, setRefusing] = useState<Row | null>(null);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['staff-suspensions', status],
    queryFn: () => api.GET('/api/staff/suspensions', { params: { query: { status } } }).then((r) => r.suspensions),
  });
  const approve = useMutation({
    mutationFn: (r: Row) => api.POST('/api/staff/suspensions/{id}/approve', { params: { path: { id: r.id } } }),
    onSuccess: (r) => {
      setDone(t('staffsvc.approved', { from: date(r.startsOn), to: date(r.endsOn) }));
      void qc.invalidateQueries();
    },
  });
  const refuse = useMutation({
    mutationFn: (r: Row) =>
      api.POST('/api/staff/suspensions/{id}/refuse', { params: { path: { id: r.id } }, body: { reason } }),
    onSuccess: () => {
      setDone(t('staffsvc.refused'));
      setRefusing(null);
      setReason('');
      void qc.invalidateQueries();
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('staffsvc.suspensions')}
      </Title>
      <SegmentedControl
        value={status}
        onChange={(v) => setStatus(v)}
        data={STATES.map((s) => ({ value: s, label: t(`svc.suspensionStatus.${s}`) }))}
        aria-label={t('staffsvc.status')}
        w="fit-content"
      />
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
      <ErrorAlert error={q.error ?? approve.error} />
      {q.isLoading && <Loader />}
      {q.data?.length === 0 && <Text c="dimmed">{t('staffsvc.empty')}</Text>}
      {!!q.data?.length && (
        <Table striped data-testid="suspension-queue" fz={narrow ? 'sm' : undefined}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('staffsvc.subscriber')}</Table.Th>
              <Table.Th scope="col">{t('staffsvc.period')}</Table.Th>
              {!narrow && <Table.Th scope="col">{t('staffsvc.freePaid')}</Table.Th>}
              {!narrow && <Table.Th scope="col">{t('staffsvc.comment')}</Table.Th>}
              {status === 'pending' && <Table.Th scope="col" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/staff/accounts/${r.accountId}`}>
                    {r.subscriber}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {r.account} · {r.region}
                    {r.byStaff ? ` · ${t('staffsvc.byStaff')}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {date(r.startsOn)} — {date(r.endsOn)}
                  <Text size="xs" c="dimmed">
                    {t('staffsvc.days')}: {r.days}
                    {narrow ? ` · ${r.freeDays} / ${r.paidDays}` : ''}
                  </Text>
                </Table.Td>
                {!narrow && (
                  <Table.Td>
                    {r.freeDays} / {r.paidDays}
                    {r.cost > 0 && <Text size="xs">{rub(r.cost)}</Text>}
                  </Table.Td>
                )}
                {!narrow && <Table.Td>{r.comment}</Table.Td>}
                {status === 'pending' && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        onClick={() => approve.mutate(r)}
                        loading={approve.isPending && approve.variables?.id === r.id}
                        aria-label={t('staffsvc.approveFor', { account: r.account })}
                      >
                        {t('staffsvc.approve')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        onClick={() => setRefusing(r)}
                        aria-label={t('staffsvc.refuseFor', { account: r.account })}
                      >
                        {t('staffsvc.refuse')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={!!refusing}
        onClose={() => setRefusing(null)}
        title={refusing ? t('staffsvc.refuseTitle', { account: refusing.account }) : ''}
        closeButtonProps={{ 'aria-label': t('svc.close') }}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (refusing) refuse.mutate(refusing);
          }}
        >
          <Stack>
            <Textarea
              label={t('staffsvc.reason')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              required
              maxLength={500}
              autosize
              minRows={2}
            />
            <ErrorAlert error={refuse.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRefusing(null)}>
                {t('svc.cancel')}
              </Button>
              <Button type="submit" color="red" loading={refuse.isPending} disabled={!reason.trim()}>
                {t('staffsvc.refuse')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
