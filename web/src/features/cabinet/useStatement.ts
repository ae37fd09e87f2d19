import { useQuery } from '@tanstack/react-query';

import { api } from '../../api/client';

export function useStatement(from: string, to: string) {
  return useQuery({
    queryKey: ['statement', from, to],
    queryFn: () => api.GET('/api/me/statement', { params: { query: { from, to } } }),
  });
}

export function monthStart(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
}
export function todayLocal(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
