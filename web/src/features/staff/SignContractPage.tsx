import {
  Alert,
  Button,
  Card,
  Checkbox,
  Code,
  MultiSelect,
  Select,
  SimpleGrid,
  Spoiler,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiData, download } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localName, rub } from '../../components/format';

type Signed = ApiData<'post', '/api/staff/contracts'>;

/** Operator signs a contract; the initial password is shown once, the PDF carries it on its last page. */
export function SignContractPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ru';
  const [consented, setConsented] = useState(false);
  const consent = useQuery({
    queryKey: ['consent-text', lang],
    queryFn: () => api.GET('/api/staff/privacy/consent', { params: { query: { lang } } }),
  });
  const [form, setForm] = useState({ fullName: '', address: '', phone: '', email: '', passport: '' });
  const [regionId, setRegionId] = useState<string | null>(null);
  const [tariffId, setTariffId] = useState<string | null>(null);
  const [serviceIds, setServiceIds] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [signed, setSigned] = useState<Signed | null>(null);
  const regions = useQuery({
    queryKey: ['staff-regions'],
    queryFn: () => api.GET('/api/staff/regions').then((r) => r.regions),
  });
  const tariffs = useQuery({
    queryKey: ['tariffs', regionId],
    enabled: !!regionId,
    queryFn: () =>
      api
        .GET('/api/public/regions/{id}/tariffs', { params: { path: { id: Number(regionId) } } })
        .then((r) => r.tariffs),
  });
  const services = useQuery({
    queryKey: ['services', regionId],
    enabled: !!regionId,
    queryFn: () =>
      api
        .GET('/api/staff/services', { params: { query: { regionId: Number(regionId) } } })
        .then((r) => r.services.filter((s) => !s.archived)),
  });
  const field = (k: keyof typeof form) => ({
    value: form[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value }),
    name: k,
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.POST('/api/staff/contracts', {
        body: {
          ...form,
          email: form.email || null,
          regionId: Number(regionId),
          tariffId: Number(tariffId),
          serviceIds: serviceIds.map(Number),
          consentVersion: consent.data?.version ?? '',
        },
      });
      setSigned(r);
    } catch (err) {
      setError(err);
    }
  }

  if (signed) {
    return (
      <Stack maw={560}>
        <Title order={1} size="h2">
          {t('staff.signed')}
        </Title>
        <Card withBorder>
          <Text>
            {t('profile.contract')}: <b data-testid="contract-number">{signed.contract.number}</b>
          </Text>
          <Text>
            {t('profile.account')}: <b data-testid="account-number">{signed.account.number}</b>
          </Text>
          <Alert color="yellow" mt="sm" title={t('staff.initialPassword')}>
            <Code fz="lg" data-testid="initial-password">
              {signed.initialPassword}
            </Code>
          </Alert>
          <Button
            mt="md"
            onClick={() =>
              void download(`contract-${signed.contract.number}.pdf`, '/api/staff/contracts/{id}/pdf', {
                params: { path: { id: signed.contract.id } },
              }).catch(setError)
            }
          >
            {t('staff.downloadPdf')}
          </Button>
        </Card>
        <ErrorAlert error={error} />
        <Button
          variant="default"
          onClick={() => {
            setSigned(null);
            setForm({ fullName: '', address: '', phone: '', email: '', passport: '' });
            setConsented(false);
          }}
        >
          {t('staff.sign')}
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack maw={720}>
        <Title order={1} size="h2">
          {t('staff.sign')}
        </Title>
        <ErrorAlert error={error} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('staff.fullName')} required {...field('fullName')} />
          <TextInput label={t('staff.phone')} required type="tel" {...field('phone')} />
          <TextInput label={t('staff.address')} required {...field('address')} />
          <TextInput label={t('staff.email2')} type="email" {...field('email')} />
          <TextInput label={t('staff.passport')} required placeholder="4010 123456" {...field('passport')} />
        </SimpleGrid>
        <Select
          label={t('staff.region')}
          required
          data={(regions.data ?? []).map((r) => ({ value: String(r.id), label: localName(r) }))}
          value={regionId}
          onChange={(v) => {
            setRegionId(v);
            setTariffId(null);
            setServiceIds([]);
          }}
          name="region"
        />
        <Select
          label={t('staff.tariff')}
          required
          disabled={!regionId}
          data={(tariffs.data ?? []).map((x) => ({
            value: String(x.id),
            label: `${localName(x)} — ${rub(x.monthlyFee)}`,
          }))}
          value={tariffId}
          onChange={setTariffId}
          name="tariff"
        />
        <MultiSelect
          label={t('staff.services')}
          disabled={!regionId}
          data={(services.data ?? []).map((x) => ({
            value: String(x.id),
            label: `${localName(x)} — ${rub(x.monthlyFee)}`,
          }))}
          value={serviceIds}
          onChange={setServiceIds}
          name="services"
        />
        {consent.data && (
          <Card withBorder>
            <Spoiler maxHeight={60} showLabel={t('staff.consentShow')} hideLabel={t('staff.consentHide')}>
              <Text size="sm" style={{ whiteSpace: 'pre-line' }} data-testid="consent-text">
                {consent.data.text}
              </Text>
            </Spoiler>
            <Checkbox
              mt="sm"
              required
              checked={consented}
              onChange={(e) => setConsented(e.currentTarget.checked)}
              label={t('staff.consentSigned', { version: consent.data.version })}
            />
          </Card>
        )}
        <Button type="submit" disabled={!regionId || !tariffId || !consented || !consent.data}>
          {t('staff.signIt')}
        </Button>
      </Stack>
    </form>
  );
}
