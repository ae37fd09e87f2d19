import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';

export const useOverview = () => useQuery({ queryKey: ['overview'], queryFn: () => api.GET('/api/me/overview') });
export const useUnread = () =>
  useQuery({
    queryKey: ['unread'],
    queryFn: () => api.GET('/api/me/notifications/unread-count').then((r) => r.unread),
    refetchInterval: 60_000,
  });
