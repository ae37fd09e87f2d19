import './i18n';

import { TagsInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * An account's tags on the subscriber card (docs/bulk.md "Tags"): pick existing ones or type a new one
 * (made on the spot); bulk operations select by them. Support and operators edit, others read.
 */
export function AccountTags({ accountId, editable }: { accountId: number; editable: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const mine = useQuery({
    queryKey: ['account-tags', accountId],
    queryFn: () => api.GET('/api/staff/accounts/{id}/tags', { params: { path: { id: accountId } } }),
  });
  const all = useQuery({ queryKey: ['staff-tags'], queryFn: () => api.GET('/api/staff/tags') });
  const save = useMutation({
    mutationFn: async (names: string[]) => {
      const known = new Map((all.data?.tags ?? []).map((x) => [x.name.toLowerCase(), x.id]));
      const ids: number[] = [];
      for (const name of names) {
        const id = known.get(name.trim().toLowerCase()) ?? (await api.POST('/api/staff/tags', { body: { name } })).id;
        ids.push(id);
      }
      return api.PUT('/api/staff/accounts/{id}/tags', { params: { path: { id: accountId } }, body: { tagIds: ids } });
    },
    onSuccess: (data) => {
      qc.setQueryData(['account-tags', accountId], data);
      return qc.invalidateQueries({ queryKey: ['staff-tags'] });
    },
  });
  const value = (mine.data?.tags ?? []).map((x) => x.name);
  return (
    <>
      <TagsInput
        label={t('tags.title')}
        placeholder={editable ? t('tags.placeholder') : undefined}
        data={(all.data?.tags ?? []).map((x) => x.name)}
        value={value}
        onChange={(names) => save.mutate(names)}
        readOnly={!editable}
        maxTags={50}
        clearable={editable}
        data-testid="account-tags"
      />
      <ErrorAlert error={save.error ?? mine.error} />
    </>
  );
}
