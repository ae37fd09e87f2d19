import { useQuery, useQueryClient } from '@tanstack/react-query';

import { api, ApiError } from '../api/client';

/** Who is signed in (null when nobody): the one source the routes use to decide where to go. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api.GET('/api/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    await api.POST('/api/auth/logout').catch(() => {});
    qc.clear();
    qc.setQueryData(['me'], null);
  };
}
