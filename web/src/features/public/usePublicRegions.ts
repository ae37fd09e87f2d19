import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';

export function usePublicRegions() {
  return useQuery({
    queryKey: ['public-regions'],
    queryFn: () => api.GET('/api/public/regions').then((r) => r.regions),
    staleTime: 600_000,
  });
}
