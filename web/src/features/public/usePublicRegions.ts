import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import type { Region } from '../../api/types';

export function usePublicRegions() {
  return useQuery({
    queryKey: ['public-regions'],
    queryFn: () => api<{ regions: Region[] }>('/api/public/regions').then((r) => r.regions),
    staleTime: 600_000,
  });
}
