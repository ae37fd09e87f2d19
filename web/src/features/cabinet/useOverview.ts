import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import type { Overview } from '../../api/types';

export const useOverview = () => useQuery({ queryKey: ['overview'], queryFn: () => api<Overview>('/api/me/overview') });
export const useUnread = () =>
  useQuery({
    queryKey: ['unread'],
    queryFn: () => api<{ unread: number }>('/api/me/notifications/unread-count').then((r) => r.unread),
    refetchInterval: 60_000,
  });
