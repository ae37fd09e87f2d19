import './i18n';

import { Alert } from '@mantine/core';
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api } from '../../api/client';

export interface SessionRef {
  accountId: number;
  sessionId: number;
}

/** «Отключить» a session (a Disconnect-Request to its NAS, audited); the list behind `listKey` is read again. */
export function useDisconnect(listKey: QueryKey) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: SessionRef) =>
      api.POST('/api/staff/accounts/{id}/sessions/{sessionId}/disconnect', {
        params: { path: { id: s.accountId, sessionId: s.sessionId } },
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: listKey }),
  });
}

/** What the NAS answered to the last «Отключить», in words (ack, nak, timeout, error). */
export function DisconnectResult({ status }: { status: string | undefined }) {
  const { t } = useTranslation();
  if (!status) return null;
  return (
    <Alert color={status === 'ack' ? 'green' : 'orange'} variant="light" role="status">
      {t(`net.staff.disconnectResult.${status}`)}
    </Alert>
  );
}
