import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';
import { useOverview } from './useOverview';

export function useStatement(from: string, to: string) {
  return useQuery({
    queryKey: ['statement', from, to],
    queryFn: () => api.GET('/api/me/statement', { params: { query: { from, to } } }),
  });
}

/** The first day of `day`'s month. */
export function monthStartOf(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/**
 * The subscriber's today: the region's calendar day, from the overview — not the browser's clock, whose
 * zone may differ (statements and sessions are counted in the region's days). Null until it is known.
 */
export function useRegionToday(): string | null {
  return useOverview().data?.today ?? null;
}
