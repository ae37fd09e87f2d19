import { useQuery } from '@tanstack/react-query';

import { api } from '../untyped-api';

export interface StaffRegion {
  id: number;
  nameRu: string;
  nameEn: string;
  settings: {
    suspension?: { autoApprove?: boolean; dailyFee?: number; freeDays?: number; windowDays?: number };
  };
}

export const useStaffRegions = () =>
  useQuery({
    queryKey: ['staff-regions'],
    queryFn: () => api<{ regions: StaffRegion[] }>('/api/staff/regions').then((r) => r.regions),
  });
