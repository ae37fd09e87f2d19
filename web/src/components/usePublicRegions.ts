import { useQuery } from '@tanstack/react-query';

import { api } from '../api/client';

/** The regions as anyone may see them (names, time zones, support contacts), shared by public and staff pages. */
export function usePublicRegions() {
  return useQuery({
    queryKey: ['public-regions'],
    queryFn: () => api.GET('/api/public/regions').then((r) => r.regions),
    staleTime: 600_000,
  });
}
