import './i18n';

import {
  Alert,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  Loader,
  PasswordInput,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData, ApiError, download } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rub } from '../../components/format';
import { HiddenCaption } from '../../components/HiddenCaption';
import i18n from '../../i18n';

type Run = ApiData<'get', '/api/staff/imports/{id}'>;
type Severity = 'refused' | 'conflict' | 'warning';

function csrfToken(): string {
  return (
    document.cookie
      .split('; ')
      .find((c) => c.startsWith('abonent_csrf='))
      ?.slice('abonent_csrf='.length) ?? ''
  );
}

/** The CSV upload (multipart): a plain fetch, as openapi-fetch would send JSON. */
async function uploadCsv(files: File[], source: string): Promise<{ id: number }> {
  const body = new FormData();
  if (source.trim()) body.append('source', source.trim());
  for (const f of files) body.append('files', f, f.name);
  const res = await fetch('/api/staff/imports/csv', {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { 'accept-language': i18n.language, 'x-csrf-token': csrfToken() },
  });
  const json = (await res.json().catch(() => null)) as {
    id?: number;
    error?: { code: string; message: string };
  } | null;
  if (res.ok && json?.id) return { id: json.id };
  throw new ApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? i18n.t('errors.network'));
}

const active = (r?: { state: string }) => r?.state === 'queued' || r?.state === 'running';

/**
 * Moving in (admins, docs/import.md): upload the CSV files or name a Ubilling / ABillS database, start a
 * dry run, watch its progress, read the report and every refused row, edit the mapping file, run the
 * import for real, and issue cabinet passwords. Runs are jobs: the page can be left and come back to.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<number | null>(null);
  const runs = useQuery({
    queryKey: ['imports'],
    queryFn: () => api.GET('/api/staff/imports'),
    refetchInterval: (q) => (q.state.data?.runs.some(active) ? 1000 : false),
  });
  useEffect(() => {
    if (selected === null && runs.data?.runs[0]) setSelected(runs.data.runs[0].id);
  }, [runs.data, selected]);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('imp.title')}
      </Title>
      <Text c="dimmed">{t('imp.hint')}</Text>
      <NewImport onStarted={setSelected} />
      {runs.data && runs.data.runs.length > 0 && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('imp.runs')}
          </Title>
          <Table.ScrollContainer minWidth={560} type="native">
            <Table highlightOnHover>
              <HiddenCaption>{t('imp.runs')}</HiddenCaption>
              <Table.Tbody>
                {runs.data.runs.map((r) => (
                  <Table.Tr
                    key={r.id}
                    onClick={() => setSelected(r.id)}
                    style={{ cursor: 'pointer' }}
                    bg={r.id === selected ? 'var(--mantine-color-blue-light)' : undefined}
                  >
                    <Table.Td>
                      <Button variant="subtle" size="compact-sm" onClick={() => setSelected(r.id)}>
                        {t('imp.run', { id: r.id })}
                      </Button>
                    </Table.Td>
                    <Table.Td>
                      {r.source} · {r.dryRun ? t('imp.dry') : t('imp.real')}
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        color={r.state === 'failed' ? 'red' : r.state === 'done' ? 'green' : 'blue'}
                        variant="light"
                      >
                        {t(`imp.state.${r.state}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td w={160}>
                      <Progress value={r.permille / 10} aria-label={t('imp.progress')} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {selected !== null && <RunDetail id={selected} onStarted={setSelected} />}
    </Stack>
  );
}

function NewImport({ onStarted }: { onStarted: (id: number) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [files, setFiles] = useState<File[]>([]);
  const [source, setSource] = useState('');
  const [kind, setKind] = useState<'ubilling' | 'abills'>('ubilling');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const done = (r: { id: number }) => {
    onStarted(r.id);
    return qc.invalidateQueries({ queryKey: ['imports'] });
  };
  const csv = useMutation({ mutationFn: () => uploadCsv(files, source), onSuccess: done });
  const db = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/imports/database', {
        body: { kind, url, abillsSecret: secret || undefined, source: source.trim() || undefined },
      }),
    onSuccess: done,
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('imp.newImport')}
      </Title>
      <Tabs defaultValue="csv">
        <Tabs.List>
          <Tabs.Tab value="csv">{t('imp.fromCsv')}</Tabs.Tab>
          <Tabs.Tab value="db">{t('imp.fromDb')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="csv" pt="sm">
          <Stack>
            <FileInput
              label={t('imp.files')}
              description={t('imp.filesHint')}
              multiple
              accept=".csv,text/csv"
              value={files}
              onChange={setFiles}
              clearable
              clearButtonProps={{ 'aria-label': t('imp.clearFiles') }}
            />
            <TextInput
              label={t('imp.source')}
              description={t('imp.sourceHint')}
              placeholder="csv"
              value={source}
              onChange={(e) => setSource(e.currentTarget.value)}
            />
            <ErrorAlert error={csv.error} />
            <Group>
              <Button onClick={() => csv.mutate()} loading={csv.isPending} disabled={files.length === 0}>
                {t('imp.dryRun')}
              </Button>
            </Group>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="db" pt="sm">
          <Stack>
            <Select
              label={t('imp.kind')}
              data={[
                { value: 'ubilling', label: 'Ubilling (Stargazer)' },
                { value: 'abills', label: 'ABillS' },
              ]}
              value={kind}
              onChange={(v) => setKind((v as 'ubilling' | 'abills') ?? 'ubilling')}
              allowDeselect={false}
            />
            <PasswordInput
              label={t('imp.url')}
              description={t('imp.urlHint')}
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
            />
            {kind === 'abills' && (
              <PasswordInput
                label={t('imp.abillsSecret')}
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
              />
            )}
            <TextInput
              label={t('imp.source')}
              description={t('imp.sourceHint')}
              placeholder={kind}
              value={source}
              onChange={(e) => setSource(e.currentTarget.value)}
            />
            <ErrorAlert error={db.error} />
            <Group>
              <Button onClick={() => db.mutate()} loading={db.isPending} disabled={!url}>
                {t('imp.dryRun')}
              </Button>
            </Group>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}

function RunDetail({ id, onStarted }: { id: number; onStarted: (id: number) => void }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['import', id],
    queryFn: () => api.GET('/api/staff/imports/{id}', { params: { path: { id } } }),
    refetchInterval: (x) => (active(x.state.data) || !x.state.data ? 500 : false),
  });
  const run = q.data;
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!run) return <Loader />;
  return (
    <Card withBorder data-testid="import-run">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h3">
            {t('imp.run', { id: run.id })}: {run.source} · {run.dryRun ? t('imp.dry') : t('imp.real')}
          </Title>
          <Badge
            size="lg"
            variant="light"
            color={run.state === 'failed' ? 'red' : run.state === 'done' ? 'green' : 'blue'}
          >
            {t(`imp.state.${run.state}`)}
          </Badge>
        </Group>
        <div>
          <Group justify="space-between" mb={4}>
            <Text size="sm">
              {t(`imp.phase.${run.phase}`, { defaultValue: run.phase })}
              {active(run) && run.total > 1 ? ` · ${t('imp.rows', { done: run.done, total: run.total })}` : ''}
            </Text>
            <Text size="sm" fw={600}>
              {Math.floor(run.permille / 10)}%
            </Text>
          </Group>
          <Progress
            value={run.permille / 10}
            size="lg"
            animated={active(run)}
            aria-label={t('imp.progress')}
            data-testid="import-progress"
            data-percent={Math.floor(run.permille / 10)}
          />
        </div>
        {run.state === 'failed' && (
          <Alert color="red" role="alert">
            {t('imp.failed', { error: run.error ?? '' })}
          </Alert>
        )}
        {run.report && <Report run={run} />}
        {run.state === 'done' && <Problems id={run.id} />}
        {run.state === 'done' && run.dryRun && <Apply run={run} onStarted={onStarted} />}
        {run.state === 'done' && !run.dryRun && <Passwords source={run.source} />}
      </Stack>
    </Card>
  );
}

/** 200003 → "200 003" (ru) or "200,003" (en). */
const count = (n: number) => n.toLocaleString(i18n.language === 'en' ? 'en-US' : 'ru-RU');

function Stat({ label, value, note }: { label: string; value: string | number; note?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {typeof value === 'number' ? count(value) : value}
      </Text>
      {note && (
        <Text size="xs" c="dimmed">
          {note}
        </Text>
      )}
    </div>
  );
}

function Report({ run }: { run: Run }) {
  const { t } = useTranslation();
  const r = run.report!;
  const s = r.subscribers;
  const c = r.catalog;
  return (
    <Stack gap="sm" data-testid="import-report">
      <Title order={3} size="h4">
        {t('imp.report')}
      </Title>
      {r.written && (
        <Alert color="green" role="status">
          {t('imp.written', {
            accounts: count(r.written.accounts),
            payments: count(r.written.payments),
            amount: rub(r.written.amount),
          })}
        </Alert>
      )}
      <Text fw={600}>{t('imp.subscribers')}</Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label={t('imp.read')} value={s.read} />
        <Stat label={run.dryRun ? t('imp.toImport') : t('imp.imported')} value={s.toImport} />
        <Stat label={t('imp.already')} value={s.alreadyImported} />
        <Stat label={t('imp.refused')} value={s.refused} />
        <Stat label={t('imp.active')} value={s.active} />
        <Stat label={t('imp.blocked')} value={s.blocked} />
        <Stat label={t('imp.suspended')} value={s.suspended} />
        <Stat label={t('imp.closed')} value={s.closed} />
        <Stat label={t('imp.logins')} value={s.withLogin} />
        <Stat label={t('imp.ips')} value={s.withIp} />
        <Stat label={t('imp.noPhone')} value={s.withoutPhone} />
      </SimpleGrid>
      <Text fw={600}>{t('imp.money')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Stat label={t('imp.opening')} value={rub(r.money.opening)} />
        <Stat label={t('imp.credits')} value={rub(r.money.credits)} />
        <Stat label={t('imp.debts')} value={rub(r.money.debts)} note={t('imp.debtors', { count: r.money.debtors })} />
      </SimpleGrid>
      <Text>
        <b>{t('imp.payments')}:</b>{' '}
        {t('imp.paymentsCount', { n: count(r.payments.toImport), sum: rub(r.payments.amount) })}
      </Text>
      <Text>
        <b>{run.dryRun ? t('imp.created') : t('imp.wasCreated')}:</b>{' '}
        {t('imp.createdList', {
          regions: c.regions.length,
          tariffs: c.tariffs.length,
          addons: c.addons.length,
          nas: c.nas.length,
          addresses: count(c.pools.reduce((a, p) => a + p.addresses, 0)),
        })}
      </Text>
    </Stack>
  );
}

function Problems({ id }: { id: number }) {
  const { t } = useTranslation();
  const [severity, setSeverity] = useState<'all' | Severity>('all');
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['import-problems', id, severity, page, i18n.language],
    queryFn: () =>
      api.GET('/api/staff/imports/{id}/problems', {
        params: {
          path: { id },
          query: { severity: severity === 'all' ? undefined : severity, page, pageSize: 50 },
        },
      }),
  });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / q.data.pageSize)) : 1;
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('imp.problems')}
      </Title>
      <SegmentedControl
        value={severity}
        onChange={(v) => {
          setSeverity(v);
          setPage(1);
        }}
        data={(['all', 'refused', 'conflict', 'warning'] as const).map((v) => ({
          value: v,
          label: t(`imp.severity.${v}`),
        }))}
      />
      <ErrorAlert error={q.error} />
      {q.data &&
        (q.data.problems.length === 0 ? (
          <Text c="dimmed">{t('imp.noProblems')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={640} type="native">
            <Table striped data-testid="import-problems">
              <HiddenCaption>{t('imp.problems')}</HiddenCaption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('imp.where')}</Table.Th>
                  <Table.Th scope="col">{t('imp.reasonCol')}</Table.Th>
                  <Table.Th scope="col">{t('imp.detail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.problems.map((p, i) => (
                  <Table.Tr key={`${p.ref}-${p.reason}-${i}`}>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={p.severity === 'warning' ? 'yellow' : p.severity === 'conflict' ? 'orange' : 'red'}
                      >
                        {t(`imp.severity.${p.severity}`)}
                      </Badge>
                      <Text ff="monospace" size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {p.ref}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                    <Table.Td style={{ wordBreak: 'break-word' }}>{p.detail ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ))}
      {pages > 1 && (
        <Group>
          <Button variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('imp.prev')}
          </Button>
          <Text>
            {page} / {pages}
          </Text>
          <Button variant="default" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t('imp.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Apply({ run, onStarted }: { run: Run; onStarted: (id: number) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [mapping, setMapping] = useState(run.mapping ?? '');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const apply = useMutation({
    mutationFn: () =>
      api.POST('/api/staff/imports/{id}/apply', {
        params: { path: { id: run.id } },
        body: {
          mapping,
          url: run.kind === 'csv' ? undefined : url,
          abillsSecret: run.kind === 'abills' ? secret : undefined,
        },
      }),
    onSuccess: (r) => {
      onStarted(r.id);
      return qc.invalidateQueries({ queryKey: ['imports'] });
    },
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('imp.mapping')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('imp.mappingHint')}
      </Text>
      <Textarea
        aria-label={t('imp.mapping')}
        value={mapping}
        onChange={(e) => setMapping(e.currentTarget.value)}
        autosize
        minRows={8}
        maxRows={24}
        styles={{ input: { fontFamily: 'monospace', fontSize: 13 } }}
        spellCheck={false}
      />
      {run.kind !== 'csv' && (
        <>
          <Text size="sm">{t('imp.applyDbHint')}</Text>
          <PasswordInput label={t('imp.url')} value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
          {run.kind === 'abills' && (
            <PasswordInput
              label={t('imp.abillsSecret')}
              value={secret}
              onChange={(e) => setSecret(e.currentTarget.value)}
            />
          )}
        </>
      )}
      <ErrorAlert error={apply.error} />
      <Group>
        <Button color="green" onClick={() => apply.mutate()} loading={apply.isPending}>
          {t('imp.apply')}
        </Button>
      </Group>
    </Stack>
  );
}

function Passwords({ source }: { source: string }) {
  const { t } = useTranslation();
  const [delivery, setDelivery] = useState<'sms' | 'email' | 'letters'>('letters');
  const [batchId, setBatchId] = useState<number | null>(null);
  const start = useMutation({
    mutationFn: () => api.POST('/api/staff/imports/passwords', { body: { source, delivery } }),
    onSuccess: (r) => setBatchId(r.id),
  });
  const batch = useQuery({
    queryKey: ['import-passwords', batchId],
    enabled: batchId !== null,
    queryFn: () => api.GET('/api/staff/imports/passwords/{id}', { params: { path: { id: batchId! } } }),
    refetchInterval: (x) => (active(x.state.data) || !x.state.data ? 1000 : false),
  });
  const b = batch.data;
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('imp.passwords')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('imp.passwordsHint')}
      </Text>
      <SegmentedControl
        value={delivery}
        onChange={(v) => setDelivery(v)}
        data={(['letters', 'sms', 'email'] as const).map((v) => ({ value: v, label: t(`imp.delivery.${v}`) }))}
      />
      <ErrorAlert error={start.error ?? batch.error} />
      <Group>
        <Button onClick={() => start.mutate()} loading={start.isPending || active(b)}>
          {t('imp.issue')}
        </Button>
      </Group>
      {b && (
        <Stack gap={4}>
          <Progress
            value={b.total ? Math.round((b.done * 1000) / b.total) / 10 : b.state === 'done' ? 100 : 0}
            aria-label={t('imp.passwords')}
          />
          <Text size="sm">{t('imp.batch', { done: b.done, total: b.total })}</Text>
          {b.skipped > 0 && <Text size="sm">{t('imp.skipped', { n: b.skipped })}</Text>}
          {b.state === 'failed' && <Alert color="red">{b.error}</Alert>}
          {b.hasPdf && (
            <Group>
              <Button
                variant="light"
                onClick={() =>
                  void download(`letters-${b.id}.pdf`, '/api/staff/imports/passwords/{id}/letters', {
                    params: { path: { id: b.id } },
                  })
                }
              >
                {t('imp.downloadLetters')}
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </Stack>
  );
}
