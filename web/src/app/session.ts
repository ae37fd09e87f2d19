import { useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../api/client';

/** Who is signed in (null when nobody): the one source the routes use to decide where to go. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    // /api/auth/session answers 200 when nobody is signed in (no failed request in the console).
    queryFn: async () => (await api.GET('/api/auth/session')).me,
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
